/**
 * The ECS instance's temporary keys from the metadata service, as the official SDKs fetch them:
 * `PUT /meta-data/latest/api/token` (404, 405 or 503 there mean the instance has no token step),
 * then `GET /openstack/latest/securitykey` with the token. One short attempt each, no retries, so
 * a run off ECS fails fast. The keys, secret and token never reach an error: failures say what
 * was asked and why it did not work.
 */
import type { IssuedCredential } from "./iam";
import type { AttemptResult } from "./transport";

/** The link-local address of Huawei Cloud's metadata service. */
export const DEFAULT_ECS_METADATA_URL = "http://169.254.169.254";
/** The SDKs' bound on each metadata request. */
export const ECS_METADATA_TIMEOUT_MS = 3_000;
/** The token's life the SDKs ask for (6 hours). */
const TOKEN_TTL_SECONDS = "21600";
/** A securitykey answer is a few hundred bytes. */
const MAX_ANSWER_BYTES = 64 * 1024;
const NO_TOKEN_STEP = new Set([404, 405, 503]);

/** Why the metadata service gave no usable keys: the reason alone, for the caller's error. */
export class MetadataUnavailable extends Error {
  override name = "MetadataUnavailable";
}

/** What `send` asks: the method, its headers and body (pod identity posts `{}`). */
export interface MetadataRequest {
  method: "GET" | "PUT" | "POST";
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One request through the same undici path as every other call (api/transport.ts): never through
 * HTTP(S)_PROXY for the link-local or loopback service (the global fetch of newer Node releases
 * honours proxy variables), the body read as a stream and cut at MAX_ANSWER_BYTES whatever
 * Content-Length says, no redirect followed.
 */
export async function send(url: string, init: MetadataRequest, timeoutMs: number): Promise<{ status: number; text: string }> {
  // Loaded at the first request: credentials/ecs-metadata.ts reads this module's constants and needs no HTTP client.
  const { sendAttempt } = await import("./transport");
  let answer: AttemptResult;
  try {
    answer = await sendAttempt({ ...init, url: new URL(url), timeoutMs, deadlineMs: timeoutMs, signingDate: new Date(), maxResponseBytes: MAX_ANSWER_BYTES });
  } catch (error) {
    const timedOut = (error as Error).name === "TimeoutError";
    // The error's code (ECONNREFUSED, EHOSTUNREACH) or message (a bad port); neither holds a key.
    const why = (error as { code?: string }).code ?? (error as Error).message ?? "network error";
    throw new MetadataUnavailable(timedOut ? `no answer within ${timeoutMs} ms (not an ECS instance?)` : `not reachable (${why}; not an ECS instance?)`);
  }
  if (answer.truncated) throw new MetadataUnavailable(`answered more than ${MAX_ANSWER_BYTES} bytes, more than a securitykey answer holds`);
  return { status: answer.status, text: answer.text };
}

const field = (o: unknown, name: string): unknown => (typeof o === "object" && o !== null ? (o as Record<string, unknown>)[name] : undefined);

/** The instance's temporary keys and their expiry; throws MetadataUnavailable with the reason. */
export async function fetchInstanceCredential(baseUrl: string, now: () => Date, timeoutMs = ECS_METADATA_TIMEOUT_MS): Promise<IssuedCredential> {
  const token = await send(`${baseUrl}/meta-data/latest/api/token`, { method: "PUT", headers: { "X-Metadata-Token-Ttl-Seconds": TOKEN_TTL_SECONDS } }, timeoutMs);
  if (token.status !== 200 && !NO_TOKEN_STEP.has(token.status)) throw new MetadataUnavailable(`the token step (PUT /meta-data/latest/api/token) answered HTTP ${token.status}`);
  const headers: Record<string, string> = token.status === 200 ? { "X-Metadata-Token": token.text.trim() } : {};
  const answer = await send(`${baseUrl}/openstack/latest/securitykey`, { method: "GET", headers }, timeoutMs);
  if (answer.status === 404) throw new MetadataUnavailable("GET /openstack/latest/securitykey answered HTTP 404: bind an agency to the instance");
  if (answer.status !== 200) throw new MetadataUnavailable(`GET /openstack/latest/securitykey answered HTTP ${answer.status}`);
  return parseTemporaryCredential(answer.text, "the securitykey answer", now);
}

/**
 * `{"credential" | "credentials": {access, secret, securitytoken, expires_at}}`, the shape of the
 * metadata service and of CCE's pod identity endpoint; `what` names the answer in the reason.
 */
export function parseTemporaryCredential(text: string, what: string, now: () => Date): IssuedCredential {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MetadataUnavailable(`${what} is not JSON`);
  }
  const credential = field(body, "credential") ?? field(body, "credentials");
  const missing = ["access", "secret", "securitytoken", "expires_at"].filter((name) => {
    const value = field(credential, name);
    return typeof value !== "string" || value === "";
  });
  if (missing.length > 0) throw new MetadataUnavailable(`${what} has no ${missing.map((m) => `credential.${m}`).join(", ")}`);
  const expiresAt = new Date(field(credential, "expires_at") as string);
  if (Number.isNaN(expiresAt.getTime())) throw new MetadataUnavailable(`${what}'s credential.expires_at is not a date`);
  if (expiresAt.getTime() <= now().getTime()) throw new MetadataUnavailable(`${what} expired at ${expiresAt.toISOString()}, before it was used`);
  return {
    credentials: {
      kind: "aksk",
      accessKey: field(credential, "access") as string,
      secretKey: field(credential, "secret") as string,
      securityToken: field(credential, "securitytoken") as string,
    },
    expiresAt,
  };
}
