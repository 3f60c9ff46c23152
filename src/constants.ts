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
