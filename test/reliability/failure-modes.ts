/**
 * The failure modes of issue 4, as one typed table: faults.test.ts runs every row against the
 * emulator, hostile-input.test.ts every hostile input, and doc.test.ts checks that
 * docs/reliability.md shows exactly these rows as rendered at the end of this file, so the
 * published tables cannot drift.
 */
import { createHash } from "node:crypto";
import type { FaultSpec } from "../../src/emulator";
import type { RetryOptions } from "../../src/api/retry";

/**
 * Every row's client starts from these options: small, real bounds, so the time a failing call
 * may take is a number the test can assert.
 */
export const BASE_TIMEOUT_MS = 2_000; // 2 s per attempt
export const BASE_RETRY: Required<RetryOptions> = {
  maxRetries: 3,
  baseDelayMs: 10, // backoff ceilings 10, 20, 40 ms
  maxDelayMs: 40,
  totalBudgetMs: 5_000, // 5 s for a whole call
};
/** Every row's jitter: half of each backoff ceiling, so a row's waits are exact numbers. */
export const FIXED_RANDOM = 0.5;
/** The backoff waits of BASE_RETRY with FIXED_RANDOM: 5, 10 and 20 ms before retries 1 to 3. */
export const BACKOFF_WAITS = [5, 10, 20] as const;

export interface FaultSetup {
  /** Faults queued on the emulator, built when the row runs from the client's clock (an HTTP-date needs it). */
  faults?: (now: Date) => FaultSpec[];
  /** Per-attempt timeout of this row's client. @default BASE_TIMEOUT_MS */
  timeoutMs?: number;
  /** Which credentials the client signs with. @default "valid" */
  credentials?: "valid" | "wrong-secret-key" | "none";
  /** A project or cluster the emulator does not have. */
  unknown?: "project" | "cluster";
  /** How far the emulator's clock runs ahead of the client's. */
  serverClockSkewMs?: number;
  /** Which call the row makes: a mint (POST clustercert) or a revoke (POST clustercertrevoke). @default "mint" */
  call?: "mint" | "revoke";
}

export type ExpectedOutcome =
  | {
      outcome: "recovers";
      /** Statuses the emulator recorded, in order (0: the connection was reset before any headers). */
      statuses: number[];
      /** Certificates the emulator minted, abandoned attempts included. */
      mints: number;
      /** The client's waits between attempts, in ms, exactly (Retry-After, or the backoff with FIXED_RANDOM). */
      waits: readonly number[];
      /** For a revoke row: revokes the emulator applied, abandoned attempts included. */
      revokes?: number;
    }
  | {
      outcome: "fails";
      /** `CceApiError.code`, or the code of the error thrown instead. */
      code: "CCE_API_ERROR" | "CCE_NETWORK_ERROR" | "CCE_INVALID_RESPONSE" | "CCE_NO_CREDENTIALS";
      status?: number;
      apiCode?: string;
      /** The exact `X-Request-Id` a fault sends, or "server" for an id the emulator generated. */
      requestId?: string | "server";
      /** Attempts made; every attempt is one request in the emulator's log. */
      attempts: number;
      /** The client's waits between attempts, in ms, exactly. */
      waits: readonly number[];
      /** Certificates the emulator minted, abandoned attempts included. @default 0 */
      mints?: number;
      /** Substrings of the error message, beyond the status, code and request id checked for every row. */
      message: string[];
      /** The distinct dotted paths of `CceApiError.issues`, for a response that failed validation. */
      issues?: string[];
      /** For a revoke row: revokes the emulator applied, abandoned attempts included. @default 0 */
      revokes?: number;
    };

export interface FailureMode {
  fault: string;
  setup: FaultSetup;
  expected: ExpectedOutcome;
  /** What the package does, as the docs table prints it. */
  behaviour: string;
  /** Set while the package does not yet do what `behaviour` says: the row's test fails until the fix lands. */
  knownBug?: string;
}

// ---- a response shaped like CCE's, for the wrong-shape rows and the property tests ----

/** `EC PRIVATE KEY`, assembled at run time so that no key header appears literally in the repository. */
export const PRIVATE_KEY_LABEL = ["EC", "PRIVATE", "KEY"].join(" ");

/** Deterministic filler bytes, so the table and its messages are the same on every run. */
function filler(seed: string, length: number): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; chunks.length * 64 < length; i++) chunks.push(createHash("sha512").update(`${seed}:${i}`).digest());
  return Buffer.concat(chunks).subarray(0, length);
}

/** A PEM block around `body`, wrapped at 64 columns as OpenSSL writes it. */
export function pemBlock(label: string, body: Buffer): string {
  const lines = body.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** A kubeconfig `*-data` value: base64 of a PEM block (not a real certificate or key). */
export function pemData(label: string, seed: string): string {
  return Buffer.from(pemBlock(label, filler(seed, 300))).toString("base64");
}

/** A clustercert response of the no-EIP shape, valid for the schema (the certificates are filler). */
export function cceResponse(): Record<string, unknown> {
  return {
    kind: "Config",
    apiVersion: "v1",
    preferences: {},
    clusters: [
      {
        name: "internalCluster",
        cluster: { server: "https://192.168.1.7:5443", "certificate-authority-data": pemData("CERTIFICATE", "ca") },
      },
    ],
    users: [
      {
        name: "user",
        user: { "client-certificate-data": pemData("CERTIFICATE", "cert"), "client-key-data": pemData(PRIVATE_KEY_LABEL, "key") },
      },
    ],
    contexts: [{ name: "internal", context: { cluster: "internalCluster", user: "user" } }],
    "current-context": "internal",
  };
}

function withUser(user: Record<string, unknown>): Record<string, unknown> {
  const body = cceResponse();
  const [first] = body["users"] as Array<{ name: string; user: Record<string, unknown> }>;
  body["users"] = [{ ...first, user: { ...first!.user, ...user } }];
  return body;
}

const cceError = (errorCode: string, errorMessage: string) => ({ errorCode, errorMessage });
const POST_CERT = { method: "POST", path: "/clustercert" } as const;
const POST_REVOKE = { method: "POST", path: "/clustercertrevoke" } as const;
const HTML_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

// ---- the table ----

export const FAILURE_MODES: readonly FailureMode[] = [
  // Transient: retried within the budget.
  {
    fault: "429 with Retry-After in seconds",
    setup: {
      faults: () => [{ ...POST_CERT, status: 429, headers: { "Retry-After": "1" }, body: cceError("CCE.01429002", "locked") }],
    },
    expected: { outcome: "recovers", statuses: [429, 200], mints: 1, waits: [1_000] },
    behaviour: "waits the 1 s the server asked for, retries, and mints one certificate",
  },
  {
    fault: "429 with Retry-After as an HTTP-date",
    setup: {
      faults: (now) => [
        {
          ...POST_CERT,
          status: 429,
          headers: { "Retry-After": new Date(now.getTime() + 2_000).toUTCString() },
          body: cceError("CCE.02429001", "throttled"),
        },
      ],
    },
    // The client's clock starts on a whole second, as an HTTP-date counts: the wait is exactly 2 s.
    expected: { outcome: "recovers", statuses: [429, 200], mints: 1, waits: [2_000] },
    behaviour: "waits until that date, retries, and mints one certificate",
  },
  {
    fault: "429 without Retry-After, twice",
    setup: { faults: () => [{ ...POST_CERT, status: 429, times: 2, body: cceError("CCE.01429002", "locked") }] },
    expected: { outcome: "recovers", statuses: [429, 429, 200], mints: 1, waits: BACKOFF_WAITS.slice(0, 2) },
    behaviour: "backs off exponentially with full jitter, retries, and mints one certificate",
  },
  ...[500, 502, 503, 504].map(
    (status): FailureMode => ({
      fault: `${status} once`,
      setup: { faults: () => [{ ...POST_CERT, status }] },
      expected: { outcome: "recovers", statuses: [status, 200], mints: 1, waits: BACKOFF_WAITS.slice(0, 1) },
      behaviour: "retries after a backoff and mints one certificate",
    }),
  ),
  {
    fault: "HTML error page from a proxy (502, text/html)",
    setup: { faults: () => [{ ...POST_CERT, status: 502, headers: { "Content-Type": "text/html" }, body: HTML_PAGE }] },
    expected: { outcome: "recovers", statuses: [502, 200], mints: 1, waits: BACKOFF_WAITS.slice(0, 1) },
    behaviour: "retries a 5xx whatever its body, and mints one certificate",
  },
  {
    fault: "connection reset before the headers",
    setup: { faults: () => [{ ...POST_CERT, reset: "before-headers" }] },
    expected: { outcome: "recovers", statuses: [0, 200], mints: 1, waits: BACKOFF_WAITS.slice(0, 1) },
    behaviour: "treats it as a network error, retries, and mints one certificate",
  },
  {
    fault: "connection reset after the headers (200 announced, no body)",
    setup: { faults: () => [{ ...POST_CERT, reset: "after-headers" }] },
    expected: { outcome: "recovers", statuses: [200, 200], mints: 1, waits: BACKOFF_WAITS.slice(0, 1) },
    behaviour:
      "treats the missing body as a network error and retries; the emulator minted nothing for the broken answer, so one certificate results (a real server that had minted would leave one orphan)",
  },
  {
    fault: "truncated body (Content-Length larger than what arrives)",
    setup: { faults: () => [{ ...POST_CERT, status: 200, truncate: true }] },
    expected: { outcome: "recovers", statuses: [200, 200], mints: 1, waits: BACKOFF_WAITS.slice(0, 1) },
    behaviour: "treats the short body as a network error, retries, and mints one certificate",
  },
  {
    fault: "a response slower than the timeout, once",
    setup: { timeoutMs: 300, faults: () => [{ ...POST_CERT, delayMs: 1_500 }] },
    expected: { outcome: "recovers", statuses: [200, 200], mints: 2, waits: BACKOFF_WAITS.slice(0, 1) },
    behaviour:
      "aborts the attempt at timeoutMs and retries, which succeeds; the server still completes the abandoned attempt, so 2 certificates are minted and one is never delivered (CCE has no idempotency key; the orphan expires unused)",
  },
  // Transient, but never ending: bounded failure.
  {
    fault: "500 on every attempt",
    setup: { faults: () => [{ ...POST_CERT, status: 500, times: 10, headers: { "X-Request-Id": "fault-500" } }] },
    expected: {
      outcome: "fails",
      code: "CCE_API_ERROR",
      status: 500,
      apiCode: "CCE.01500001",
      requestId: "fault-500",
      attempts: 4,
      waits: BACKOFF_WAITS,
      message: ["4 attempts", "the API failed; try again later"],
    },
    behaviour: "gives up after maxRetries (3) retries, within the call's time bound, naming the status, code, request id and attempts",
  },
  {
    fault: "429 whose Retry-After exceeds the call's budget",
    setup: {
      faults: () => [
        { ...POST_CERT, status: 429, headers: { "Retry-After": "3600", "X-Request-Id": "fault-429" }, body: cceError("CCE.01429002", "locked") },
      ],
    },
    expected: {
      outcome: "fails",
      code: "CCE_API_ERROR",
      status: 429,
      apiCode: "CCE.01429002",
      requestId: "fault-429",
      attempts: 1,
      waits: [],
      message: ["the API is throttling"],
    },
    behaviour: "fails at once rather than sleep past its total budget (totalBudgetMs, 2 min by default)",
  },
  {
    fault: "connection reset on every attempt",
    setup: { faults: () => [{ ...POST_CERT, reset: "before-headers", times: 10 }] },
    expected: { outcome: "fails", code: "CCE_NETWORK_ERROR", attempts: 4, waits: BACKOFF_WAITS, message: ["network error ECONNRESET after 4 attempts"] },
    behaviour: "gives up after maxRetries retries with a network error that names the error code and the attempts",
  },
  {
    fault: "every response slower than the timeout",
    setup: { timeoutMs: 200, faults: () => [{ ...POST_CERT, delayMs: 1_500, times: 4 }] },
    expected: {
      outcome: "fails",
      code: "CCE_NETWORK_ERROR",
      attempts: 4,
      waits: BACKOFF_WAITS,
      mints: 4,
      message: ["timed out (200 ms per attempt) after 4 attempts"],
    },
    behaviour:
      "gives up after maxRetries retries, each cut at timeoutMs; the server still completes every abandoned attempt (4 certificates minted, none delivered)",
  },
  // The revoke (issue 20): idempotent, so retried like a read.
  {
    fault: "revoke: 429 with Retry-After, then 500",
    setup: {
      call: "revoke",
      faults: () => [
        { ...POST_REVOKE, status: 429, headers: { "Retry-After": "1" }, body: cceError("CCE.01429002", "locked") },
        { ...POST_REVOKE, status: 500, body: cceError("CCE.01500001", "internal error") },
      ],
    },
    expected: { outcome: "recovers", statuses: [429, 500, 200], mints: 0, revokes: 1, waits: [1_000, BACKOFF_WAITS[1]] },
    behaviour: "retries the revoke like a read (it is idempotent): waits the 1 s asked, backs off after the 500, and the revoke is applied once",
  },
  {
    fault: "revoke: 500 on every attempt",
    setup: { call: "revoke", faults: () => [{ ...POST_REVOKE, status: 500, times: 10, headers: { "X-Request-Id": "fault-revoke-500" } }] },
    expected: {
      outcome: "fails",
      code: "CCE_API_ERROR",
      status: 500,
      apiCode: "CCE.01500001",
      requestId: "fault-revoke-500",
      attempts: 4,
      waits: BACKOFF_WAITS,
      revokes: 0,
      message: ["POST", "/clustercertrevoke", "4 attempts"],
    },
    behaviour: "gives up after maxRetries (3) retries, naming the revoke call, status, code, request id and attempts; nothing was revoked",
  },
  {
    fault: "revoke: every response slower than the timeout",
    setup: { call: "revoke", timeoutMs: 200, faults: () => [{ ...POST_REVOKE, delayMs: 1_500, times: 4 }] },
    expected: {
      outcome: "fails",
      code: "CCE_NETWORK_ERROR",
      attempts: 4,
      waits: BACKOFF_WAITS,
      revokes: 4,
      message: ["/clustercertrevoke", "timed out (200 ms per attempt) after 4 attempts"],
    },
    behaviour:
      "gives up after maxRetries retries, each cut at timeoutMs; the server still applies every abandoned revoke, which is harmless (the same identity revoked again): run it again to be sure",
  },
  // Permanent: answered, so not retried.
  {
    fault: "invalid JSON with status 200",
    setup: {
      faults: () => [{ ...POST_CERT, status: 200, headers: { "X-Request-Id": "fault-json" }, body: '{"kind":"Config","clusters":[' }],
    },
    expected: {
      outcome: "fails",
      code: "CCE_INVALID_RESPONSE",
      status: 200,
      requestId: "fault-json",
      attempts: 1,
      waits: [],
      issues: ["(body)"],
      message: ["returned HTTP 200 with a body that is not JSON"],
    },
    behaviour: "fails without retrying (a 2xx may have minted) and says the body is not JSON",
  },
  {
    fault: "HTML page with status 200 from a proxy",
    setup: {
      faults: () => [
        { ...POST_CERT, status: 200, headers: { "Content-Type": "text/html", "X-Request-Id": "fault-html" }, body: HTML_PAGE },
      ],
    },
    expected: {
      outcome: "fails",
      code: "CCE_INVALID_RESPONSE",
      status: 200,
      requestId: "fault-html",
      attempts: 1,
      waits: [],
      issues: ["(body)"],
      message: ["body that is not JSON"],
    },
    behaviour: "fails without retrying and says the body is not JSON, never quoting it",
  },
  {
    fault: "wrong shape: `users` missing",
    setup: {
      faults: () => {
        const body = cceResponse();
        delete body["users"];
        return [{ ...POST_CERT, status: 200, headers: { "X-Request-Id": "fault-users" }, body }];
      },
    },
    expected: {
      outcome: "fails",
      code: "CCE_INVALID_RESPONSE",
      status: 200,
      requestId: "fault-users",
      attempts: 1,
      waits: [],
      issues: ["users"],
      message: ["returned an invalid response: users "],
    },
    behaviour: "fails without retrying and names the missing field",
  },
  {
    fault: "wrong shape: `clusters` empty",
    setup: { faults: () => [{ ...POST_CERT, status: 200, headers: { "X-Request-Id": "fault-clusters" }, body: { ...cceResponse(), clusters: [] } }] },
    expected: {
      outcome: "fails",
      code: "CCE_INVALID_RESPONSE",
      status: 200,
      requestId: "fault-clusters",
      attempts: 1,
      waits: [],
      issues: ["clusters", "contexts.0.context.cluster"],
      message: ["clusters is empty"],
    },
    behaviour: "fails without retrying, saying clusters is empty and that the context names no cluster",
  },
  {
    fault: "wrong shape: `client-certificate-data` not base64",
    setup: {
      faults: () => [
        { ...POST_CERT, status: 200, headers: { "X-Request-Id": "fault-b64" }, body: withUser({ "client-certificate-data": "not base64!" }) },
      ],
    },
    expected: {
      outcome: "fails",
      code: "CCE_INVALID_RESPONSE",
      status: 200,
      requestId: "fault-b64",
      attempts: 1,
      waits: [],
      issues: ["users.0.user.client-certificate-data"],
      message: ["users.0.user.client-certificate-data is not base64"],
    },
    behaviour: "fails without retrying and names the field",
  },
  {
    fault: "wrong shape: a certificate that is not PEM",
    setup: {
      faults: () => [
        {
          ...POST_CERT,
          status: 200,
          headers: { "X-Request-Id": "fault-pem" },
          body: withUser({ "client-certificate-data": Buffer.from("a certificate, honestly").toString("base64") }),
        },
      ],
    },
    expected: {
      outcome: "fails",
      code: "CCE_INVALID_RESPONSE",
      status: 200,
      requestId: "fault-pem",
      attempts: 1,
      waits: [],
      issues: ["users.0.user.client-certificate-data"],
      message: ["users.0.user.client-certificate-data is not base64 of a PEM block"],
    },
    behaviour: "fails without retrying and names the field (base64 vs PEM confusion, huaweicloud #2359)",
  },
  {
    fault: "401 signature failure (wrong secret key)",
    setup: { credentials: "wrong-secret-key" },
    expected: {
      outcome: "fails",
      code: "CCE_API_ERROR",
      status: 401,
      apiCode: "APIGW.0301",
      requestId: "server",
      attempts: 1,
      waits: [],
      message: ["verify aksk signature fail", "check the access key pair or token"],
    },
    behaviour: "fails at once, not retried, with a hint to check the key pair and the clock",
  },
  {
    fault: "403",
    setup: {
      faults: () => [{ ...POST_CERT, status: 403, headers: { "X-Request-Id": "fault-403" }, body: cceError("CCE.01403001", "Forbidden") }],
    },
    expected: {
      outcome: "fails",
      code: "CCE_API_ERROR",
      status: 403,
      apiCode: "CCE.01403001",
      requestId: "fault-403",
      attempts: 1,
      waits: [],
      message: ["cce:cluster:generateClientCredential"],
    },
    behaviour: "fails at once, not retried, naming the IAM action the user needs",
  },
  {
    fault: "404 for the project",
    setup: { unknown: "project" },
    expected: {
      outcome: "fails",
      code: "CCE_API_ERROR",
      status: 404,
      apiCode: "CCE.01404001",
      requestId: "server",
      attempts: 1,
      waits: [],
      message: ["check clusterId, projectId and the region or endpoint"],
    },
    behaviour: "fails at once, not retried, pointing at clusterId, projectId and the endpoint",
  },
  {
    fault: "404 for the cluster",
    setup: { unknown: "cluster" },
    expected: {
      outcome: "fails",
      code: "CCE_API_ERROR",
      status: 404,
      apiCode: "CCE.01404001",
      requestId: "server",
      attempts: 1,
      waits: [],
      message: ["not found", "check clusterId"],
    },
    behaviour: "fails at once, not retried, pointing at clusterId, projectId and the endpoint",
  },
  {
    fault: "clock skew beyond 15 minutes (server 20 min ahead)",
    setup: { serverClockSkewMs: 20 * 60_000 },
    expected: {
      outcome: "fails",
      code: "CCE_API_ERROR",
      status: 401,
      apiCode: "APIGW.0301",
      requestId: "server",
      attempts: 1,
      waits: [],
      message: ["X-Sdk-Date is more than 15 minutes", "clock is within 15 minutes"],
    },
    behaviour: "fails at once, not retried, saying the request expired and that the clock must be within 15 minutes",
  },
  {
    fault: "no credentials configured",
    setup: { credentials: "none" },
    expected: { outcome: "fails", code: "CCE_NO_CREDENTIALS", attempts: 0, waits: [], message: ["HW_ACCESS_KEY", "HW_AUTH_TOKEN"] },
    // Found by this table: credentials were once resolved inside each attempt, so a CredentialsError
    // was retried as a network error and lost its list of places looked at (fixed in 75c14b0).
    behaviour: "fails before any request with a CredentialsError naming every place it looked",
  },
];

// ---- hostile and bad inputs, refused by check before any request ----

export interface HostileInput {
  /** The input `check` must name. */
  input: string;
  /** How the docs list the value. */
  label: string;
  /** The inputs to merge over a valid set; `endpoint` is the emulator's URL. */
  news: (endpoint: string) => Record<string, unknown>;
  /** Set while `check` does not yet refuse it: the row's test fails until the fix lands. */
  knownBug?: string;
}

const TEN_KB = "x".repeat(10_240);
const HOSTILE_IDS: Array<[string, string]> = [
  ["`../`", "../../../etc"],
  ["`?`", "abc?x=1"],
  ["`#`", "abc#frag"],
  ["`%2F`", "abc%2Fdef"],
  ["a space", "abc def"],
  ["unicode", "集群-ü"],
  ["a 10 kB string", TEN_KB],
];

export const HOSTILE_INPUTS: readonly HostileInput[] = [
  ...HOSTILE_IDS.map(([label, value]): HostileInput => ({ input: "clusterId", label, news: () => ({ clusterId: value }) })),
  ...HOSTILE_IDS.map(([label, value]): HostileInput => ({ input: "projectId", label, news: () => ({ projectId: value }) })),
  {
    input: "endpoint",
    label: "credentials in the URL (`http://user:pass@127.0.0.1:PORT`)",
    news: (endpoint) => ({ endpoint: endpoint.replace("://", "://user:pass@") }),
  },
  { input: "endpoint", label: "`http:` to a non-loopback host", news: () => ({ endpoint: "http://cce.ap-southeast-1.myhuaweicloud.com" }) },
  { input: "endpoint", label: "`http:` to a private address", news: (endpoint) => ({ endpoint: endpoint.replace("127.0.0.1", "10.0.0.1") }) },
  { input: "endpoint", label: "unsupported scheme `ftp:`", news: (endpoint) => ({ endpoint: endpoint.replace("http:", "ftp:") }) },
  { input: "endpoint", label: "unsupported scheme `file:`", news: () => ({ endpoint: "file:///etc/passwd" }) },
  { input: "endpoint", label: "a query string", news: (endpoint) => ({ endpoint: `${endpoint}/?x=1` }) },
  { input: "endpoint", label: "not a URL", news: () => ({ endpoint: "cce.ap-southeast-1" }) },
  { input: "duration", label: "`0`", news: () => ({ duration: 0 }) },
  { input: "duration", label: "`-2`", news: () => ({ duration: -2 }) },
  { input: "duration", label: "`1.5`", news: () => ({ duration: 1.5 }) },
  { input: "duration", label: '`"30"` (a string)', news: () => ({ duration: "30" }) },
  { input: "duration", label: "`10^9`", news: () => ({ duration: 1e9 }) },
  { input: "duration", label: "`NaN`", news: () => ({ duration: NaN }) },
  { input: "expireAt", label: "in the past", news: () => ({ expireAt: "2001-01-01T00:00:00Z" }) },
  { input: "expireAt", label: "less than 15 minutes ahead", news: () => ({ expireAt: new Date(Date.now() + 5 * 60_000).toISOString() }) },
  { input: "expireAt", label: "unparseable (`next tuesday`)", news: () => ({ expireAt: "next tuesday" }) },
  {
    input: "expireAt",
    label: "a day that does not exist (`2031-02-30`)",
    // Found by this table: Date.parse rolled 2031-02-30 over to 2031-03-02, and check sent that (fixed in 75c14b0).
    news: () => ({ expireAt: "2031-02-30T00:00:00Z" }),
  },
  { input: "expireAt", label: "set together with duration", news: () => ({ duration: 30, expireAt: "2099-01-01T00:00:00Z" }) },
  { input: "context", label: "unknown (`public`)", news: () => ({ context: "public" }) },
  { input: "context", label: "wrong case (`External`)", news: () => ({ context: "External" }) },
  { input: "clusterKind", label: "unknown (`turbo`)", news: () => ({ clusterKind: "turbo" }) },
  { input: "expireAt", label: "on an Autopilot cluster (duration only)", news: () => ({ clusterKind: "autopilot", expireAt: "2099-01-01T00:00:00Z" }) },
  { input: "useLegacyGet", label: "on an Autopilot cluster (no GET clustercert)", news: () => ({ clusterKind: "autopilot", useLegacyGet: true }) },
];

// ---- the tables of docs/reliability.md ----

/** A markdown table cell: pipes escaped, one line. */
export const markdownCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `waits of 5 → 10 ms` (backoff with the fixed jitter), or `a wait of 1,000 ms`. */
function waitsText(waits: readonly number[]): string {
  return `${waits.length === 1 ? "a wait of" : "waits of"} ${waits.map((w) => w.toLocaleString("en-US")).join(" → ")} ms`;
}

function asserted(mode: FailureMode): string {
  const e = mode.expected;
  if (e.outcome === "recovers") {
    const statuses = e.statuses.map((s) => (s === 0 ? "reset" : String(s))).join(" → ");
    const effect = e.revokes !== undefined ? `${plural(e.revokes, "revoke")} applied` : `${plural(e.mints, "certificate")} minted`;
    return `recovers (${statuses}) after ${waitsText(e.waits)}, ${effect}`;
  }
  const what = e.status !== undefined ? `HTTP ${e.status}${e.apiCode ? ` ${e.apiCode}` : ""}` : e.code;
  const parts = [`fails: ${what}`, e.attempts === 0 ? "no request" : plural(e.attempts, "attempt")];
  if (e.waits.length > 0) parts.push(`after ${waitsText(e.waits)}`);
  if (e.requestId !== undefined) parts.push("request id in the message");
  if (e.issues) parts.push(`issues at ${e.issues.map((p) => `\`${p}\``).join(", ")}`);
  if (e.mints) parts.push(`${plural(e.mints, "certificate")} minted`);
  if (e.revokes !== undefined) parts.push(`${plural(e.revokes, "revoke")} applied`);
  return parts.join(", ");
}

/** The "Tested failure modes" table of docs/reliability.md. */
export function failureModesTable(): string {
  const rows = FAILURE_MODES.map((mode) => {
    const bug = mode.knownBug ? ` **Known bug, test fails until fixed:** ${mode.knownBug}.` : "";
    return `| ${markdownCell(mode.fault)} | ${markdownCell(`${mode.behaviour}. Asserted: ${asserted(mode)}.${bug}`)} | \`faults.test.ts\` › ${markdownCell(mode.fault)} |`;
  });
  return ["| Fault | What the package does | Test that proves it |", "|---|---|---|", ...rows].join("\n");
}

/** The hostile inputs table of docs/reliability.md. */
export function hostileInputsTable(): string {
  const inputs = [...new Set(HOSTILE_INPUTS.map((row) => row.input))];
  const rows = inputs.map((input) => {
    const values = HOSTILE_INPUTS.filter((row) => row.input === input).map((row) =>
      row.knownBug ? `${row.label} (**known bug, test fails until fixed:** ${row.knownBug})` : row.label,
    );
    return `| \`${input}\` | ${markdownCell(values.join("; "))} | \`hostile-input.test.ts\` › ${input}: … |`;
  });
  return ["| Input | Refused values | Test that proves it |", "|---|---|---|", ...rows].join("\n");
}

// ---- sign-in failures (issue 14): each row names the test that proves it ----

export interface SignInFailure {
  failure: string;
  /** What the package does, as the docs table prints it. */
  behaviour: string;
  /** The test file under test/ and the test's title path (describe › test), checked to exist by doc.test.ts. */
  test: { file: string; title: readonly string[] };
}

const PROFILE_DESCRIBE = "hostile and broken files are refused by check, naming the path and profile, echoing no value, minting nothing";
const ECS_DESCRIBE = "no keys from the metadata service: a CredentialsError listing what was looked for and why, nothing minted";
const POD_DESCRIBE = "no keys from pod identity: a CredentialsError naming the settings and the reason, nothing minted";
const OIDC_DESCRIBE = "refusals name the cause, never a token, and mint nothing";
const LOOKUP_DESCRIBE = "zero or several matches are refused, naming the region, IAM's trace id and the setting to use instead";

export const SIGN_IN_FAILURES: readonly SignInFailure[] = [
  {
    failure: "project lookup: IAM lists no project of the region's name",
    behaviour: "ProjectLookupError CCE_PROJECT_NOT_FOUND naming the name, IAM's trace id and projectId / projectName; nothing minted",
    test: { file: "emulator/project-lookup.test.ts", title: [LOOKUP_DESCRIBE, "zero"] },
  },
  {
    failure: "project lookup: IAM lists two projects of that name",
    behaviour: "ProjectLookupError CCE_PROJECT_AMBIGUOUS listing both ids and the trace id; nothing minted (the Terraform provider takes the first)",
    test: { file: "emulator/project-lookup.test.ts", title: [LOOKUP_DESCRIBE, "two (control: with one of them only, the lookup passes and CCE answers for that project)"] },
  },
  {
    failure: "project lookup: 401 from IAM",
    behaviour: "fails naming IAM GET /v3/projects and the status; the failed lookup is not cached, so the next create asks again",
    test: { file: "emulator/project-lookup.test.ts", title: ["a failed lookup is not kept: IAM's 401 names the call, and the next create looks up again"] },
  },
  {
    failure: "project lookup: 500 from IAM",
    behaviour: "retried like any IAM call, then the create proceeds",
    test: { file: "emulator/project-lookup.test.ts", title: ["a 500 from the lookup is retried like any IAM call"] },
  },
  ...(
    [
      ["a file that is not there", "SharedConfigError CCE_SHARED_CONFIG_INVALID at check, naming the path and the settings that named it"],
      ["a profile that is not there", "refused at check, naming the profile, the path and the profiles the file has"],
      ["malformed JSON holding a key", "refused at check as not valid JSON, without the parser's excerpt (it could hold a key)"],
      ["a huge file", "refused at check after reading at most 1 MiB + 1 byte"],
      ["not a KooCLI file (JSON without profiles)", "refused at check: no profiles list"],
      ["encrypted credentials (KooCLI's default), with the command that fixes it", "refused at check with hcloud configure set --cli-auth-encrypt=false, never signing with ciphertext (the Terraform provider does)"],
      ["an SSO profile without ssoAuth.stsToken", "refused at check: sign in again with hcloud"],
    ] as const
  ).map(([title, behaviour]): SignInFailure => ({
    failure: `KooCLI profile: ${title.replace(/, with the command that fixes it$/, "")}`,
    behaviour: `${behaviour}; nothing minted`,
    test: { file: "emulator/koocli-profile.test.ts", title: [PROFILE_DESCRIBE, title] },
  })),
  ...(
    [
      ["off ECS (nothing listens)", "CredentialsError CCE_NO_CREDENTIALS listing every setting looked at, then why the metadata service gave nothing (not reachable)"],
      ["securitykey answers %i", "(401, 403 and 500, each) the same CredentialsError, with the status, one attempt (a run off ECS must fail fast); the body, which could hold keys, is not read into it"],
      ["no agency bound (404)", "the same CredentialsError, telling to bind an agency to the instance"],
      ["the token step fails with 500", "the same CredentialsError, naming the token step (404, 405 and 503 there mean no token step, and the GET goes on without one)"],
      ["an answer missing fields", "the same CredentialsError, naming each missing field, never a value"],
      ["an answer expiring in the past", "the same CredentialsError, with the expiry; the keys are never used"],
      ["an answer that is not JSON", "the same CredentialsError, without the body"],
      ["a slow answer (beyond the 3 s bound)", "the same CredentialsError after 3 s: no answer within 3000 ms"],
    ] as const
  ).map(([title, behaviour]): SignInFailure => ({
    failure: `ECS metadata: ${title.replace("%i", "an error status")}`,
    behaviour: `${behaviour}; nothing minted`,
    test: { file: "emulator/ecs-metadata.test.ts", title: [ECS_DESCRIBE, title] },
  })),
  {
    failure: "ECS metadata: keys CCE refuses as expired",
    behaviour: "fetched again once from the metadata service, and the call succeeds",
    test: { file: "emulator/ecs-metadata.test.ts", title: ["keys CCE refuses as expired are fetched again once, and the call succeeds"] },
  },
  ...(
    [
      ["a wrong token (401)", "CredentialsError naming HC_CONTAINER_CREDENTIALS_FULL_URI + HC_CONTAINER_AUTHORIZATION_TOKEN_FILE and the status, never the token"],
      ["an empty token file", "the same CredentialsError, naming the file; nothing is sent"],
      ["an unreadable token file", "the same CredentialsError, naming the file and the error code; nothing is sent"],
      ["the endpoint answers %i", "(403 and 500) the same CredentialsError, with the status, one attempt"],
      ["an answer missing fields or expiring in the past", "the same CredentialsError, naming the missing fields or the expiry, never a value"],
      ["the URI without a token file, or to a remote http: host, is refused before any request", "CredentialsError naming the missing setting, or the allowed URLs"],
    ] as const
  ).map(([title, behaviour]): SignInFailure => ({
    failure: `CCE pod identity: ${title.replace("%i", "an error status").replace(/, is refused before any request$/, "")}`,
    behaviour: `${behaviour}; nothing minted`,
    test: { file: "emulator/pod-identity.test.ts", title: [POD_DESCRIBE, title] },
  })),
  ...(
    [
      ["an empty file", "CredentialsError CCE_NO_CREDENTIALS naming the file and HW_ASSUME_ROLE_ID_TOKEN_FILE, telling to write the CI's token there; nothing is sent"],
      ["a missing file", "the same CredentialsError, with ENOENT; nothing is sent"],
      ["an unreadable file", "the same CredentialsError, with the error code; nothing is sent"],
      ["a huge file", "the same CredentialsError after reading at most 64 KiB + 1 byte: larger than 64 KiB"],
      ["a file that holds no JWT", "the same CredentialsError: not three dot-separated parts; nothing is sent"],
    ] as const
  ).map(([title, behaviour]): SignInFailure => ({
    failure: `OIDC: ${title.startsWith("a file") ? title.replace("a file", "an ID token file") : title.replace("file", "ID token file")}`,
    behaviour: `${behaviour}; nothing minted`,
    test: { file: "emulator/oidc.test.ts", title: [OIDC_DESCRIBE, title] },
  })),
  {
    failure: "OIDC: IAM refuses the ID token (401: another audience, an expired token)",
    behaviour: "CceApiError naming IAM POST /v3.0/OS-AUTH/id-token/tokens, IAM's reason and what to check (expiry, issuer, audience, conversion rules of the provider); not retried; nothing minted",
    test: { file: "emulator/oidc.test.ts", title: [OIDC_DESCRIBE, "a token for another audience: IAM's 401, with what to check, and the exchange not retried"] },
  },
  {
    failure: "OIDC: an identity provider IAM does not know (404)",
    behaviour: "CceApiError naming the provider id to check; nothing minted",
    test: { file: "emulator/oidc.test.ts", title: [OIDC_DESCRIBE, "an identity provider IAM does not know: 404, naming the provider id to check"] },
  },
  {
    failure: "OIDC: the runner's token expired by the time the keys are renewed",
    behaviour: "IAM's 401 as above; the file is read again at each exchange, so the token the runner wrote last is used",
    test: { file: "emulator/oidc.test.ts", title: ["the file is read again at each exchange: once the keys expire, the runner's new token is exchanged (control: the old token, expired by then, is refused)"] },
  },
  {
    failure: "OIDC: 500 from IAM's exchange",
    behaviour: "retried like any IAM call, then the create proceeds",
    test: { file: "emulator/oidc.test.ts", title: ["IAM answering 500 to the exchange is retried, and the run goes on"] },
  },
  {
    failure: "OIDC: the temporary keys are revoked or expired",
    behaviour: "CCE's 401 drops them; the token is exchanged again once and the call succeeds",
    test: { file: "emulator/oidc.test.ts", title: ["keys IAM revoked between two creates are exchanged again once, and the second create mints one certificate"] },
  },
  ...(
    [
      ["an identity provider without an ID token", "CredentialsError naming HW_ASSUME_ROLE_IDP_ID and the two token settings; even with other credentials set, nothing signs as someone else"],
      ["an ID token without the identity provider", "CredentialsError naming the token's setting and huaweicloud:assumeRoleIdpId / HW_ASSUME_ROLE_IDP_ID, never the token"],
    ] as const
  ).map(([title, behaviour]): SignInFailure => ({
    failure: `OIDC: ${title}`,
    behaviour: `${behaviour}; nothing minted`,
    test: { file: "unit/credentials/auth-settings.test.ts", title: ["which method is used", title] },
  })),
];

/** The "Sign-in failures" table of docs/reliability.md. */
export function signInFailuresTable(): string {
  const rows = SIGN_IN_FAILURES.map(
    (row) => `| ${markdownCell(row.failure)} | ${markdownCell(row.behaviour)} | \`${row.test.file}\` › ${markdownCell(row.test.title.join(" › "))} |`,
  );
  return ["| Failure | What the package does | Test that proves it |", "|---|---|---|", ...rows].join("\n");
}

// ---- hardening (issue 21): each row names the test that proves it ----

const CACHE_DESCRIBE = "the cache folder is the user's own and nothing else (issue 21, item 4)";

/** Rows of the "Hardening" table: the same shape as the sign-in failures, checked the same way by doc.test.ts. */
export const HARDENING_FAILURES: readonly SignInFailure[] = [
  {
    failure: "a plugin setting the user set with --secret that is not a credential (userName, projectId)",
    behaviour: "CheckConfig returns it wrapped as a secret, so the provider's state holds ciphertext; a refused marked value is shown as 'a secret value (not shown)'",
    test: { file: "emulator/plugin-server.test.ts", title: ["the provider plugin, bundled, over gRPC", "CheckConfig keeps every setting the user marked secret secret; control: the same settings unmarked come back plain"] },
  },
  {
    failure: "a resource input the user marked secret, refused by Check",
    behaviour: "the input stays wrapped in Check's answer and the failure never repeats its value",
    test: {
      file: "emulator/plugin-server.test.ts",
      title: ["the provider plugin, bundled, over gRPC", "Check keeps an input the user marked secret secret, and its failure never repeats the value; control: unmarked, the value is shown"],
    },
  },
  {
    failure: "HC_CONTAINER_CREDENTIALS_FULL_URI http://169.254.0.1.attacker.example/ (a name that begins like a link-local address)",
    behaviour: "CredentialsError before any request: plain http only to a loopback or link-local IP literal, never to a name (not even localhost)",
    test: {
      file: "unit/credentials/auth-settings.test.ts",
      title: ["CCE pod identity over plain HTTP goes only to a loopback or link-local IP literal", "%s is refused, naming the rule and fetching nothing"],
    },
  },
  {
    failure: "the cached exec path with a changed access key, setting, flag or KooCLI file",
    behaviour: "the call goes to the full command, which resolves the settings again; only the same command line, variables and identity files are served from the record",
    test: { file: "emulator/exec-fast-path.test.ts", title: ["a call the full command recorded is answered from the cache", "%s goes to the full command (it loads the settings)"] },
  },
  ...(
    [
      ["a FIFO is refused at once, without waiting for a writer or reading past the cap", "a token file (pod identity, OIDC) that is a FIFO", "refused at once as not a regular file (opened non-blocking, the open handle checked), never read past 64 KiB"],
      ["/dev/zero is refused, not read until memory runs out", "a token file that is a device (/dev/zero)", "refused as not a regular file, never read"],
      ["a link is followed to what it leads to: a regular file is read (Kubernetes projects tokens as links), a FIFO is refused", "a token file that is a link", "followed (Kubernetes projects tokens as links); what it leads to must be a regular file"],
    ] as const
  ).map(([title, failure, behaviour]): SignInFailure => ({
    failure,
    behaviour,
    test: { file: "unit/config/capped-file.test.ts", title: ["token files (pod identity, OIDC) are read within 64 KiB whatever they are (issue 21, item 3)", title] },
  })),
  {
    failure: "a KooCLI profile that is a FIFO",
    behaviour: "SharedConfigError naming the path at once, instead of blocking until a writer comes",
    test: { file: "unit/config/capped-file.test.ts", title: ["the KooCLI profile is read within 1 MiB whatever it is (issue 21, item 3)", "a FIFO is refused at once, naming the path, instead of blocking until a writer comes"] },
  },
  {
    failure: "the plugin fails with an unusable KooCLI file, a project lookup or an unusable cache",
    behaviour: "each error class has its gRPC code (INVALID_ARGUMENT, NOT_FOUND or FAILED_PRECONDITION), so the engine knows nothing changed; only an error the package did not raise is UNKNOWN",
    test: { file: "unit/plugin/plugin-status.test.ts", title: ["the plugin's gRPC status of each error class (issue 21, item 10)", "the table covers every error class errors.ts exports"] },
  },
  {
    failure: "HTTP_PROXY set and NO_PROXY empty, a call to the emulator on loopback (its token or password)",
    behaviour: "loopback and link-local hosts (and localhost) never go through the proxy; other hosts still do",
    test: {
      file: "emulator/proxy.test.ts",
      title: ["loopback and link-local hosts never go through the proxy, even with NO_PROXY empty (issue 21, item 9)", "a CCE call to %s goes straight to it (control: a name goes through the proxy)"],
    },
  },
  {
    failure: "an endless answer from the metadata service",
    behaviour: "read through the client's own undici path (never the global fetch, which newer Node routes through proxies) with a streaming cap: cut at 64 KiB at once, the connection closed, a CredentialsError with the reason",
    test: { file: "unit/api/metadata-body-cap.test.ts", title: ["an endless securitykey answer is cut at 64 KiB at once, and the connection closed (issue 21, item 9)"] },
  },
  ...(
    [
      ["a CCE_KUBECONFIG_CACHE_DIR that is a link is refused, and the folder it leads to keeps its mode (control: the folder itself is taken)", "the exec cache folder is a link", "CredentialCacheError CCE_CACHE_UNUSABLE naming the folder and the setting; the folder it leads to is not changed (it was chmod-ed through the link)"],
      ["a relative folder is refused, naming the setting that chose it (control: an absolute one is taken)", "the exec cache folder is a relative path", "the same CredentialCacheError: keys never land in whatever folder kubectl runs in"],
      ["a folder of mode %s is refused and left as it is, not narrowed", "the exec cache folder is writable by its group or others", "the same CredentialCacheError, with the mode; the folder is not chmod-ed"],
      ["another user's folder is refused and left as it is", "the exec cache folder is another user's", "the same CredentialCacheError, with the owner's uid"],
      ["an entry that is a link is not read, even to a good entry (control: the entry it leads to is read)", "a cache entry is a link (to another identity's entry, say)", "opened with O_NOFOLLOW: read as absent, and replaced by the next mint"],
      ["an entry of another user, or that others can write, is not read", "a cache entry is another user's, or writable by others", "read as absent, and replaced by the next mint"],
    ] as const
  ).map(([title, failure, behaviour]): SignInFailure => ({ failure, behaviour, test: { file: "unit/exec/exec-cache.test.ts", title: [CACHE_DESCRIBE, title] } })),
  {
    failure: "temporary keys that rotate (an SSO profile, a security token)",
    behaviour: "each mint deletes the entry it supersedes and every expired entry: three rotations leave one private key, not three",
    test: { file: "emulator/exec-cache-cleanup.test.ts", title: ["the cache forgets what it no longer needs (issue 21, item 5)", "three rotations of temporary keys leave one private key, the last one's (control: a fixed key's entry stays beside it)"] },
  },
  {
    failure: "a job on a shared runner forges an ID token with another job's sub",
    behaviour: "the exec cache keys OIDC entries by a hash of the whole token, never its unverified sub: the forged token reaches no other entry, and its mint fails at IAM",
    test: {
      file: "unit/exec/exec-cache.test.ts",
      title: ["cache file names", "an OIDC identity is the whole ID token, never its unverified sub: a forged token with another job's sub does not reach its entry (issue 21, item 5)"],
    },
  },
  ...(
    [
      ["8 processes merging 5 contexts each into one file at once lose none of the 40, and leave no lock", "concurrent merges into one kubeconfig (two runs, or one and kubectl config set-*)", "each merge takes kubectl's own <file>.lock (O_EXCL, removed after): no entry is lost (before: about 30 of 40)"],
      ["a lock kubectl holds is waited for: the merge happens after it is removed, and keeps kubectl's change", "kubectl holds <file>.lock", "waited for (10 s at most), then merged into what kubectl left"],
      ["a lock that stays is reported, naming the lock file, and left in place with the kubeconfig unchanged", "a lock a killed kubectl left behind", "KubeconfigError naming the lock file to remove; never taken over, the kubeconfig unchanged"],
      ["the new file and its folder are fsynced, the file before the rename and the folder after", "a crash or power cut during the merge", "the new file is fsynced before the rename and the folder after: the kubeconfig is the old or the new, never empty"],
      ["an existing file keeps its owner and mode when another user (root) rewrites it (control: a new file is the writer's, 0600)", "root (sudo) merges into a user's kubeconfig", "the file keeps its owner, group and mode"],
    ] as const
  ).map(([title, failure, behaviour]): SignInFailure => ({ failure, behaviour, test: { file: "unit/exec/kubeconfig-file-lock.test.ts", title: ["merging into a kubeconfig loses nothing (issue 21, item 6)", title] } })),
  {
    failure: "the API server refuses a certificate the exec command minted minutes ago (a moved elastic IP, a wrong context)",
    behaviour: "KubeconfigError naming the server, the context and the cache file to delete; no new mint for 10 minutes (before: one a minute)",
    test: {
      file: "emulator/exec-probe-memory.test.ts",
      title: [
        "a server that refuses every certificate costs one mint, not one a minute (issue 21, item 7)",
        "a certificate minted 2 minutes ago that the server refuses fails naming the server, the context and the cache file, and mints nothing (control: 11 minutes after, one mint)",
      ],
    },
  },
  {
    failure: "the API server does not answer, and 20 kubectl calls start at once",
    behaviour: "one probe; its silence is remembered for a minute and the other 19 are served the cached certificate at once (before: each waited out its 5 s probe under the lock)",
    test: {
      file: "emulator/exec-probe-memory.test.ts",
      title: ["a server that refuses every certificate costs one mint, not one a minute (issue 21, item 7)", "an unreachable API server is probed once for 20 parallel calls, and each is served the cached certificate"],
    },
  },
  {
    failure: "in auto, CCE answers only the external context (no externalTLSVerify)",
    behaviour: "InvalidInputError naming --context external to accept the unverified connection; nothing cached",
    test: {
      file: "emulator/exec-probe-memory.test.ts",
      title: [
        "no silent skip of TLS verification (issue 21, item 8)",
        "in auto, an answer with only the external context is refused naming --context external, and nothing is cached (control: --context external is accepted)",
      ],
    },
  },
  {
    failure: "a cached certificate for a server that cannot be verified (an explicit external)",
    behaviour: "never probed (no rejectUnauthorized: false): the key is not shown to whoever answers",
    test: { file: "emulator/exec-probe-memory.test.ts", title: ["no silent skip of TLS verification (issue 21, item 8)", "the probe never connects to a server it cannot verify (control: a verified target is connected to)"] },
  },
];

/** The "Hardening" table of docs/reliability.md. */
export function hardeningTable(): string {
  const rows = HARDENING_FAILURES.map(
    (row) => `| ${markdownCell(row.failure)} | ${markdownCell(row.behaviour)} | \`${row.test.file}\` › ${markdownCell(row.test.title.join(" › "))} |`,
  );
  return ["| Failure | What the package does | Test that proves it |", "|---|---|---|", ...rows].join("\n");
}
