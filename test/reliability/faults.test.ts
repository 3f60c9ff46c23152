/**
 * Every fault of failure-modes.ts against the real emulator: transient faults recover within the
 * retry budget, permanent ones fail fast with the status, API code and request id in the message,
 * and every call, failing or not, ends within a bound computed from the client's options.
 */
import type { Emulator } from "../../src/emulator";
import type { CceClientOptions } from "../../src/api/client";
import { EMPTY_CONFIG, resolveCredentials } from "../../src/config/settings";
import { CceApiError, CceKubeconfigError } from "../../src/errors";
import { clientOf, DEFAULT_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { BASE_RETRY, BASE_TIMEOUT_MS, FAILURE_MODES, type FailureMode } from "./failure-modes";

const AK = "AKRELIABILITYFAULT00";
const SK = "SKreliability-fault-secret-key-000000000";
/** Headroom for a loaded 2-core machine running other suites: generous, but a hang still fails. */
const SLACK_MS = 1_500;

let emulator: Emulator;
let serverClockSkewMs = 0;

beforeAll(async () => {
  emulator = await startTestEmulator({
    credentials: [{ accessKey: AK, secretKey: SK }],
    now: () => new Date(Date.now() + serverClockSkewMs),
  });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
  serverClockSkewMs = 0;
});

function optionsFor(mode: FailureMode): Partial<CceClientOptions> & { timeoutMs: number } {
  const options: Partial<CceClientOptions> & { timeoutMs: number } = {
    timeoutMs: mode.setup.timeoutMs ?? BASE_TIMEOUT_MS,
    retry: BASE_RETRY,
  };
  if (mode.setup.credentials === "wrong-secret-key") options.credentials = { kind: "aksk", accessKey: AK, secretKey: `${SK}-wrong` };
  if (mode.setup.credentials === "none") options.credentials = () => resolveCredentials(EMPTY_CONFIG, {});
  if (mode.setup.unknown === "project") options.projectId = "ffffffffffffffffffffffffffffffff";
  return options;
}

/**
 * The longest a call may take: each attempt bounded by timeoutMs, each wait by the backoff ceiling
 * (or the Retry-After asked), and the whole call by totalBudgetMs; plus SLACK_MS.
 */
function callBoundMs(attempts: number, timeoutMs: number, retryAfterMs = 0): number {
  let waits = retryAfterMs;
  for (let retry = 0; retry < attempts - 1; retry++) waits += Math.min(BASE_RETRY.maxDelayMs, BASE_RETRY.baseDelayMs * 2 ** retry);
  return Math.min(Math.max(attempts, 1) * timeoutMs + waits, BASE_RETRY.totalBudgetMs) + SLACK_MS;
}

/** Waits until the emulator has recorded `count` requests: abandoned attempts finish after the call. */
async function requestsSettle(count: number, withinMs = 5_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (emulator.requests.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50)); // and nothing beyond
}

const title = (mode: FailureMode) => `${mode.fault}: ${mode.behaviour}`;

describe("faults injected into the emulator", () => {
  // A row with `knownBug` fails until src is fixed; its BUG comment in failure-modes.ts says why.
  test.each(FAILURE_MODES.map((mode) => [title(mode), mode] as const))("%s", async (_title, mode) => {
    serverClockSkewMs = mode.setup.serverClockSkewMs ?? 0;
    for (const fault of mode.setup.faults?.() ?? []) emulator.injectFault(fault);
    const options = optionsFor(mode);
    const clusterId = mode.setup.unknown === "cluster" ? "00000000-0000-4000-8000-00000000dead" : DEFAULT_CLUSTER_ID;
    const mintsBefore = emulator.mintCount();

    const started = Date.now();
    const outcome = await clientOf(emulator, options)
      .createClusterCertificate(clusterId, { duration: 30 })
      .then(
        (issued) => ({ issued, error: undefined }),
        (error: unknown) => ({ issued: undefined, error }),
      );
    const elapsed = Date.now() - started;

    const expected = mode.expected;
    if (expected.outcome === "recovers") {
      expect(outcome.error).toBeUndefined();
      expect(outcome.issued?.config.users).toHaveLength(1);
      expect(elapsed).toBeGreaterThanOrEqual(expected.minElapsedMs ?? 0);
      expect(elapsed).toBeLessThan(callBoundMs(expected.statuses.length, options.timeoutMs, expected.minElapsedMs ?? 0));
      await requestsSettle(expected.statuses.length);
      expect(emulator.requests.map((r) => r.status)).toEqual(expected.statuses);
      expect(emulator.mintCount() - mintsBefore).toBe(expected.mints);
      return;
    }

    const error = outcome.error as CceApiError;
    expect(outcome.issued).toBeUndefined();
    expect(error).toBeInstanceOf(CceKubeconfigError);
    expect(error.code).toBe(expected.code);
    expect(elapsed).toBeLessThan(callBoundMs(expected.attempts, options.timeoutMs));
    for (const part of expected.message) expect(error.message).toContain(part);
    if (expected.code !== "CCE_NO_CREDENTIALS") {
      expect(error).toBeInstanceOf(CceApiError);
      expect(error.attempts).toBe(expected.attempts);
      expect(error.status).toBe(expected.status);
    }
    if (expected.status !== undefined && expected.status >= 400) {
      // Permanent answers and exhausted retries name the status, the API code and the request id.
      expect(error.message).toContain(`HTTP ${expected.status} ${expected.apiCode}`);
      expect(error.apiCode).toBe(expected.apiCode);
    }
    if (expected.requestId === "server") expect(error.requestId).toMatch(/^[0-9a-f]{32}$/);
    else if (expected.requestId !== undefined) expect(error.requestId).toBe(expected.requestId);
    if (expected.requestId !== undefined) expect(error.message).toContain(`request id ${error.requestId}`);
    if (expected.issues) expect([...new Set(error.issues?.map((i) => i.path))]).toEqual(expected.issues);

    await requestsSettle(expected.attempts);
    expect(emulator.requests).toHaveLength(expected.attempts);
    expect(emulator.mintCount() - mintsBefore).toBe(expected.mints ?? 0);
  });
});

test("the call bound is derived from the options: 4 attempts of 2 s and waits of 10+20+40 ms, capped by the 5 s budget", () => {
  expect(callBoundMs(1, 2_000)).toBe(2_000 + SLACK_MS);
  expect(callBoundMs(2, 300)).toBe(600 + 10 + SLACK_MS);
  expect(callBoundMs(4, 200)).toBe(800 + 70 + SLACK_MS);
  expect(callBoundMs(4, 2_000)).toBe(5_000 + SLACK_MS);
});

test("a 4xx other than 429 is never retried, whatever the retry options allow", async () => {
  for (const status of [400, 401, 403, 404, 409, 422]) {
    emulator.clearRequests();
    emulator.injectFault({ status });
    const client = clientOf(emulator, { retry: { maxRetries: 10, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 })).rejects.toMatchObject({ status, attempts: 1 });
    expect(emulator.requests).toHaveLength(1);
  }
});
