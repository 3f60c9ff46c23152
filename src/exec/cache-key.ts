/**
 * Which cache file serves a call: one per cluster and identity. The name is the cluster id and a
 * hash of everything that decides which certificate CCE would mint (endpoint, project, cluster,
 * family, context) and for whom (the credential chain's identity), so two IAM users, two agencies
 * or two projects on one machine never share a certificate, and no secret appears in a file name.
 */
import { createHash, randomBytes } from "node:crypto";
import type { AuthMethod, AuthSettings } from "../config/settings";
import { readIdToken, type IdTokenSource } from "../config/id-token-file";

const sha256 = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex");

/** The token's `exp` claim in ms, if it has one; read unverified, which is safe only because the whole token is hashed into the key. */
function tokenExpiry(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Who an OIDC entry belongs to: a hash of the whole ID token, never its unverified `sub`. Before
 * the exchange nothing is verified, so a job on a shared runner could forge a token with another
 * job's `sub` and be handed that job's certificate (issue 21, item 5); a hash of the exact token
 * is reached only by whoever holds that token, who could exchange it at IAM anyway. A token whose
 * own `exp` has passed reaches no entry (a fresh name each time): a leaked expired token unlocks
 * nothing that IAM would refuse it, and the mint that follows fails at IAM with its reason.
 */
function idTokenIdentity(source: IdTokenSource, now: Date): string {
  const token = readIdToken(source);
  const expiry = tokenExpiry(token);
  if (expiry !== undefined && expiry <= now.getTime()) return `expired:${randomBytes(16).toString("hex")}`;
  return sha256(`token:${token}`);
}

/**
 * What names the identity of `method`, never its secret: the access key of a key pair (a profile's
 * too), a hash of a token (the token is the only thing that names its user), the user of a password
 * sign-in, the endpoint and token file of pod identity, the metadata service of an ECS instance.
 */
function methodIdentity(method: AuthMethod, now: Date): unknown {
  switch (method.kind) {
    case "aksk":
      return { kind: method.kind, accessKey: method.accessKey };
    case "token":
      return { kind: method.kind, token: sha256(method.token) };
    case "password":
      return { kind: method.kind, user: method.user };
    case "pod":
      return { kind: method.kind, uri: method.uri, tokenFile: method.tokenFile };
    case "ecs":
      return { kind: method.kind, metadataUrl: method.metadataUrl };
    case "oidc":
      // A CI runner writes a new token for each job: each job gets its own entry, and the
      // previous job's is deleted as superseded when the new one is written (credentialSlot).
      return { kind: method.kind, idpId: method.idpId, token: idTokenIdentity(method.idToken, now) };
    default: {
      // A method added to the chain later (an OIDC token file, say): every field it carries, hashed,
      // so distinct identities never share an entry; a stricter case above can follow.
      const other: Record<string, unknown> = { ...(method as Record<string, unknown>) };
      return { kind: other["kind"], fields: sha256(Object.entries(other).sort(([a], [b]) => a.localeCompare(b))) };
    }
  }
}

/** A hash of who the credential chain signs as: the method and the agency it assumes, if any. `now` decides whether an ID token has expired. */
export function credentialIdentity(settings: AuthSettings, now: Date = new Date()): string {
  return sha256({ method: methodIdentity(settings.method, now), agency: settings.agency ?? null });
}

/** Whether the method's credentials rotate: an SSO profile's or a security token's keys, an IAM token, an ID token. */
const rotates = (method: AuthMethod): boolean =>
  method.kind === "oidc" || method.kind === "token" || (method.kind === "aksk" && method.securityToken !== undefined);

/**
 * Which entries a new one replaces: for rotating credentials, the settings that hold them (their
 * names, the profile and file) and the agency, so each rotation's entry supersedes the last and
 * one private key is kept, not one per rotation (issue 21, item 5); for fixed ones, the identity
 * itself, so two users of one machine keep their own entries.
 */
export function credentialSlot(settings: AuthSettings, identity: string): string {
  if (!rotates(settings.method)) return identity;
  return sha256({ kind: settings.method.kind, from: settings.method.from, agency: settings.agency ?? null });
}

export interface CacheKey {
  /** The CCE base URL the certificate is minted at. */
  endpoint: string;
  /** The project id, or `name:<project name>` when it is looked up at mint time. */
  project: string;
  clusterId: string;
  clusterKind: string;
  /** The context whose server and CA are kept beside the certificate (for the probe). */
  context: string;
  /** credentialIdentity() of the chain's settings. */
  identity: string;
  /** credentialSlot() of the chain's settings: entries of one slot supersede each other. */
  slot: string;
}

/** `<clusterId>-<16 hex of the slot>-`: the start of every entry that a new entry of `key` supersedes. */
export function cacheSlotPrefix(key: CacheKey): string {
  return `${key.clusterId}-${sha256([key.endpoint, key.project, key.clusterId, key.clusterKind, key.context, key.slot]).slice(0, 16)}-`;
}

/** `<slot prefix><first 32 hex of the key's hash>.json`; clusterId has passed CCE_ID_PATTERN (safe in a path). */
export function cacheFileName(key: CacheKey): string {
  const digest = sha256([key.endpoint, key.project, key.clusterId, key.clusterKind, key.context, key.identity]).slice(0, 32);
  return `${cacheSlotPrefix(key)}${digest}.json`;
}
