/**
 * One call with its retries, shared by CCE (client.ts) and IAM (iam.ts): 429, 5xx and network
 * errors are retried within maxRetries and the time budget; any other answer ends the call. The
 * failures are worded by error-messages.ts and scrubbed of the call's own secrets. A 2xx body is
 * parsed by parse-body.ts (kept apart: its zod types must not reach this module's declarations,
 * which the public client's reach).
 */
import type { CceCredentials } from "../credentials/types";
import { CceApiError, type CceApiErrorDetails } from "../errors";
import { parseErrorBody } from "./error-body";
import { credentialValues, describeHttpFailure, describeNetworkError, plural, withoutSecrets, type Hints } from "./error-messages";
import { backoffDelay, isRetryableStatus, parseRetryAfter, type RetryOptions } from "./retry";
import { MAX_RESPONSE_BYTES, sendAttempt, type AttemptResult, type HttpDispatcher } from "./transport";

/** Time, waits and the connection pool of a call; the clients fill them from their options. */
export interface CallContext {
  retry: Required<RetryOptions>;
  /** Bound of one attempt, from when it is written to a connection (transport.ts). */
  timeoutMs: number;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  dispatcher?: HttpDispatcher;
}

export interface CallRequest {
  /** Names the service in messages: `CCE POST /api/v3/...`, `IAM POST /v3/auth/tokens`. */
  service: "CCE" | "IAM";
  method: string;
  url: URL;
  body?: string;
  projectId?: string;
  /** Headers of the call itself (IAM's `X-Idp-Id`). */
  headers?: Readonly<Record<string, string>>;
  credentials?: CceCredentials;
  /** Secrets of the call beyond its credentials (a password in the body), scrubbed from the API's text. */
  secrets?: readonly string[];
  /** What to check, by status, in the message of a failed call. */
  hints?: Hints;
}

/** Builds the error of one call: the message is prefixed with `<service> <method> <path>`. */
export type Fail = (message: string, details: Omit<CceApiErrorDetails, "method" | "path" | "service">) => CceApiError;

export function failFor(req: Pick<CallRequest, "service" | "method" | "url">): Fail {
  const path = req.url.pathname;
  return (message, details) =>
    new CceApiError(`${req.service} ${req.method} ${path} ${message}`, { method: req.method, path, service: req.service, ...details });
}

/** Sends `req` until a 2xx (returned with the number of attempts) or a final failure (thrown as CceApiError). */
export async function callWithRetries(req: CallRequest, ctx: CallContext): Promise<{ result: AttemptResult; attempts: number }> {
  const now = () => ctx.clock().getTime();
  const deadline = now() + ctx.retry.totalBudgetMs;
  const fail = failFor(req);

  for (let attempt = 1; ; attempt++) {
    let result: AttemptResult | undefined;
    let networkError: unknown;
    try {
      result = await sendAttempt({
        method: req.method,
        url: req.url,
        projectId: req.projectId,
        ...(req.headers === undefined ? {} : { headers: req.headers }),
        body: req.body,
        credentials: req.credentials,
        timeoutMs: ctx.timeoutMs,
        deadlineMs: Math.max(1, deadline - now()),
        signingDate: ctx.clock(),
        dispatcher: ctx.dispatcher,
      });
    } catch (error) {
      networkError = error;
    }

    if (result && result.status >= 200 && result.status < 300) {
      if (result.truncated) {
        // Not retried: the server did the work (and may have minted).
        throw fail(`returned HTTP ${result.status} with a body larger than ${MAX_RESPONSE_BYTES} bytes; reading stopped (request id ${result.requestId ?? "none"})`, {
          status: result.status,
          requestId: result.requestId,
          attempts: attempt,
          issues: [{ path: "(body)", message: `is larger than ${MAX_RESPONSE_BYTES} bytes` }],
        });
      }
      return { result, attempts: attempt };
    }

    const retryable = result ? isRetryableStatus(result.status) : true;
    const backoff = () => backoffDelay(attempt - 1, ctx.retry, ctx.random);
    const wait = result ? (parseRetryAfter(result.retryAfter, now()) ?? backoff()) : backoff();
    if (retryable && attempt <= ctx.retry.maxRetries && now() + wait < deadline) {
      await ctx.sleep(wait);
      continue;
    }
    if (result) {
      const secrets = [...credentialValues(req.credentials), ...(req.secrets ?? [])];
      const info = withoutSecrets(parseErrorBody(result.text, result.requestId), secrets);
      throw fail(describeHttpFailure(result.status, info, attempt, req.hints), { status: result.status, ...info, attempts: attempt });
    }
    throw fail(`failed: ${describeNetworkError(networkError, ctx.timeoutMs)} after ${plural(attempt, "attempt")}`, {
      attempts: attempt,
      cause: networkError,
    });
  }
}
