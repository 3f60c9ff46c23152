/**
 * Facts that more than one module relies on, product and emulator alike, each defined once.
 * Where a number comes from the API, its comment says which documented rule it is.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** CCE refuses an `expire_at` less than 15 minutes ahead ("Obtaining a Cluster Certificate"). */
export const MIN_EXPIRE_AHEAD_MS = 15 * MINUTE_MS;

/**
 * The server's limit on `duration` on Huawei Cloud: 1 to 1827 days (five years with their leap
 * days). The emulator enforces it, as CCE does.
 */
export const HUAWEI_MAX_DURATION_DAYS = 1827;

/**
 * The client's own bound on `duration`, looser than Huawei's: Open Telekom Cloud documents up to
 * 10,950 days (30 years), and the server is the arbiter. This only refuses absurd values.
 */
export const CLIENT_MAX_DURATION_DAYS = 10_950;

/** The API gateway refuses an `X-Sdk-Date` more than 15 minutes from its own clock. */
export const MAX_CLOCK_SKEW_MS = 15 * MINUTE_MS;

/**
 * A project or cluster id as it may appear in a request path: a CCE cluster id is a UUID and a
 * project id 32 hex characters; this admits both, and nothing that could change the path.
 */
export const CCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** The API error codes this package acts on or answers with (docs/cce-api.md, "Errors"). */
export const API_ERROR_CODES = {
  invalidRequest: "CCE.01400001",
  unauthorized: "CCE.01401001",
  forbidden: "CCE.01403001",
  /** The project or cluster does not exist. */
  notFound: "CCE.01404001",
  conflict: "CCE.01409001",
  throttled: "CCE.01429002",
  internal: "CCE.01500001",
  /** The API gateway refused the AK/SK signature or token. */
  gatewayUnauthorized: "APIGW.0301",
} as const;
