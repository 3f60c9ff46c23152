// @ts-check
/**
 * Measuring loops shared by the contenders and the attribution ladder: sequential latencies with
 * the CPU of both processes (this one, the client; the emulator's, read over IPC), and throughput
 * at a fixed number of calls in flight.
 */

/**
 * @typedef {object} Made
 * @property {() => Promise<void>} call
 * @property {() => void} [prepare]
 * @property {() => Promise<void>} close
 */

/**
 * Starts counting the CPU of this process (the client) and of the emulator's; `perCall(n)` reads
 * both and divides by the calls made since.
 * @param {{cpu(): Promise<{user: number, system: number}>}} emulator
 */
async function cpuMeter(emulator) {
  const serverBefore = await emulator.cpu();
  const clientBefore = process.cpuUsage();
  return {
    perCall: async (/** @type {number} */ n) => {
      const client = process.cpuUsage(clientBefore);
      const serverAfter = await emulator.cpu();
      return {
        clientCpuUs: (client.user + client.system) / n,
        emulatorCpuUs: (serverAfter.user + serverAfter.system - serverBefore.user - serverBefore.system) / n,
      };
    },
  };
}

/**
 * `n` sequential calls. Returns per-call latencies (ms) and CPU per call (µs) of the client process
 * and of the emulator process.
 * @param {Made} made
 * @param {number} n
 * @param {{cpu(): Promise<{user: number, system: number}>}} emulator
 */
async function sequential(made, n, emulator) {
  made.prepare?.();
  const latencies = new Float64Array(n);
  const cpu = await cpuMeter(emulator);
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await made.call();
    latencies[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return { latencies, ...(await cpu.perCall(n)) };
}

/**
 * `total` calls with `concurrency` of them in flight at any time: calls per second, and CPU per
 * call (µs) of this process and of the emulator's, which tell whether a side is CPU-bound.
 * @param {Made} made
 * @param {number} total
 * @param {number} concurrency
 * @param {{cpu(): Promise<{user: number, system: number}>}} emulator
 */
async function throughput(made, total, concurrency, emulator) {
  made.prepare?.();
  const cpu = await cpuMeter(emulator);
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await made.call();
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const perSecond = total / (Number(process.hrtime.bigint() - start) / 1e9);
  return { perSecond, ...(await cpu.perCall(total)) };
}

/** `items` rotated by `k`, so that no contender always runs first (or right after another) in a round. */
const rotate = (/** @type {any[]} */ items, /** @type {number} */ k) => items.map((_, i) => items[(i + k) % items.length]);

module.exports = { sequential, throughput, rotate };
