/**
 * The wording of a failed call's error, and the scrubbing that keeps the call's own credentials
 * out of it. Messages name the status, the API code, the request id and what to check; never a
 * key, token, signature or certificate.
 */
import type { CceCredentials } from "../credentials/types";
import type { ApiErrorInfo } from "./error-body";

export type Hints = Readonly<Record<number, string>>;

/** What to check after a CCE call, by status. */
export const CCE_HINTS: Hints = {
  400: "the API refused the request",
  401: "check the access key pair or token, and that this machine's clock is within 15 minutes of the server's",
  403: "the IAM user needs cce:cluster:generateClientCredential (and cce:cluster:get) on this cluster",
  404: "check clusterId, projectId and the region or endpoint",
  429: "the API is throttling; try again later",
};

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Credential values of `credentials`. */
export function credentialValues(credentials: CceCredentials | undefined): string[] {
  if (credentials === undefined) return [];
  const values = credentials.kind === "aksk" ? [credentials.accessKey, credentials.secretKey, credentials.securityToken] : [credentials.token];
  return values.filter((v): v is string => v !== undefined);
}

/**
 * A server may echo what it was sent (an access key, a token): replace the call's own credentials
 * in the API's code and message, and drop a request id that held one.
 */
export function withoutCredentials(info: ApiErrorInfo, credentials: CceCredentials): ApiErrorInfo {
  return withoutSecrets(info, credentialValues(credentials));
}

/** withoutCredentials for any secret values of a call (a password too); those too short to find without false hits are skipped. */
export function withoutSecrets(info: ApiErrorInfo, secrets: readonly string[]): ApiErrorInfo {
  const values = secrets.filter((v) => v.length >= 4);
  const scrub = (text: string | undefined) => (text === undefined ? undefined : values.reduce((t, v) => t.split(v).join("[redacted]"), text));
  return {
    apiCode: scrub(info.apiCode),
    apiMessage: scrub(info.apiMessage),
    requestId: info.requestId !== undefined && scrub(info.requestId) === info.requestId ? info.requestId : undefined,
  };
}

/** `failed: HTTP 404 CCE.01404001: text (request id X, 3 attempts); hint`. */
export function describeHttpFailure(status: number, info: ApiErrorInfo, attempts: number, hints: Hints = CCE_HINTS): string {
  const code = info.apiCode ? ` ${info.apiCode}` : "";
  const text = info.apiMessage ? `: ${info.apiMessage}` : info.apiCode ? "" : " (no API error code in the body)";
  const hint = hints[status] ?? (status >= 500 ? "the API failed; try again later" : undefined);
  return (
    `failed: HTTP ${status}${code}${text} (request id ${info.requestId ?? "none"}` +
    `${attempts > 1 ? `, ${plural(attempts, "attempt")}` : ""})${hint ? `; ${hint}` : ""}`
  );
}

/**
 * Names a network failure by its code only: undici's messages can carry addresses, and codes
 * suffice. Duck-typed: undici's errors and the DOMException of an abort may come from another realm.
 */
export function describeNetworkError(error: unknown, timeoutMs: number): string {
  const { name, code } = (typeof error === "object" && error !== null ? error : {}) as { name?: unknown; code?: unknown };
  if (name === "TimeoutError" || name === "AbortError") return `timed out (${timeoutMs} ms per attempt)`;
  if (typeof code === "string") return `network error ${code}`;
  return typeof name === "string" ? `network error ${name}` : "network error";
}
