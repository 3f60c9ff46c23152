/**
 * OIDC federation, keyless sign-in for CI: an ID token from the CI's identity provider (a GitHub
 * Actions OIDC token, say) is exchanged at IAM for a federated token
 * (`POST /v3.0/OS-AUTH/id-token/tokens`, `X-Idp-Id`), and that token for temporary keys
 * (`POST /v3.0/OS-CREDENTIAL/securitytokens`, method `token`), which sign the CCE calls (or assume
 * the agency, when one is named). The ID token and the federated token reach no error; reading the
 * token (a CI runner's file, at each exchange) is credentials/oidc.ts's job.
 */
import { securityTokensUrl, subjectToken, type IssuedCredential, type ProjectScope } from "./iam";
import { callWithRetries, failFor, type CallContext } from "./call";
import { parseBody } from "./parse-body";
import { object, optional, string } from "./shape";
import type { Hints } from "./error-messages";

const hintsFor = (idpId: string): Hints => ({
  400: "IAM refused the ID token request",
  401:
    `IAM refused the ID token: check that it has not expired, that its issuer and audience are those of identity provider ${JSON.stringify(idpId)}'s OpenID Connect configuration, ` +
    "and that the provider's identity conversion rules map its claims to a user group",
  403: `the federated user of identity provider ${JSON.stringify(idpId)} may not sign in to this project`,
  404: `check the identity provider id (${JSON.stringify(idpId)}) and authUrl`,
});

const TOKEN_HINTS: Hints = {
  401: "IAM refused the federated token when asked for temporary keys",
  403: "the federated user may not create temporary keys",
};

const isoDate = string([(s) => !Number.isNaN(Date.parse(s)), "is not a date"]);
const nonEmpty = string([(s) => s.length >= 1, "is empty"]);
const federatedResponse = object({ token: object({ expires_at: isoDate, project: optional(object({ id: nonEmpty })) }) });
const keysResponse = object({ credential: object({ access: nonEmpty, secret: nonEmpty, securitytoken: nonEmpty, expires_at: isoDate }) });

/** `/v3.0/OS-AUTH/id-token/tokens` on IAM's host. */
export const idTokenExchangeUrl = (authUrl: string): URL => new URL(`${authUrl}.0/OS-AUTH/id-token/tokens`);

/** `POST /v3.0/OS-AUTH/id-token/tokens`: a federated token scoped to `project`, and its project id when IAM names it. */
export async function exchangeIdToken(
  authUrl: string,
  idpId: string,
  idToken: string,
  project: ProjectScope,
  ctx: CallContext,
): Promise<{ token: string; expiresAt: Date; projectId?: string }> {
  const url = idTokenExchangeUrl(authUrl);
  const request = {
    service: "IAM" as const,
    method: "POST",
    url,
    body: JSON.stringify({ auth: { id_token: { id: idToken }, scope: { project } } }),
    headers: { "X-Idp-Id": idpId },
    secrets: [idToken],
    hints: hintsFor(idpId),
  };
  const { result, attempts } = await callWithRetries(request, ctx);
  const fail = failFor(request);
  const body = parseBody(result, federatedResponse, fail, attempts);
  const token = subjectToken(result, fail, attempts);
  const projectId = body.token.project?.id ?? ("id" in project ? project.id : undefined);
  const exchanged = { token, expiresAt: new Date(body.token.expires_at) };
  return projectId === undefined ? exchanged : { ...exchanged, projectId };
}

/** `POST /v3.0/OS-CREDENTIAL/securitytokens` with the `token` method: temporary keys of the token's user. */
export async function temporaryKeysForToken(authUrl: string, token: string, durationSeconds: number, ctx: CallContext): Promise<IssuedCredential> {
  const request = {
    service: "IAM" as const,
    method: "POST",
    url: securityTokensUrl(authUrl),
    body: JSON.stringify({ auth: { identity: { methods: ["token"], token: { id: token, duration_seconds: durationSeconds } } } }),
    credentials: { kind: "token" as const, token },
    hints: TOKEN_HINTS,
  };
  const { result, attempts } = await callWithRetries(request, ctx);
  const { credential } = parseBody(result, keysResponse, failFor(request), attempts);
  return {
    credentials: { kind: "aksk", accessKey: credential.access, secretKey: credential.secret, securityToken: credential.securitytoken },
    expiresAt: new Date(credential.expires_at),
  };
}
