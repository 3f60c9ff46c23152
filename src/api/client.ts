/**
 * `CceClient`: a plain client of the CCE clustercert API, usable without Pulumi. It composes one
 * attempt (transport.ts), the retry timing (retry.ts), the response schemas (schemas.ts) and the
 * wording of failures (error-messages.ts).
 */
import type { z } from "zod";
import { CCE_ID_PATTERN } from "../constants";
import { CceApiError, InvalidInputError, type CceApiErrorDetails } from "../errors";
import type { CceCredentials } from "../config/settings";
import { checkEndpoint } from "../config/endpoint";
import { parseErrorBody } from "./error-body";
import { describeHttpFailure, describeNetworkError, plural, withoutCredentials } from "./error-messages";
import { backoffDelay, isRetryableStatus, parseRetryAfter, RETRY_DEFAULTS, type RetryOptions } from "./retry";
import { clusterCertResponse, clusterShowResponse, toResponseIssues } from "./schemas";
import { MAX_RESPONSE_BYTES, sendAttempt, type AttemptResult, type HttpDispatcher } from "./transport";
import type { ClusterCertResponse, ClusterShowResponse } from "./types";

export { MAX_CONNECTIONS_PER_ORIGIN, MAX_RESPONSE_BYTES, type HttpDispatcher } from "./transport";

export interface CceClientOptions {
  /** CCE base URL, e.g. `https://cce.ap-southeast-1.myhuaweicloud.com`; `http:` only for loopback. */
  endpoint: string;
  /** The 32-character project id; never looked up (the official SDK creates a project when none matches). */
  projectId: string;
  /** Credentials, or a function that resolves them at call time. */
  credentials: CceCredentials | (() => CceCredentials | Promise<CceCredentials>);
  /**
   * Bound of one attempt, headers and body, from when it is written to a connection (time spent
   * waiting for one of the shared agent's connections does not count; the call's totalBudgetMs
   * bounds that). @default 30_000 (ms)
   */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** An undici 7 dispatcher; default: a shared agent that honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  dispatcher?: HttpDispatcher;
  /** The clock: signing time, `Retry-After` dates and the call's time budget. @default () => new Date() */
  clock?: () => Date;
  /** Waits between attempts. @default a timer */
  sleep?: (ms: number) => Promise<void>;
  /** The jitter of backoff waits, a number in [0, 1). @default Math.random */
  random?: () => number;
}

/** Either `duration` (days, -1 for the maximum) or `expireAt`; the API lets `expire_at` win. */
export interface CertificateRequest {
  duration?: number;
  expireAt?: Date;
}

export interface IssuedClusterCertificate {
  config: ClusterCertResponse;
  requestId?: string;
}

/** @default per-attempt bound of timeoutMs */
const DEFAULT_TIMEOUT_MS = 30_000;

function checkId(field: string, value: string): string {
  if (!CCE_ID_PATTERN.test(value)) {
    throw new InvalidInputError(field, "must be 1 to 128 letters, digits, '-' or '_' (a CCE cluster id is a UUID)");
  }
  return value;
}

/** The CCE API's date format for `expire_at`: `2025-01-01 16:00:00 +0000 UTC`. */
export function formatExpireAt(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}

/** Builds the error of one call: the message is prefixed with `CCE <method> <path>`. */
type Fail = (message: string, details: Omit<CceApiErrorDetails, "method" | "path">) => CceApiError;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const realClock = () => new Date();

export class CceClient {
  readonly endpoint: string;
  readonly projectId: string;
  private readonly options: CceClientOptions;
  private readonly retry: Required<RetryOptions>;

  constructor(options: CceClientOptions) {
    const endpoint = checkEndpoint(options.endpoint);
    if (!endpoint.ok) throw new InvalidInputError(endpoint.failures[0]!.property, endpoint.failures[0]!.reason);
    this.endpoint = endpoint.value;
    this.projectId = checkId("projectId", options.projectId);
    this.options = options;
    this.retry = { ...RETRY_DEFAULTS, ...stripUndefined(options.retry ?? {}) };
  }

  /** `POST .../clustercert`: mints a new client certificate. */
  async createClusterCertificate(clusterId: string, req: CertificateRequest): Promise<IssuedClusterCertificate> {
    const body: Record<string, unknown> = {};
    if (req.duration !== undefined) body["duration"] = req.duration;
    if (req.expireAt !== undefined) body["expire_at"] = formatExpireAt(req.expireAt);
    return this.call("POST", `${this.clusterPath(clusterId)}/clustercert`, JSON.stringify(body), clusterCertResponse);
  }

  /** The discarded `GET .../clustercert`, for clouds that still serve only it. It mints too. */
  async getClusterCertificateLegacy(clusterId: string): Promise<IssuedClusterCertificate> {
    return this.call("GET", `${this.clusterPath(clusterId)}/clustercert`, undefined, clusterCertResponse);
  }

  /** `GET .../clusters/{id}`: shows a cluster without minting anything. */
  async getCluster(clusterId: string): Promise<ClusterShowResponse> {
    return (await this.call("GET", this.clusterPath(clusterId), undefined, clusterShowResponse)).config;
  }

  private clusterPath(clusterId: string): string {
    return `/api/v3/projects/${this.projectId}/clusters/${checkId("clusterId", clusterId)}`;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The retry loop: 429, 5xx and network errors are retried within maxRetries and the time budget. */
  private async call<S extends z.ZodType>(
    method: string,
    path: string,
    body: string | undefined,
    schema: S,
  ): Promise<{ config: z.infer<S>; requestId?: string }> {
    const clock = this.options.clock ?? realClock;
    const now = () => clock().getTime();
    const deadline = now() + this.retry.totalBudgetMs;
    // Resolved once, outside the retry loop: missing credentials are not a transient failure.
    const credentials = typeof this.options.credentials === "function" ? await this.options.credentials() : this.options.credentials;
    const fail: Fail = (message, details) => new CceApiError(`CCE ${method} ${path} ${message}`, { method, path, ...details });

    for (let attempt = 1; ; attempt++) {
      let result: AttemptResult | undefined;
      let networkError: unknown;
      try {
        result = await sendAttempt({
          method,
          url: new URL(`${this.endpoint}${path}`),
          projectId: this.projectId,
          body,
          credentials,
          timeoutMs: this.timeoutMs,
          deadlineMs: Math.max(1, deadline - now()),
          signingDate: clock(),
          dispatcher: this.options.dispatcher,
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
        return { config: validate(result, schema, fail, attempt), requestId: result.requestId };
      }

      const retryable = result ? isRetryableStatus(result.status) : true;
      const backoff = () => backoffDelay(attempt - 1, this.retry, this.options.random);
      const wait = result ? (parseRetryAfter(result.retryAfter, now()) ?? backoff()) : backoff();
      if (retryable && attempt <= this.retry.maxRetries && now() + wait < deadline) {
        await (this.options.sleep ?? realSleep)(wait);
        continue;
      }
      if (result) {
        const info = withoutCredentials(parseErrorBody(result.text, result.requestId), credentials);
        throw fail(describeHttpFailure(result.status, info, attempt), { status: result.status, ...info, attempts: attempt });
      }
      throw fail(`failed: ${describeNetworkError(networkError, this.timeoutMs)} after ${plural(attempt, "attempt")}`, {
        attempts: attempt,
        cause: networkError,
      });
    }
  }
}

/** Parses a 2xx body with `schema`; the error names the bad fields, never their values. */
function validate<S extends z.ZodType>(result: AttemptResult, schema: S, fail: Fail, attempts: number): z.infer<S> {
  const requestId = result.requestId;
  let json: unknown;
  try {
    json = JSON.parse(result.text);
  } catch {
    // A 2xx that is not JSON is not retried: the server did the work (and may have minted).
    throw fail(`returned HTTP ${result.status} with a body that is not JSON (request id ${requestId ?? "none"})`, {
      status: result.status,
      requestId,
      attempts,
      issues: [{ path: "(body)", message: "is not JSON" }],
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = toResponseIssues(parsed.error);
    const first = issues.slice(0, 3).map((i) => `${i.path} ${i.message}`).join("; ");
    throw fail(`returned an invalid response: ${first} (request id ${requestId ?? "none"})`, { status: result.status, requestId, attempts, issues });
  }
  return parsed.data;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
