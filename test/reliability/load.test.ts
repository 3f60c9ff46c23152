/**
 * Load: 200 concurrent creates over reused connections, and a heap that returns to its start
 * after 5,000 calls. The heap is measured in this jest worker after forcing garbage collection
 * (`--expose_gc` set at run time through v8.setFlagsFromString; `gc` read from a new context).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { MAX_CONNECTIONS_PER_ORIGIN } from "../../src/api/client";
import type { Emulator } from "../../src/emulator";
import { clientOf, DEFAULT_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";

const CONCURRENT_CREATES = 200;
const OPERATIONS = 5_000;
const BATCH = 50;
const MB = 1024 * 1024;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());

/** Forces full collections until the heap stops shrinking, and returns what is left. */
async function settledHeapUsed(): Promise<number> {
  setFlagsFromString("--expose_gc");
  const gc = runInNewContext("gc") as () => void;
  let last = Infinity;
  for (let i = 0; i < 10; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    const used = process.memoryUsage().heapUsed;
    if (used >= last - 64 * 1024) return used;
    last = used;
  }
  return last;
}

async function concurrentCreates(client: ReturnType<typeof clientOf>) {
  const socketsBefore = emulator.socketCount();
  const mintsBefore = emulator.mintCount();
  const started = Date.now();
  const results = await Promise.allSettled(
    Array.from({ length: CONCURRENT_CREATES }, () => client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 30 })),
  );
  return {
    rejected: results.filter((r) => r.status === "rejected"),
    minted: emulator.mintCount() - mintsBefore,
    sockets: emulator.socketCount() - socketsBefore,
    elapsed: Date.now() - started,
  };
}

// Found by this test: the shared agent had no per-origin cap, so 200 concurrent calls opened 200
// connections and reused none within the burst (fixed in 75c14b0: MAX_CONNECTIONS_PER_ORIGIN).
test(`200 concurrent creates with the default client complete without error over at most ${MAX_CONNECTIONS_PER_ORIGIN} connections`, async () => {
  const run = await concurrentCreates(clientOf(emulator));
  console.log(`load: ${CONCURRENT_CREATES} concurrent creates, default dispatcher: ${run.sockets} sockets, ${run.elapsed} ms`);
  expect(run.rejected).toEqual([]);
  expect(run.minted).toBe(CONCURRENT_CREATES);
  expect(run.elapsed).toBeLessThan(30_000);
  expect(run.sockets).toBeGreaterThan(0);
  expect(run.sockets).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_ORIGIN);
});

test("a second burst of 200 creates right after the first opens no new connection", async () => {
  const run = await concurrentCreates(clientOf(emulator));
  console.log(`load: second burst of ${CONCURRENT_CREATES} creates: ${run.sockets} new sockets, ${run.elapsed} ms`);
  expect(run.rejected).toEqual([]);
  expect(run.minted).toBe(CONCURRENT_CREATES);
  expect(run.sockets).toBe(0);
});

test("after 5,000 calls in batches of 50 the heap is back within 20 MB of its start, over reused connections", async () => {
  const client = clientOf(emulator);
  const batch = () => Promise.all(Array.from({ length: BATCH }, () => client.getCluster(DEFAULT_CLUSTER_ID)));
  await batch(); // warm up: connections, JIT, lazily loaded modules
  emulator.clearRequests();
  const heapBefore = await settledHeapUsed();
  const socketsBefore = emulator.socketCount();
  const started = Date.now();
  for (let done = 0; done < OPERATIONS; done += BATCH) {
    const shown = await batch();
    expect(shown).toHaveLength(BATCH);
    // The emulator's request log is the test's, not the package's: keep it from growing.
    emulator.clearRequests();
  }
  const elapsed = Date.now() - started;
  const heapAfter = await settledHeapUsed();
  const sockets = emulator.socketCount() - socketsBefore;
  const delta = (heapAfter - heapBefore) / MB;
  console.log(
    `load: ${OPERATIONS} getCluster calls in ${elapsed} ms over ${sockets} new sockets; heap ${(heapBefore / MB).toFixed(1)} MB -> ${(heapAfter / MB).toFixed(1)} MB (delta ${delta.toFixed(2)} MB)`,
  );
  expect(Math.abs(delta)).toBeLessThan(20);
  expect(sockets).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_ORIGIN);
  expect(elapsed).toBeLessThan(45_000);
}, 60_000);
