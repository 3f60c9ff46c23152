/**
 * Every fault of failure-modes.ts against the real emulator: transient faults recover within the
 * retry budget, permanent ones fail fast with the status, API code and request id in the message.
 * The client's clock, waits and jitter are injected, so each row asserts the exact waits between
 * attempts (no timing slack), while requests and timeouts run for real.
 */
import type { Emulator } from "../../src/emulator";
import { callContext, type CceClientOptions } from "../../src/api/client";
import { EMPTY_CONFIG } from "../../src/config/settings";
import { resolveAuthSettings } from "../../src/credentials";
import { credentialSource } from "../../src/credentials";
import { CceApiError, CceKubeconfigError } from "../../src/errors";
import { clientOf, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { BACKOFF_WAITS, BASE_RETRY, BASE_TIMEOUT_MS, FAILURE_MODES, FIXED_RANDOM, type FailureMode } from "./failure-modes";

const AK = "AKRELIABILITYFAULT00";
const SK = "SKreliability-fault-secret-key-000000000";

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

/**
 * The client's time: the real time at the start of a row, rounded up to a whole second (an HTTP-date
 * Retry-After counts whole seconds), then advanced only by the client's own waits, which are
 * recorded instead of slept.
 */
function virtualTime() {
  const start = Math.ceil(Date.now() / 1000) * 1000;
  const waits: number[] = [];
  const clock = () => new Date(start + waits.reduce((sum, w) => sum + w, 0));
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  return { waits, clock, sleep };
}

function optionsFor(mode: FailureMode, time: ReturnType<typeof virtualTime>): Partial<CceClientOptions> {
  const options: Partial<CceClientOptions> = {
    timeoutMs: mode.setup.timeoutMs ?? BASE_TIMEOUT_MS,
    retry: BASE_RETRY,
    clock: time.clock,
    sleep: time.sleep,
    random: () => FIXED_RANDOM,
  };
  if (mode.setup.credentials === "wrong-secret-key") options.credentials = { kind: "aksk", accessKey: AK, secretKey: `${SK}-wrong` };
  if (mode.setup.credentials === "none") {
    // The provider's path: the settings chain read when the call is made.
    // Nothing configured ends at the ECS metadata service: on loopback, a closed port (tests never reach 169.254.169.254).
    options.credentials = credentialSource(() => resolveAuthSettings(EMPTY_CONFIG, { HW_ECS_METADATA_URL: "http://127.0.0.1:9" }), {
      project: { id: DEFAULT_PROJECT_ID },
      authUrl: () => `${emulator.url}/v3`,
      context: callContext(options),
    });
  }
  if (mode.setup.unknown === "project") options.projectId = "ffffffffffffffffffffffffffffffff";
  return options;
}

/** Waits until the emulator has recorded `count` requests: abandoned attempts finish after the call. */
async function requestsSettle(count: number, withinMs = 5_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (emulator.requests.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50)); // and nothing beyond
}

/** Polls `done` for up to 5 s: an abandoned attempt's server-side work finishes after its delay. */
async function waitFor(done: () => boolean, withinMs = 5_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

const title = (mode: FailureMode) => `${mode.fault}: ${mode.behaviour}`;

describe("faults injected into the emulator", () => {
  // A row with `knownBug` fails until src is fixed; its BUG comment in failure-modes.ts says why.
  test.each(FAILURE_MODES.map((mode) => [title(mode), mode] as const))("%s", async (_title, mode) => {
    serverClockSkewMs = mode.setup.serverClockSkewMs ?? 0;
    const time = virtualTime();
    for (const fault of mode.setup.faults?.(time.clock()) ?? []) emulator.injectFault(fault);
    const options = optionsFor(mode, time);
    const clusterId = mode.setup.unknown === "cluster" ? "00000000-0000-4000-8000-00000000dead" : DEFAULT_CLUSTER_ID;
    const mintsBefore = emulator.mintCount();
    const revokesBefore = emulator.revokeCount();

    const client = clientOf(emulator, options);
    const call = mode.setup.call === "revoke" ? client.revokeCertificates(clusterId, { userId: "0123456789abcdef0123456789abcdef" }) : client.createClusterCertificate(clusterId, { duration: 30 });
    const outcome = await call.then(
      (issued) => ({ issued, error: undefined }),
      (error: unknown) => ({ issued: undefined, error }),
    );

    const expected = mode.expected;
    expect(time.waits).toEqual(expected.waits);
    if (expected.outcome === "recovers") {
      expect(outcome.error).toBeUndefined();
      if (mode.setup.call !== "revoke") expect((outcome.issued as { config: { users: unknown[] } }).config.users).toHaveLength(1);
      await requestsSettle(expected.statuses.length);
      expect(emulator.requests.map((r) => r.status)).toEqual(expected.statuses);
      expect(emulator.mintCount() - mintsBefore).toBe(expected.mints);
      expect(emulator.revokeCount() - revokesBefore).toBe(expected.revokes ?? 0);
      return;
    }

    const error = outcome.error as CceApiError;
    expect(outcome.issued).toBeUndefined();
    expect(error).toBeInstanceOf(CceKubeconfigError);
    expect(error.code).toBe(expected.code);
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
    if (mode.setup.call === "revoke") await waitFor(() => emulator.revokeCount() - revokesBefore >= (expected.revokes ?? 0));
    expect(emulator.revokeCount() - revokesBefore).toBe(expected.revokes ?? 0);
  });
});

test("the table's backoff waits are the retry options' ceilings (10, 20, 40 ms) times the fixed jitter", () => {
  const ceilings = [0, 1, 2].map((retry) => Math.min(BASE_RETRY.maxDelayMs, BASE_RETRY.baseDelayMs * 2 ** retry));
  expect(ceilings).toEqual([10, 20, 40]);
  expect(ceilings.map((c) => Math.floor(c * FIXED_RANDOM))).toEqual([...BACKOFF_WAITS]);
});

test("a client with the real clock really waits: Retry-After 1 s takes at least a second", async () => {
  emulator.injectFault({ path: "/clustercert", status: 429, headers: { "Retry-After": "1" } });
  const started = Date.now();
  await clientOf(emulator, { retry: BASE_RETRY }).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  expect(emulator.requests.map((r) => r.status)).toEqual([429, 200]);
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
