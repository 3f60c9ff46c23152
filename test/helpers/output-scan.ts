/**
 * What must never appear in anything the suite prints: a PEM block (raw or base64: keys,
 * certificates, kubeconfig data), a signed Authorization header, or an X-Auth-Token header.
 * Secrets that tests know by value are scanned by the suites that own them (reliability/no-leaks,
 * e2e); this scan needs no values, so it covers every line of every suite.
 */
import { findLeaks } from "./leak-scan";

const HEADER_MARKERS: Array<{ what: string; pattern: RegExp }> = [
  { what: "Authorization header", pattern: /SDK-HMAC-SHA256\s+Access=/g },
  { what: "X-Auth-Token header", pattern: /x-auth-token["']?\s*[:=]\s*["']?[A-Za-z0-9]/gi },
];

export interface OutputHit {
  what: string;
  /** Label of the text and offset, never the text itself. */
  where: string;
}

export function scanOutput(texts: readonly string[], labels: readonly string[]): OutputHit[] {
  const hits: OutputHit[] = findLeaks(texts, [], labels).map((l) => ({ what: l.secret, where: l.where }));
  texts.forEach((text, i) => {
    for (const { what, pattern } of HEADER_MARKERS) {
      for (const match of text.matchAll(pattern)) hits.push({ what, where: `${labels[i]} at ${match.index}` });
    }
  });
  return hits;
}
