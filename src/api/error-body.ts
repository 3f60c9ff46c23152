/**
 * Reads the API error code, message and request id from any of the three CCE error body shapes,
 * and from IAM's (whose nested `code` only repeats the HTTP status, so it is no API code).
 */
import { errorBody } from "./schemas";
import { validate } from "./shape";

export interface ApiErrorInfo {
  apiCode?: string;
  apiMessage?: string;
  requestId?: string;
}

const MAX_MESSAGE = 300;

/**
 * Removes what could be a credential from a server's text before it reaches an error message:
 * long hex runs (signatures, hashes), long base64 runs (certificates, keys, tokens) and PEM blocks.
 */
export function redact(text: string): string {
  return text
    .replace(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g, "[redacted PEM]")
    .replace(/[0-9a-fA-F]{40,}/g, "[redacted]") // SHA-1 and longer: signatures, hashes (a 32-hex project id stays)
    .replace(/[A-Za-z0-9+/_-]{40,}={0,2}/g, "[redacted]");
}

/** A request id is an opaque token; anything else a server puts there is dropped. */
export function cleanRequestId(value: string | undefined): string | undefined {
  return value !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}

export function parseErrorBody(text: string, requestIdHeader: string | undefined): ApiErrorInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { requestId: cleanRequestId(requestIdHeader) };
  }
  const parsed = validate(errorBody, json);
  if (!parsed.ok) return { requestId: cleanRequestId(requestIdHeader) };
  const b = parsed.value;
  const code = b.errorCode ?? b.error_code ?? (b.code === undefined ? undefined : String(b.code));
  // The Status shape puts the summary in errorMessage and the detail in message: keep both.
  const message =
    [...new Set([b.errorMessage ?? b.error_msg ?? b.error?.message, b.message].filter((m) => m !== undefined && m !== ""))].join(" ") || undefined;
  return {
    apiCode: code === undefined ? undefined : redact(code).slice(0, 64),
    apiMessage: message === undefined ? undefined : redact(message).slice(0, MAX_MESSAGE),
    requestId: cleanRequestId(requestIdHeader) ?? cleanRequestId(b.request_id),
  };
}
