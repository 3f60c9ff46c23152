/**
 * One attempt of one call: sign (or attach the token), send over undici, read the answer. No
 * retries, no validation, no wording: client.ts composes those.
 */
import { Agent, EnvHttpProxyAgent, type Dispatcher } from "undici";
import { isLoopbackOrLinkLocalIp } from "../config/local-address";
import type { CceCredentials } from "../credentials/types";
import { headerValue, type HeaderMap } from "../http/headers";
import { signRequest } from "../signing";
import { cleanRequestId } from "./error-body";

/**
 * An undici `Dispatcher` (`Agent`, `ProxyAgent`, `MockAgent`, ...). Typed by the one method the
 * client calls, so that this package's declarations never load undici's into a user's compilation.
 */
export interface HttpDispatcher {
  dispatch(options: object, handler: object): boolean;
}

/**
 * Connections per origin of the shared agent: concurrent calls queue on these instead of each
 * opening a socket (and a TLS handshake) of its own.
 */
export const MAX_CONNECTIONS_PER_ORIGIN = 16;

/** Keep-alive of the shared agent's idle connections. */
const KEEP_ALIVE_MS = 30_000;

const USER_AGENT = "pulumi-cce-kubeconfig";

let proxyDispatcher: Dispatcher | undefined;
let directDispatcher: Dispatcher | undefined;

/**
 * Whether a host is this machine or its link (the emulator, the ECS metadata service, a pod's
 * agent): such a request never goes through HTTP(S)_PROXY, whatever NO_PROXY says, since a proxy
 * would see the emulator's token or password and the metadata service's keys, and cannot reach
 * this machine's loopback anyway. Here, unlike for plain-HTTP credentials (local-address.ts), the
 * name `localhost` counts: bypassing a proxy sends nothing anywhere new.
 */
export function bypassesProxy(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return isLoopbackOrLinkLocalIp(host) || host === "localhost" || host.endsWith(".localhost");
}

/**
 * One keep-alive agent per process, honouring HTTPS_PROXY / HTTP_PROXY / NO_PROXY, so repeated
 * calls reuse connections; loopback and link-local hosts get a direct agent (bypassesProxy).
 */
function defaultDispatcher(url: URL): Dispatcher {
  const options = { keepAliveTimeout: KEEP_ALIVE_MS, connections: MAX_CONNECTIONS_PER_ORIGIN };
  if (bypassesProxy(url.hostname)) {
    directDispatcher ??= new Agent(options);
    return directDispatcher;
  }
  proxyDispatcher ??= new EnvHttpProxyAgent(options);
  return proxyDispatcher;
}

/**
 * The most of a response body the client reads: a clustercert answer is a few kilobytes (about 3
 * kB per cluster entry and user), so 4 MiB leaves room for hundreds of entries while a runaway or
 * hostile body cannot grow the process. Past it the client stops reading and closes the connection.
 */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface AttemptRequest {
  method: string;
  /** Absolute URL of the call. */
  url: URL;
  /** Sent as `X-Project-Id` (CCE calls); IAM calls send none. */
  projectId?: string;
  /** Headers of the call itself, signed with the rest (IAM's `X-Idp-Id`). */
  headers?: Readonly<Record<string, string>>;
  body?: string;
  /** Undefined for the one call that carries its proof in the body: the password sign-in. */
  credentials?: CceCredentials;
  /** Bound of the attempt from when it is written to a connection: time queued for a connection does not count. */
  timeoutMs: number;
  /** Bound of the whole attempt, queueing included (what is left of the call's budget). */
  deadlineMs: number;
  signingDate: Date;
  dispatcher?: HttpDispatcher;
  /** @default MAX_RESPONSE_BYTES */
  maxResponseBytes?: number;
}

/** What an attempt answered: the status, the body's text and the headers a caller acts on. */
export interface AttemptResult {
  status: number;
  /** The body as text; at most maxResponseBytes of it. */
  text: string;
  /** True when the body was longer than maxResponseBytes and reading stopped. */
  truncated: boolean;
  requestId?: string;
  retryAfter?: string;
  /** Every response header; callers read the one they need (IAM's `X-Subject-Token`). */
  headers: HeaderMap;
}

/** An attempt that ran out of time, named as AbortSignal.timeout names its error. */
class AttemptTimeoutError extends Error {
  override name = "TimeoutError";
}

/** The attempt's headers as sent: signed (AK/SK), carrying the token, or bare (the password sign-in). */
function attemptHeaders(req: AttemptRequest): Record<string, string> {
  const headers: Record<string, string> = { ...req.headers, Host: req.url.host, "Content-Type": "application/json" };
  if (req.projectId !== undefined) headers["X-Project-Id"] = req.projectId;
  if (req.credentials === undefined) return headers;
  if (req.credentials.kind === "aksk") {
    return signRequest({ method: req.method, url: req.url, headers, body: req.body }, req.credentials, { signingDate: req.signingDate }).headers;
  }
  return { ...headers, "X-Auth-Token": req.credentials.token };
}

const timeoutError = (ms: number) => new AttemptTimeoutError(`no answer within ${ms} ms`);

/**
 * One attempt in flight: what has arrived so far, its two timers, and its promise, settled once.
 * `handler()` is the undici handler that feeds it.
 */
class AttemptInFlight {
  private status = 0;
  private responseHeaders: Record<string, string | string[] | undefined> = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;
  private settled = false;
  private controller: Dispatcher.DispatchController | undefined;
  private attemptTimer: NodeJS.Timeout | undefined;
  private readonly deadlineTimer: NodeJS.Timeout;

  constructor(
    private readonly req: AttemptRequest,
    private readonly limit: number,
    private readonly resolve: (result: AttemptResult) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    // Queueing included: a call never waits past its budget. A request still queued then is
    // aborted as soon as undici would write it, so it is never sent.
    this.deadlineTimer = setTimeout(() => {
      const error = timeoutError(req.deadlineMs);
      this.controller?.abort(error);
      this.finish(error);
    }, req.deadlineMs);
  }

  finish(error: unknown, result?: AttemptResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.attemptTimer);
    clearTimeout(this.deadlineTimer);
    if (result) this.resolve(result);
    else this.reject(error);
  }

  handler(): Dispatcher.DispatchHandler {
    return {
      onRequestStart: (c) => this.started(c),
      onResponseStart: (_c, statusCode, received) => {
        this.status = statusCode;
        this.responseHeaders = received;
      },
      onResponseData: (c, chunk) => this.received(c, chunk),
      onResponseEnd: () => this.finish(undefined, this.answer()),
      onResponseError: (_c, error) => this.finish(error),
    };
  }

  /** Written to a connection: the attempt's own timeout starts now (or it is aborted, past the deadline). */
  private started(c: Dispatcher.DispatchController): void {
    this.controller = c;
    if (this.settled) {
      c.abort(timeoutError(this.req.deadlineMs));
      return;
    }
    this.attemptTimer = setTimeout(() => {
      const error = timeoutError(this.req.timeoutMs);
      c.abort(error);
      this.finish(error);
    }, this.req.timeoutMs);
  }

  private received(c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.truncated) return;
    const room = this.limit - this.size;
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, room));
      this.size = this.limit;
      this.truncated = true;
      // Stop reading: closing the connection is cheaper than draining an unbounded body.
      this.finish(undefined, this.answer());
      c.abort(new Error("response body larger than the client reads"));
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  private answer(): AttemptResult {
    return {
      status: this.status,
      text: Buffer.concat(this.chunks).toString("utf8"),
      truncated: this.truncated,
      requestId: cleanRequestId(headerValue(this.responseHeaders, "x-request-id")),
      retryAfter: headerValue(this.responseHeaders, "retry-after"),
      headers: this.responseHeaders,
    };
  }
}

/**
 * Sends one attempt through undici's dispatcher API, with a handler of its own: the timeout
 * starts when undici writes the request to a connection (onRequestStart), not when the call
 * joins the queue for one of the agent's connections, so a call that waited its turn is never
 * aborted after it was finally sent (and retried, minting again). Throws what undici reports
 * (a network error) or an AttemptTimeoutError when no full answer arrives in time.
 */
export function sendAttempt(req: AttemptRequest): Promise<AttemptResult> {
  const sent = attemptHeaders(req);
  const limit = req.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const dispatcher = (req.dispatcher as Dispatcher | undefined) ?? defaultDispatcher(req.url);
  return new Promise<AttemptResult>((resolve, reject) => {
    const attempt = new AttemptInFlight(req, limit, resolve, reject);
    try {
      dispatcher.dispatch(
        {
          origin: req.url.origin,
          path: `${req.url.pathname}${req.url.search}`,
          method: req.method as Dispatcher.HttpMethod,
          headers: { ...sent, "User-Agent": USER_AGENT },
          body: req.body,
        },
        attempt.handler(),
      );
    } catch (error) {
      attempt.finish(error);
    }
  });
}
