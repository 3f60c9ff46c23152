/**
 * Bounded memory and honest timeouts under load (issue #9, section 3), against the real emulator:
 * the client reads at most MAX_RESPONSE_BYTES of an answer, and an attempt's timeout starts when
 * it is written to a connection, so a call that waited for one of the shared agent's connections
 * is never aborted after it was sent, then retried (a second certificate minted for one call).
 */
import { request } from "undici";
import { MAX_CONNECTIONS_PER_ORIGIN, MAX_RESPONSE_BYTES } from "../../src/api/client";
import type { Emulator } from "../../src/emulator";
import { CceApiError } from "../../src/errors";
import { clientOf, DEFAULT_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";

const MB = 1024 * 1024;
jest.setTimeout(120_000);

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
});

const rss = () => process.memoryUsage().rss;

/** The emulator records a request when its answer ends: a streamed one ends when the client hangs up. */
async function settled(count: number): Promise<void> {
  const until = Date.now() + 10_000;
  while (emulator.requests.length < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("response size", () => {
  // Found by issue #9: a 128 MiB body grew the client's RSS by 118 MiB before validation refused it.
  test("a 300 MiB answer is cut at the limit: the call fails naming it, mints are not retried, and RSS stays flat", async () => {
    emulator.injectFault({ path: "/clustercert", status: 200, bodyBytes: 300 * MB });
    const before = rss();
    const error = await clientOf(emulator)
      .createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const grown = rss() - before;
    expect(error).toBeInstanceOf(CceApiError);
    expect(error).toMatchObject({
      code: "CCE_INVALID_RESPONSE",
      status: 200,
      attempts: 1,
      issues: [{ path: "(body)", message: `is larger than ${MAX_RESPONSE_BYTES} bytes` }],
    });
    expect((error as Error).message).toContain(`with a body larger than ${MAX_RESPONSE_BYTES} bytes; reading stopped`);
    await settled(1);
    expect(emulator.requests.map((r) => r.status)).toEqual([200]);
    console.log(`bounded: RSS grew ${(grown / MB).toFixed(1)} MiB reading a 300 MiB answer`);
    expect(grown).toBeLessThan(20 * MB);
  });

  test("control: reading a 64 MiB answer whole does grow RSS past the bound, so the measurement can fail", async () => {
    emulator.injectFault({ path: "/control", status: 200, bodyBytes: 64 * MB });
    const before = rss();
    const res = await request(`${emulator.url}/control`);
    const text = await res.body.text();
    const grown = rss() - before;
    expect(text.length).toBe(64 * MB);
    expect(grown).toBeGreaterThan(20 * MB);
  });

  test("a real answer just under the limit passes", async () => {
    // A genuine answer, then padded with cluster entries up to a few kilobytes short of the limit.
    const issued = await clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
    const config = structuredClone(issued.config);
    const entry = config.clusters[0]!;
    let size = JSON.stringify(config).length;
    let count = 0;
    for (;;) {
      const padding = { ...entry, name: `padding-${count}` };
      const added = JSON.stringify(padding).length + 1;
      if (size + added > MAX_RESPONSE_BYTES - 8 * 1024) break;
      config.clusters.push(padding);
      size += added;
      count += 1;
    }
    const body = JSON.stringify(config);
    expect(body.length).toBeGreaterThan(MAX_RESPONSE_BYTES - 16 * 1024);
    expect(body.length).toBeLessThan(MAX_RESPONSE_BYTES);
    emulator.injectFault({ path: "/clustercert", status: 200, body });
    const near = await clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
    expect(near.config.clusters).toHaveLength(count + 1);
  });

  test("an endless 502 error page is cut too, and the call is retried and recovers", async () => {
    emulator.injectFault({ path: "/clustercert", status: 502, bodyBytes: 100 * MB, body: "<html>" });
    await expect(clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 })).resolves.toBeDefined();
    expect(emulator.requests.map((r) => r.status)).toEqual([502, 200]);
  });
});

describe("time queued for a connection is not the attempt's time", () => {
  const CALLS = 300;
  const SERVER_MS = 200;

  async function concurrentMints(timeoutMs: number) {
    emulator.injectFault({ path: "/clustercert", delayMs: SERVER_MS, times: Infinity });
    const client = clientOf(emulator, { timeoutMs, retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 50 } });
    const before = emulator.mintCount();
    const results = await Promise.allSettled(
      Array.from({ length: CALLS }, () => client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 })),
    );
    // Abandoned attempts finish on the server after their calls: wait for the last of them.
    await new Promise((resolve) => setTimeout(resolve, SERVER_MS * 3));
    return { fulfilled: results.filter((r) => r.status === "fulfilled").length, minted: emulator.mintCount() - before };
  }

  // Found by issue #9: 300 concurrent mints, a 200 ms server and a 2 s timeout minted 341
  // certificates: calls queued behind the agent's connections timed out after being sent.
  test(`${CALLS} concurrent mints over ${MAX_CONNECTIONS_PER_ORIGIN} connections, ${SERVER_MS} ms each, timeoutMs 2 s: exactly one certificate per call`, async () => {
    // Queued the longest: about CALLS / connections × SERVER_MS = 3.75 s, well past the 2 s timeout.
    expect((CALLS / MAX_CONNECTIONS_PER_ORIGIN) * SERVER_MS).toBeGreaterThan(2_000);
    const run = await concurrentMints(2_000);
    expect(run).toEqual({ fulfilled: CALLS, minted: CALLS });
  });

  test("control: a timeout shorter than the server's time does mint more certificates than calls, so the count can fail", async () => {
    const run = await concurrentMints(SERVER_MS / 2);
    expect(run.minted).toBeGreaterThan(run.fulfilled);
  });
});
