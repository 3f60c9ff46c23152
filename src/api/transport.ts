/**
 * One attempt of one call: sign (or attach the token), send over undici, read the answer. No
 * retries, no validation, no wording: call.ts composes those, for CCE (client.ts) and IAM (iam.ts).
 */
import { EnvHttpProxyAgent, request, type Dispatcher } from "undici";
import type { CceCredentials } from "../config/settings";
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

let sharedDispatcher: Dispatcher | undefined;
/** One keep-alive agent per process, honouring HTTPS_PROXY / HTTP_PROXY / NO_PROXY, so repeated calls reuse connections. */
function defaultDispatcher(): Dispatcher {
  sharedDispatcher ??= new EnvHttpProxyAgent({ keepAliveTimeout: KEEP_ALIVE_MS, connections: MAX_CONNECTIONS_PER_ORIGIN });
  return sharedDispatcher;
}

export interface AttemptRequest {
  method: string;
  /** Absolute URL of the call. */
  url: URL;
  /** Sent as `X-Project-Id` (CCE calls); IAM calls send none. */
  projectId?: string;
  body?: string;
  /** Undefined for the one call that carries its proof in the body: the password sign-in. */
  credentials?: CceCredentials;
  /** Aborts the attempt (its timeout). */
  signal: AbortSignal;
  signingDate: Date;
  dispatcher?: HttpDispatcher;
}

/** What an attempt answered: the status, the body's text and the headers a caller acts on. */
export interface AttemptResult {
  status: number;
  text: string;
  requestId?: string;
  retryAfter?: string;
  /** Every response header; callers read the one they need (IAM's `X-Subject-Token`). */
  headers: HeaderMap;
}

/** Sends one attempt. Throws what undici throws (network error, abort) when no answer arrives. */
export async function sendAttempt(req: AttemptRequest): Promise<AttemptResult> {
  const headers: Record<string, string> = { Host: req.url.host, "Content-Type": "application/json" };
  if (req.projectId !== undefined) headers["X-Project-Id"] = req.projectId;
  const sent =
    req.credentials === undefined
      ? headers
      : req.credentials.kind === "aksk"
        ? signRequest({ method: req.method, url: req.url, headers, body: req.body }, req.credentials, { signingDate: req.signingDate }).headers
        : { ...headers, "X-Auth-Token": req.credentials.token };

  const res = await request(req.url, {
    method: req.method as Dispatcher.HttpMethod,
    headers: { ...sent, "User-Agent": USER_AGENT },
    body: req.body,
    dispatcher: (req.dispatcher as Dispatcher | undefined) ?? defaultDispatcher(),
    signal: req.signal,
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    text,
    requestId: cleanRequestId(headerValue(res.headers, "x-request-id")),
    retryAfter: headerValue(res.headers, "retry-after"),
    headers: res.headers,
  };
}
