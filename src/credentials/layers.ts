/**
 * The process's store of issued credentials: a password sign-in's token, an agency's, OIDC's or a
 * metadata service's temporary keys, kept until shortly before they expire and shared by every
 * call with the same identity. Keyed by a hash of everything that decides the credential (IAM
 * URL, project, user, a hash of the password, the agency), so different identities never share
 * one and a changed password signs in afresh. In memory only: never in state, logs or errors.
 */
import { createHash } from "node:crypto";
import type { IssuedCredential } from "../api/iam";
import { IAM_RENEW_LEAD_MS } from "../constants";
import type { Layer } from "./source";
import type { CceCredentials } from "./types";

interface Cached {
  credentials: CceCredentials;
  /** The project a signed-in token is scoped to. */
  projectId?: string;
  /** ms since the epoch: from then on, a new credential is fetched. */
  renewAt: number;
}

/** Per process: in-flight and issued credentials, by identity key. */
const issued = new Map<string, Promise<Cached>>();

/** Forgets every issued credential (tests; a user switching identities needs nothing). */
export function forgetLayers(): void {
  issued.clear();
}

export const hash = (...parts: unknown[]): string => createHash("sha256").update(JSON.stringify(parts)).digest("hex");

/** A SHA-256 of `value`'s JSON: how the exec cache's identities name a token or a whole identity. */
export const jsonDigest = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex");

/** When to stop using a credential: IAM_RENEW_LEAD_MS before expiry, or half-way through a shorter life. */
export function renewalTime(expiresAt: Date, issuedAt: Date): number {
  const life = expiresAt.getTime() - issuedAt.getTime();
  return expiresAt.getTime() - Math.min(IAM_RENEW_LEAD_MS, Math.max(0, life / 2));
}

const sameCredentials = (a: CceCredentials, b: CceCredentials): boolean =>
  a.kind === "token" ? b.kind === "token" && a.token === b.token : b.kind === "aksk" && a.accessKey === b.accessKey && a.securityToken === b.securityToken;

/** A credential used as it is: nothing to fetch or renew. */
export function fixedLayer(credentials: CceCredentials): Layer {
  const identity = credentials.kind === "token" ? credentials.token : `${credentials.accessKey}:${credentials.secretKey}:${credentials.securityToken ?? ""}`;
  return { key: hash("fixed", identity), issued: false, get: async () => credentials, project: async () => undefined };
}

function store(key: string, clock: () => Date, fetch: () => Promise<IssuedCredential>): Promise<Cached> {
  const issuedAt = clock();
  const entry = fetch().then((c): Cached => {
    const cached: Cached = { credentials: c.credentials, renewAt: renewalTime(c.expiresAt, issuedAt) };
    if (c.projectId !== undefined) cached.projectId = c.projectId;
    return cached;
  });
  issued.set(key, entry);
  // A failed fetch is not kept: the next call tries again.
  entry.catch(() => {
    if (issued.get(key) === entry) issued.delete(key);
  });
  return entry;
}

/** A layer whose credential comes from `fetch`, shared through the store by `key`. */
export function cachedLayer(key: string, clock: () => Date, fetch: () => Promise<IssuedCredential>): Layer {
  async function current(): Promise<Cached> {
    // Bounded: an entry found stale is dropped once; a new one is used even if IAM dated it oddly.
    for (let round = 0; round < 3; round++) {
      const entry = issued.get(key);
      if (entry === undefined) break;
      const cached = await entry;
      if (clock().getTime() < cached.renewAt) return cached;
      if (issued.get(key) === entry) issued.delete(key);
    }
    return issued.get(key) ?? store(key, clock, fetch);
  }
  return { key, issued: true, get: async () => (await current()).credentials, project: async () => (await current()).projectId };
}

/**
 * After a refusal: when the top layer still holds the rejected credential (no other call renewed
 * it meanwhile), IAM revoked it or what it was made from, so every issued layer is dropped and
 * fetched again. Concurrent calls rejected with the same credential share one renewal.
 */
export async function dropRejected(layers: readonly Layer[], rejected: CceCredentials): Promise<void> {
  const top = layers.at(-1)!;
  const entry = issued.get(top.key);
  if (entry !== undefined && sameCredentials((await entry.catch(() => undefined))?.credentials ?? rejected, rejected)) {
    for (const layer of layers) if (layer.issued) issued.delete(layer.key);
  }
}
