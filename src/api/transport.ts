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

/**
 * Sends one attempt through undici's dispatcher API, with a handler of its own: the timeout
 * starts when undici writes the request to a connection (onRequestStart), not when the call
 * joins the queue for one of the agent's connections, so a call that waited its turn is never
 * aborted after it was finally sent (and retried, minting again). Throws what undici reports
 * (a network error) or an AttemptTimeoutError when no full answer arrives in time.
 */
export function sendAttempt(req: AttemptRequest): Promise<AttemptResult> {
  const headers: Record<string, string> = { ...req.headers, Host: req.url.host, "Content-Type": "application/json" };
  if (req.projectId !== undefined) headers["X-Project-Id"] = req.projectId;
  const sent =
    req.credentials === undefined
      ? headers
      : req.credentials.kind === "aksk"
        ? signRequest({ method: req.method, url: req.url, headers, body: req.body }, req.credentials, { signingDate: req.signingDate }).headers
        : { ...headers, "X-Auth-Token": req.credentials.token };
  const limit = req.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const dispatcher = (req.dispatcher as Dispatcher | undefined) ?? defaultDispatcher(req.url);

  return new Promise<AttemptResult>((resolve, reject) => {
    let status = 0;
    let responseHeaders: Record<string, string | string[] | undefined> = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let attemptTimer: NodeJS.Timeout | undefined;

    const finish = (error: unknown, result?: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(attemptTimer);
      clearTimeout(deadlineTimer);
      if (result) resolve(result);
      else reject(error);
    };
    const timeout = (ms: number) => new AttemptTimeoutError(`no answer within ${ms} ms`);
    const answer = (): AttemptResult => ({
      status,
      text: Buffer.concat(chunks).toString("utf8"),
      truncated,
      requestId: cleanRequestId(headerValue(responseHeaders, "x-request-id")),
      retryAfter: headerValue(responseHeaders, "retry-after"),
      headers: responseHeaders,
    });

    // Queueing included: a call never waits past its budget. A request still queued then is
    // aborted as soon as undici would write it, so it is never sent.
    const deadlineTimer = setTimeout(() => {
      const error = timeout(req.deadlineMs);
      controller?.abort(error);
      finish(error);
    }, req.deadlineMs);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) {
          c.abort(timeout(req.deadlineMs));
          return;
        }
        attemptTimer = setTimeout(() => {
          const error = timeout(req.timeoutMs);
          c.abort(error);
          finish(error);
        }, req.timeoutMs);
      },
      onResponseStart(_c, statusCode, received) {
        status = statusCode;
        responseHeaders = received;
      },
      onResponseData(c, chunk) {
        if (truncated) return;
        const room = limit - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size = limit;
          truncated = true;
          // Stop reading: closing the connection is cheaper than draining an unbounded body.
          finish(undefined, answer());
          c.abort(new Error("response body larger than the client reads"));
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      },
      onResponseEnd() {
        finish(undefined, answer());
      },
      onResponseError(_c, error) {
        finish(error);
      },
    };

    try {
      dispatcher.dispatch(
        {
          origin: req.url.origin,
          path: `${req.url.pathname}${req.url.search}`,
          method: req.method as Dispatcher.HttpMethod,
          headers: { ...sent, "User-Agent": USER_AGENT },
          body: req.body,
        },
        handler,
      );
    } catch (error) {
      finish(error);
    }
  });
}
