/**
 * OIDC federation by the Terraform provider's names (`assumeRoleIdpId` with `assumeRoleIdTokenFile`
 * or `assumeRoleIdToken`; `HW_ASSUME_ROLE_*`): keyless CI. Owns the `oidc` kind: the ID token (a
 * file is read at each exchange, since CI runners write a fresh token there) is exchanged at IAM
 * for a federated token scoped to the project, then for temporary keys, kept until shortly before
 * they expire. In the exec cache an OIDC entry is named by a hash of the whole ID token.
 */
import { randomBytes } from "node:crypto";
import type { CallContext } from "../api/call";
import type { IssuedCredential, ProjectScope } from "../api/iam";
import { FEDERATED_CREDENTIAL_SECONDS } from "../constants";
import { CredentialsError } from "../errors";
import { readIdToken } from "./id-token";
import { cachedLayer, hash, jsonDigest } from "./layers";
import type { ChainSource, MethodBehaviour } from "./source";
import type { AuthMethod, IdTokenSource } from "./types";

type Oidc = Extract<AuthMethod, { kind: "oidc" }>;

/**
 * The whole federation: the ID token read now, exchanged for a federated token scoped to
 * `project`, then temporary keys; they expire with the earlier of the two.
 */
export async function federatedCredential(authUrl: string, idpId: string, source: IdTokenSource, project: ProjectScope, durationSeconds: number, ctx: CallContext): Promise<IssuedCredential> {
  const idToken = readIdToken(source);
  const { exchangeIdToken, temporaryKeysForToken } = await import("../api/oidc");
  const federated = await exchangeIdToken(authUrl, idpId, idToken, project, ctx);
  const keys = await temporaryKeysForToken(authUrl, federated.token, durationSeconds, ctx);
  const expiresAt = new Date(Math.min(keys.expiresAt.getTime(), federated.expiresAt.getTime()));
  return federated.projectId === undefined ? { ...keys, expiresAt } : { ...keys, expiresAt, projectId: federated.projectId };
}

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
  return jsonDigest(`token:${token}`);
}

export const oidcBehaviour: MethodBehaviour = {
  kind: "oidc",
  label: "OIDC federation",
  layer(method, options) {
    // Scoped like a password sign-in, so the federated token names the project id a lookup would ask for.
    const { idpId, idToken } = method as Oidc;
    const authUrl = options.authUrl();
    const source = "value" in idToken ? hash(idToken.value) : idToken.file;
    const key = hash("oidc", authUrl, options.project, idpId, source);
    return cachedLayer(key, options.context.clock, () => federatedCredential(authUrl, idpId, idToken, options.project, FEDERATED_CREDENTIAL_SECONDS, options.context));
  },
  // A CI runner writes a new token for each job: each job gets its own entry, and the previous
  // job's is deleted as superseded when the new one is written (identity.ts, credentialSlot).
  identity: (method, now) => ({ kind: "oidc", idpId: (method as Oidc).idpId, token: idTokenIdentity((method as Oidc).idToken, now) }),
  rotates: () => true,
};

export const oidc: ChainSource = {
  label: "OIDC federation",
  row: {
    config: "`assumeRoleIdpId` + `assumeRoleIdTokenFile` (or `assumeRoleIdToken`)",
    env: "`HW_ASSUME_ROLE_IDP_ID` + `HW_ASSUME_ROLE_ID_TOKEN_FILE` (or `HW_ASSUME_ROLE_ID_TOKEN`)",
    note: "keyless CI: the ID token (the file read at each exchange) is exchanged at IAM for a federated token scoped to the project, then temporary keys for an hour, exchanged again 5 minutes before they expire",
  },
  lookedAt: (read) => `OIDC federation: ${read.both("assumeRoleIdpId")} + ${read.both("assumeRoleIdTokenFile")} (or ${read.both("assumeRoleIdToken")})`,
  /** The identity provider's id with an ID token or its file; the token's value wins over a file. */
  detect(read) {
    const idpId = read.either("assumeRoleIdpId");
    const value = read.either("assumeRoleIdToken");
    const file = read.either("assumeRoleIdTokenFile");
    if (idpId === undefined && value === undefined && file === undefined) return undefined;
    if (idpId === undefined) {
      throw new CredentialsError(`an ID token is set (${read.where(value !== undefined ? "assumeRoleIdToken" : "assumeRoleIdTokenFile")}) but not the identity provider: set ${read.both("assumeRoleIdpId")} (IAM's identity provider id)`);
    }
    if (value === undefined && file === undefined) {
      throw new CredentialsError(`${read.where("assumeRoleIdpId")} is set but no ID token: set ${read.both("assumeRoleIdTokenFile")} (the file the CI writes its OIDC token to) or ${read.both("assumeRoleIdToken")}`);
    }
    const idToken: IdTokenSource = value !== undefined ? { value, from: read.where("assumeRoleIdToken") } : { file: file!, from: read.where("assumeRoleIdTokenFile") };
    return { kind: "oidc", idpId, idToken, from: `${read.where("assumeRoleIdpId")} + ${idToken.from}` };
  },
  methods: [oidcBehaviour],
};
