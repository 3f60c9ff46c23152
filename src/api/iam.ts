/**
 * The IAM calls this package makes (docs/cce-api.md, "IAM"): a password sign-in for a
 * project-scoped token, an agency's temporary keys (`assume_role`), and the projects of a name
 * (the region's project id when none is set). Each is one call with
 * retries (call.ts); neither caches: credentials/session.ts does. The token, keys and password never
 * reach an error: failures name the call, status, IAM's message and request id.
 */
import type { Agency, CceCredentials, IamUser } from "../credentials/types";
import { headerValue } from "../http/headers";
import { callWithRetries, failFor, type CallContext, type Fail } from "./call";
import type { AttemptResult } from "./transport";
import { parseBody } from "./parse-body";
import { array, object, optional, string } from "./shape";
import type { Hints } from "./error-messages";

/** A credential IAM issued, and when it stops working. */
export interface IssuedCredential {
  credentials: CceCredentials;
  expiresAt: Date;
  /** The project a token is scoped to, as IAM answered it. */
  projectId?: string;
}

/** The project of a sign-in: by id, or by IAM project name (the region), as the Terraform provider scopes it. */
export type ProjectScope = { id: string } | { name: string };

const SIGN_IN_HINTS: Hints = {
  400: "IAM refused the sign-in request",
  401:
    "check the user name, password and account (domain) name; IAM locks an account for 15 minutes after repeated failures, " +
    "and only IAM users (not HUAWEI IDs) can sign in with a password",
  403: "the user may not sign in to this project",
  404: "check authUrl (huaweicloud:authUrl or cce-kubeconfig:authUrl / HW_AUTH_URL)",
};

const AGENCY_HINTS: Hints = {
  400: "IAM refused the agency request",
  401: "IAM refused the credentials that assume the agency",
  403: "check that the agency exists in that account and trusts this user, who needs iam:agencies:assume (or the Security Administrator role)",
  404: "check authUrl (huaweicloud:authUrl or cce-kubeconfig:authUrl / HW_AUTH_URL) and the agency name",
};

const isoDate = string([(s) => !Number.isNaN(Date.parse(s)), "is not a date"]);
const nonEmpty = string([(s) => s.length >= 1, "is empty"]);

const tokenResponse = object({ token: object({ expires_at: isoDate, project: optional(object({ id: nonEmpty })) }) });
const projectsResponse = object({ projects: array(object({ id: nonEmpty })) });
const securityTokenResponse = object({
  credential: object({ access: nonEmpty, secret: nonEmpty, securitytoken: nonEmpty, expires_at: isoDate }),
});

/** `{authUrl}/auth/tokens`: authUrl ends in `/v3` (checkAuthUrl). */
export const signInUrl = (authUrl: string): URL => new URL(`${authUrl}/auth/tokens`);
/** `/v3.0/OS-CREDENTIAL/securitytokens` on IAM's host: the v3.0 API lives beside v3. */
export const securityTokensUrl = (authUrl: string): URL => new URL(`${authUrl}.0/OS-CREDENTIAL/securitytokens`);

/**
 * `POST {authUrl}/auth/tokens` with a password: a token scoped to `projectId`, from the
 * `X-Subject-Token` header, valid until the body's `token.expires_at` (24 hours on Huawei Cloud).
 */
export async function signInWithPassword(
  authUrl: string,
  user: IamUser,
  password: string,
  project: ProjectScope,
  ctx: CallContext,
): Promise<IssuedCredential> {
  const request = {
    service: "IAM" as const,
    method: "POST",
    url: signInUrl(authUrl),
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { ...user, password } } },
        scope: { project },
      },
    }),
    secrets: [password],
    hints: SIGN_IN_HINTS,
  };
  const { result, attempts } = await callWithRetries(request, ctx);
  const fail = failFor(request);
  const body = parseBody(result, tokenResponse, fail, attempts);
  const token = subjectToken(result, fail, attempts);
  const projectId = body.token.project?.id ?? ("id" in project ? project.id : undefined);
  if (projectId === undefined) {
    throw fail(`returned a token without token.project.id for project ${JSON.stringify("name" in project ? project.name : "")} (request id ${result.requestId ?? "none"})`, {
      status: result.status,
      requestId: result.requestId,
      attempts,
      issues: [{ path: "token.project.id", message: "is missing" }],
    });
  }
  return { credentials: { kind: "token", token }, expiresAt: new Date(body.token.expires_at), projectId };
}

/** The token IAM issued, from the `X-Subject-Token` header of a sign-in's answer (password or ID token). */
export function subjectToken(result: AttemptResult, fail: Fail, attempts: number): string {
  const token = headerValue(result.headers, "x-subject-token");
  if (token === undefined || token === "") {
    throw fail(`returned HTTP ${result.status} without an X-Subject-Token header (request id ${result.requestId ?? "none"})`, {
      status: result.status,
      requestId: result.requestId,
      attempts,
      issues: [{ path: "X-Subject-Token", message: "is missing" }],
    });
  }
  return token;
}

const PROJECTS_HINTS: Hints = {
  401: "IAM refused the credentials that look up the project id",
  403: "the credentials may not list projects; set the project id instead",
  404: "check authUrl (huaweicloud:authUrl or cce-kubeconfig:authUrl / HW_AUTH_URL)",
};

/** The ids IAM lists under one project name, and the trace id of the answer. */
export interface ProjectsNamed {
  ids: string[];
  /** `X-IAM-Trace-Id`, else the request id. */
  traceId?: string;
}

/** `GET {authUrl}/projects?name={name}` (KeystoneListProjects), with the caller's credentials. */
export async function listProjectsNamed(authUrl: string, name: string, caller: CceCredentials, ctx: CallContext): Promise<ProjectsNamed> {
  const url = new URL(`${authUrl}/projects`);
  url.searchParams.set("name", name);
  const request = { service: "IAM" as const, method: "GET", url, credentials: caller, hints: PROJECTS_HINTS };
  const { result, attempts } = await callWithRetries(request, ctx);
  const body = parseBody(result, projectsResponse, failFor(request), attempts);
  const traceId = headerValue(result.headers, "x-iam-trace-id") ?? result.requestId;
  return traceId === undefined ? { ids: body.projects.map((p) => p.id) } : { ids: body.projects.map((p) => p.id), traceId };
}

/**
 * `POST /v3.0/OS-CREDENTIAL/securitytokens` with `assume_role`: temporary keys of `agency`, made
 * with the caller's own credentials (a token or a key pair), valid for `durationSeconds`.
 */
export async function assumeAgency(
  authUrl: string,
  caller: CceCredentials,
  agency: Agency,
  durationSeconds: number,
  ctx: CallContext,
): Promise<IssuedCredential> {
  const domain = "id" in agency.domain ? { domain_id: agency.domain.id } : { domain_name: agency.domain.name };
  const request = {
    service: "IAM" as const,
    method: "POST",
    url: securityTokensUrl(authUrl),
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["assume_role"],
          assume_role: { agency_name: agency.agencyName, ...domain, duration_seconds: durationSeconds },
        },
      },
    }),
    credentials: caller,
    hints: AGENCY_HINTS,
  };
  const { result, attempts } = await callWithRetries(request, ctx);
  const { credential } = parseBody(result, securityTokenResponse, failFor(request), attempts);
  return {
    credentials: { kind: "aksk", accessKey: credential.access, secretKey: credential.secret, securityToken: credential.securitytoken },
    expiresAt: new Date(credential.expires_at),
  };
}
