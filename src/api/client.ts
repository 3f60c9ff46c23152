/**
 * `CceClient`: a plain client of the CCE clustercert API, usable without Pulumi.
 */
import { EnvHttpProxyAgent, request, type Dispatcher } from "undici";
import type { z } from "zod";
import { CceApiError, InvalidInputError, type CceApiErrorDetails } from "../errors";
import { signRequest } from "../signing";
import type { CceCredentials } from "../config/settings";
import { checkEndpoint } from "../config/endpoint";
import { cleanRequestId, parseErrorBody, type ApiErrorInfo } from "./error-body";
import { backoffDelay, isRetryableStatus, parseRetryAfter, RETRY_DEFAULTS, type RetryOptions } from "./retry";
import { clusterCertResponse, clusterShowResponse, toResponseIssues } from "./schemas";
import type { ClusterCertResponse, ClusterShowResponse } from "./types";

export interface CceClientOptions {
  /** CCE base URL, e.g. `https://cce.ap-southeast-1.myhuaweicloud.com`; `http:` only for loopback. */
  endpoint: string;
  /** The 32-character project id; never looked up (the official SDK creates a project when none matches). */
  projectId: string;
  /** Credentials, or a function that resolves them at call time. */
  credentials: CceCredentials | (() => CceCredentials | Promise<CceCredentials>);
  /** Bound of one attempt, headers and body. @default 30_000 (ms) */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** An undici 7 dispatcher; default: a shared agent that honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  dispatcher?: HttpDispatcher;
  /** Signing clock. @default () => new Date() */
  clock?: () => Date;
}

/**
 * An undici `Dispatcher` (`Agent`, `ProxyAgent`, `MockAgent`, ...). Typed by the one method the
 * client calls, so that this package's declarations never load undici's into a user's compilation.
 */
export interface HttpDispatcher {
  dispatch(options: object, handler: object): boolean;
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

/**
 * Connections per origin of the shared agent: concurrent calls queue on these instead of each
 * opening a socket (and a TLS handshake) of its own.
 */
export const MAX_CONNECTIONS_PER_ORIGIN = 16;

let sharedDispatcher: Dispatcher | undefined;
/** One keep-alive agent per process, so repeated calls reuse connections. */
function defaultDispatcher(): Dispatcher {
  sharedDispatcher ??= new EnvHttpProxyAgent({ keepAliveTimeout: 30_000, connections: MAX_CONNECTIONS_PER_ORIGIN });
  return sharedDispatcher;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;
function checkId(field: string, value: string): string {
  if (!ID.test(value)) {
    throw new InvalidInputError(field, "must be 1 to 128 letters, digits, '-' or '_' (a CCE cluster id is a UUID)");
  }
  return value;
}

/** The CCE API's date format for `expire_at`: `2025-01-01 16:00:00 +0000 UTC`. */
export function formatExpireAt(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}

const HINTS: Record<number, string> = {
  400: "the API refused the request",
  401: "check the access key pair or token, and that this machine's clock is within 15 minutes of the server's",
  403: "the IAM user needs cce:cluster:generateClientCredential (and cce:cluster:get) on this cluster",
  404: "check clusterId, projectId and the region or endpoint",
  429: "the API is throttling; try again later",
};

/** Builds the error of one call: the message is prefixed with `CCE <method> <path>`. */
type Fail = (message: string, details: Omit<CceApiErrorDetails, "method" | "path">) => CceApiError;

interface Attempt {
  status: number;
  text: string;
  requestId?: string;
  retryAfter?: string;
}

export class CceClient {
  readonly endpoint: string;
  readonly projectId: string;
  private readonly options: CceClientOptions;
  private readonly retry: Required<RetryOptions>;

  constructor(options: CceClientOptions) {
    const endpoint = checkEndpoint(options.endpoint);
    if (!endpoint.ok) throw new InvalidInputError(endpoint.field, endpoint.reason);
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

  private async call<S extends z.ZodType>(
    method: string,
    path: string,
    body: string | undefined,
    schema: S,
  ): Promise<{ config: z.infer<S>; requestId?: string }> {
    const started = Date.now();
    const deadline = started + this.retry.totalBudgetMs;
    // Resolved once, outside the retry loop: missing credentials are not a transient failure.
    const credentials =
      typeof this.options.credentials === "function" ? await this.options.credentials() : this.options.credentials;
    const fail: Fail = (message, details) =>
      new CceApiError(`CCE ${method} ${path} ${message}`, { method, path, ...details });

    for (let attempt = 1; ; attempt++) {
      let result: Attempt | undefined;
      let networkError: unknown;
      try {
        result = await this.attempt(method, path, body, credentials, Math.min(this.timeoutMs, Math.max(1, deadline - Date.now())));
      } catch (error) {
        networkError = error;
      }

      if (result && result.status >= 200 && result.status < 300) {
        return { config: this.validate(result, schema, fail, attempt), requestId: result.requestId };
      }

      const retryable = result ? isRetryableStatus(result.status) : true;
      const info: ApiErrorInfo = result ? withoutCredentials(parseErrorBody(result.text, result.requestId), credentials) : {};
      const wait = result
        ? (parseRetryAfter(result.retryAfter, Date.now()) ?? backoffDelay(attempt - 1, this.retry))
        : backoffDelay(attempt - 1, this.retry);
      const canRetry = retryable && attempt <= this.retry.maxRetries && Date.now() + wait < deadline;
      if (canRetry) {
        await sleep(wait);
        continue;
      }
      throw result
        ? fail(describeHttpFailure(result.status, info, attempt), { status: result.status, ...info, attempts: attempt })
        : fail(`failed: ${describeNetworkError(networkError, this.timeoutMs)} after ${plural(attempt, "attempt")}`, {
            attempts: attempt,
            cause: networkError,
          });
    }
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 30_000;
  }

  private validate<S extends z.ZodType>(
    result: Attempt,
    schema: S,
    fail: Fail,
    attempts: number,
  ): z.infer<S> {
    let json: unknown;
    try {
      json = JSON.parse(result.text);
    } catch {
      // A 2xx that is not JSON is not retried: the server did the work (and may have minted).
      throw fail(`returned HTTP ${result.status} with a body that is not JSON (request id ${result.requestId ?? "none"})`, {
        status: result.status,
        requestId: result.requestId,
        attempts,
        issues: [{ path: "(body)", message: "is not JSON" }],
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = toResponseIssues(parsed.error);
      const first = issues.slice(0, 3).map((i) => `${i.path} ${i.message}`).join("; ");
      throw fail(`returned an invalid response: ${first} (request id ${result.requestId ?? "none"})`, {
        status: result.status,
        requestId: result.requestId,
        attempts,
        issues,
      });
    }
    return parsed.data;
  }

  private async attempt(
    method: string,
    path: string,
    body: string | undefined,
    credentials: CceCredentials,
    timeoutMs: number,
  ): Promise<Attempt> {
    const url = new URL(`${this.endpoint}${path}`);
    const headers: Record<string, string> = {
      Host: url.host,
      "Content-Type": "application/json",
      "X-Project-Id": this.projectId,
    };
    const signed =
      credentials.kind === "aksk"
        ? signRequest({ method, url, headers, body }, credentials, { signingDate: (this.options.clock ?? now)() }).headers
        : { ...headers, "X-Auth-Token": credentials.token };

    const res = await request(url, {
      method: method as Dispatcher.HttpMethod,
      headers: { ...signed, "User-Agent": USER_AGENT },
      body,
      dispatcher: (this.options.dispatcher as Dispatcher | undefined) ?? defaultDispatcher(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      text,
      requestId: cleanRequestId(headerValue(res.headers["x-request-id"])),
      retryAfter: headerValue(res.headers["retry-after"]),
    };
  }
}

const USER_AGENT = "pulumi-cce-kubeconfig";
const now = () => new Date();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A server may echo what it was sent (an access key, a token): never let that into an error. */
function withoutCredentials(info: ApiErrorInfo, credentials: CceCredentials): ApiErrorInfo {
  const values = (credentials.kind === "aksk" ? [credentials.accessKey, credentials.secretKey, credentials.securityToken] : [credentials.token])
    .filter((v): v is string => v !== undefined && v.length >= 4);
  const scrub = (text: string | undefined) => (text === undefined ? undefined : values.reduce((t, v) => t.split(v).join("[redacted]"), text));
  return { ...info, apiCode: scrub(info.apiCode), apiMessage: scrub(info.apiMessage), requestId: info.requestId && scrub(info.requestId) === info.requestId ? info.requestId : undefined };
}

function describeHttpFailure(status: number, info: ApiErrorInfo, attempts: number): string {
  const code = info.apiCode ? ` ${info.apiCode}` : "";
  const text = info.apiMessage ? `: ${info.apiMessage}` : info.apiCode ? "" : " (no API error code in the body)";
  const hint = HINTS[status] ?? (status >= 500 ? "the API failed; try again later" : undefined);
  return (
    `failed: HTTP ${status}${code}${text} (request id ${info.requestId ?? "none"}` +
    `${attempts > 1 ? `, ${plural(attempts, "attempt")}` : ""})${hint ? `; ${hint}` : ""}`
  );
}

/** Names a network failure by its code only: undici messages can carry addresses, never secrets, but codes suffice. */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  // Duck-typed: undici's errors and the DOMException of AbortSignal.timeout may come from another realm.
  const { name, code } = (typeof error === "object" && error !== null ? error : {}) as { name?: unknown; code?: unknown };
  if (name === "TimeoutError" || name === "AbortError") return `timed out (${timeoutMs} ms per attempt)`;
  if (typeof code === "string") return `network error ${code}`;
  return typeof name === "string" ? `network error ${name}` : "network error";
}
