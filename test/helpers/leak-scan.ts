/**
 * A scanner for credentials in text (error messages, logs, serialized errors): each secret in the
 * forms it could take on its way out, and any PEM block at all.
 */

export interface Leak {
  /** The secret found, or `PEM block` for a PEM header found without a known secret. */
  secret: string;
  /** Which text, where in it, and in which form, e.g. `text 3 at 120 (base64)`. */
  where: string;
}

/** Shorter secrets would match by chance; test credentials are longer. */
export const MIN_SECRET_LENGTH = 8;

/**
 * The part of base64(prefix + secret + suffix) that depends on the secret alone, for a secret that
 * starts `offset` bytes into a 3-byte group: characters touching a neighbour's bits are dropped.
 */
function stableBase64(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64").replace(/=+$/, "");
  const start = Math.ceil((offset * 8) / 6);
  const end = Math.floor(((offset + bytes.length) * 8) / 6);
  return encoded.slice(start, end);
}

/** The forms a secret takes in text: as is, JSON-escaped, percent-encoded, hex and base64 at every alignment. */
export function secretForms(secret: string): Array<{ form: string; text: string }> {
  const forms = new Map<string, string>();
  const add = (form: string, text: string) => {
    if (text.length >= MIN_SECRET_LENGTH && ![...forms.values()].includes(text)) forms.set(form, text);
  };
  add("raw", secret);
  add("JSON-escaped", JSON.stringify(secret).slice(1, -1));
  add("percent-encoded", encodeURIComponent(secret));
  const bytes = Buffer.from(secret, "utf8");
  add("hex", bytes.toString("hex"));
  for (const offset of [0, 1, 2]) {
    const base64 = stableBase64(bytes, offset);
    add(`base64+${offset}`, base64);
    add(`base64url+${offset}`, base64.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...forms].map(([form, text]) => ({ form, text }));
}

/** A PEM header, and base64 of `-----BEGIN ` at every alignment (a `*-data` value in a kubeconfig). */
const PEM_MARKERS: Array<{ form: string; pattern: RegExp }> = [
  { form: "PEM", pattern: /-----BEGIN [A-Z0-9 ]+-----/g },
  ...[0, 1, 2].map((offset) => ({
    form: `base64 PEM+${offset}`,
    pattern: new RegExp(stableBase64(Buffer.from("-----BEGIN "), offset).replace(/[+/]/g, "\\$&"), "g"),
  })),
];

/**
 * Every occurrence of every secret (in every form of `secretForms`) and of any PEM block in `texts`.
 * `labels` name the texts in `where`; by default `text <index>`.
 */
export function findLeaks(texts: readonly string[], secrets: readonly string[], labels: readonly string[] = []): Leak[] {
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) throw new RangeError(`a secret to scan for must have at least ${MIN_SECRET_LENGTH} characters`);
  }
  const leaks: Leak[] = [];
  texts.forEach((text, i) => {
    const label = labels[i] ?? `text ${i}`;
    for (const secret of secrets) {
      for (const { form, text: needle } of secretForms(secret)) {
        for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
          leaks.push({ secret, where: `${label} at ${at} (${form})` });
        }
      }
    }
    for (const { form, pattern } of PEM_MARKERS) {
      for (const match of text.matchAll(pattern)) leaks.push({ secret: "PEM block", where: `${label} at ${match.index} (${form})` });
    }
  });
  return leaks;
}

/** A PEM text and the parts of it that are key material: its base64 body, whole and by line. */
export function pemSecrets(pem: string): string[] {
  const lines = pem.split(/\r?\n/).filter((line) => line !== "" && !line.startsWith("-----"));
  return [pem.trim(), lines.join(""), ...lines.filter((line) => line.length >= 16)];
}
