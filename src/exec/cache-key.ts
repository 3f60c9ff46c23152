/**
 * Which cache file serves a call: one per cluster and identity. The name is the cluster id and a
 * hash of everything that decides which certificate CCE would mint (endpoint, project, cluster,
 * family, context) and for whom (the credential chain's identity), so two IAM users, two agencies
 * or two projects on one machine never share a certificate, and no secret appears in a file name.
 */
import { createHash } from "node:crypto";
import type { AuthMethod, AuthSettings } from "../config/settings";
import { readIdToken, type IdTokenSource } from "../config/id-token-file";

/** The `sub` claim of the ID token (not verified: IAM verifies it), else the whole token, hashed by the caller. */
function idTokenSubject(source: IdTokenSource): string {
  const token = readIdToken(source);
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { sub?: unknown };
    return typeof claims.sub === "string" && claims.sub !== "" ? `sub:${claims.sub}` : `token:${token}`;
  } catch {
    return `token:${token}`;
  }
}

const sha256 = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex");

/**
 * What names the identity of `method`, never its secret: the access key of a key pair (a profile's
 * too), a hash of a token (the token is the only thing that names its user), the user of a password
 * sign-in, the endpoint and token file of pod identity, the metadata service of an ECS instance.
 */
function methodIdentity(method: AuthMethod): unknown {
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
      // Who the federated user is: the identity provider and the ID token's subject. A CI runner
      // writes a new token for each job; the same repository and branch keep the same subject.
      return { kind: method.kind, idpId: method.idpId, subject: sha256(idTokenSubject(method.idToken)) };
    default: {
      // A method added to the chain later (an OIDC token file, say): every field it carries, hashed,
      // so distinct identities never share an entry; a stricter case above can follow.
      const other: Record<string, unknown> = { ...(method as Record<string, unknown>) };
      return { kind: other["kind"], fields: sha256(Object.entries(other).sort(([a], [b]) => a.localeCompare(b))) };
    }
  }
}

/** A hash of who the credential chain signs as: the method and the agency it assumes, if any. */
export function credentialIdentity(settings: AuthSettings): string {
  return sha256({ method: methodIdentity(settings.method), agency: settings.agency ?? null });
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
}

/** `<clusterId>-<first 32 hex of the key's hash>.json`; clusterId has passed CCE_ID_PATTERN (safe in a path). */
export function cacheFileName(key: CacheKey): string {
  const digest = sha256([key.endpoint, key.project, key.clusterId, key.clusterKind, key.context, key.identity]).slice(0, 32);
  return `${key.clusterId}-${digest}.json`;
}
