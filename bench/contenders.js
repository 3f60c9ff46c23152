#!/usr/bin/env node
// @ts-check
/**
 * Issue 9, section 1: the floor (bare undici, signed once), ours (the client, and the provider's
 * create path) and the official SDK, on the same emulator endpoint, in one run. The emulator runs
 * in a child process serving a pre-issued certificate (see lib/emulator-child.js), so this
 * process's CPU is the client's alone, and the emulator's own share is read from its process.
 *
 * Sequential latency: after a warm-up, BENCH_ROUNDS rounds; in each, every contender makes
 * BENCH_CALLS calls in turn, the order rotated each round; p50 and p99 are per round, and the
 * median round is reported. Throughput: the same rotation at 1, 8 and 64 calls in flight. Cold
 * start: BENCH_COLD fresh processes per contender, interleaved. RSS: one fresh process per
 * contender making BENCH_RSS_CALLS calls. Nothing here asserts a time.
 *
 * Run alone: node bench/contenders.js (after npm run build); `npm run bench` runs it with the rest.
 */
const { WARM, COLD } = require("./contenders/index");
const { startEmulatorProcess } = require("./lib/emulator-process");
const { sequential, throughput, rotate } = require("./lib/measure");
const { runChild } = require("./lib/child");
const { quantile, median } = require("./lib/stats");
const { attribution } = require("./attribution");

const env = (/** @type {string} */ name, /** @type {number} */ fallback) => Number(process.env[name] ?? fallback);

const say = (/** @type {string} */ line) => process.stderr.write(`bench contenders: ${line}\n`);

async function runContenders() {
  const settings = {
    calls: env("BENCH_CALLS", 2000),
    rounds: env("BENCH_ROUNDS", 3),
    throughputCalls: env("BENCH_THROUGHPUT_CALLS", 2000),
    concurrency: [1, 8, 64],
    coldProcesses: env("BENCH_COLD", 20),
    rssCalls: env("BENCH_RSS_CALLS", 10_000),
    warmup: env("BENCH_WARMUP", 300),
  };
  const emulator = await startEmulatorProcess({ preissued: process.env["BENCH_PREISSUED"] !== "0" });
  say(`emulator at ${emulator.url}, certificates pre-issued: ${emulator.preissued}`);
  const target = { url: emulator.url, credentials: emulator.credentials, projectId: emulator.projectId, clusterId: emulator.clusterId, preissued: emulator.preissued };
  try {
    const made = [];
    for (const contender of WARM) made.push({ contender, made: await contender.make(contender.load(), target) });

    say(`warm-up: ${settings.warmup} calls each`);
    for (const { made: m } of made) for (let i = 0; i < settings.warmup; i++) await m.call();

    /** @type {Record<string, {p50: number[], p99: number[], mean: number[], clientCpuUs: number[], emulatorCpuUs: number[], throughput: Record<number, number[]>, throughputClientCpuUs: Record<number, number[]>, throughputEmulatorCpuUs: Record<number, number[]>}>} */
    const raw = Object.fromEntries(WARM.map((c) => [c.name, { p50: [], p99: [], mean: [], clientCpuUs: [], emulatorCpuUs: [], throughput: {}, throughputClientCpuUs: {}, throughputEmulatorCpuUs: {} }]));
    for (let round = 0; round < settings.rounds; round++) {
      say(`latency round ${round + 1}/${settings.rounds}: ${settings.calls} sequential calls each`);
      for (const { contender, made: m } of rotate(made, round)) {
        const r = await sequential(m, settings.calls, emulator);
        const row = raw[contender.name];
        if (!row) continue;
        row.p50.push(quantile(r.latencies, 0.5));
        row.p99.push(quantile(r.latencies, 0.99));
        row.mean.push(r.latencies.reduce((a, b) => a + b, 0) / r.latencies.length);
        row.clientCpuUs.push(r.clientCpuUs);
        row.emulatorCpuUs.push(r.emulatorCpuUs);
      }
    }
    for (const c of settings.concurrency) {
      for (let round = 0; round < settings.rounds; round++) {
        say(`throughput at concurrency ${c}, round ${round + 1}/${settings.rounds}: ${settings.throughputCalls} calls each`);
        for (const { contender, made: m } of rotate(made, round)) {
          const row = raw[contender.name];
          if (!row) continue;
          const t = await throughput(m, settings.throughputCalls, c, emulator);
          (row.throughput[c] ??= []).push(t.perSecond);
          (row.throughputClientCpuUs[c] ??= []).push(t.clientCpuUs);
          (row.throughputEmulatorCpuUs[c] ??= []).push(t.emulatorCpuUs);
        }
      }
    }
    const mintsBeforeCold = await emulator.mints();
    for (const { made: m } of made) await m.close();

    const latency = Object.fromEntries(
      Object.entries(raw).map(([name, r]) => [
        name,
        {
          p50: median(r.p50),
          p99: median(r.p99),
          mean: median(r.mean),
          clientCpuUs: median(r.clientCpuUs),
          emulatorCpuUs: median(r.emulatorCpuUs),
          throughput: Object.fromEntries(Object.entries(r.throughput).map(([c, xs]) => [c, median(xs)])),
          throughputClientCpuUs: Object.fromEntries(Object.entries(r.throughputClientCpuUs).map(([c, xs]) => [c, median(xs)])),
          throughputEmulatorCpuUs: Object.fromEntries(Object.entries(r.throughputEmulatorCpuUs).map(([c, xs]) => [c, median(xs)])),
          rounds: r,
        },
      ]),
    );

    const ladder = await attribution(target, emulator, settings);

    const childEnv = { ...process.env, BENCH_TARGET: JSON.stringify(target) };
    const cold = COLD.filter((c) => !("available" in c) || /** @type {() => boolean} */ (c.available)());
    /** @type {Record<string, {importMs: number[], firstCallMs: number[], bootMs: number[], wallMs: number[]}>} */
    const coldRaw = Object.fromEntries(cold.map((c) => [c.name, { importMs: [], firstCallMs: [], bootMs: [], wallMs: [] }]));
    say(`cold start: ${settings.coldProcesses} fresh processes each for ${cold.map((c) => c.name).join(", ")}`);
    for (let i = 0; i < settings.coldProcesses; i++) {
      for (const contender of rotate(cold, i)) {
        const { result, wallMs } = await runChild(["cold-start-child.js", contender.name], childEnv);
        const row = coldRaw[contender.name];
        if (!row) continue;
        row.importMs.push(result.importMs);
        row.firstCallMs.push(result.firstCallMs);
        row.bootMs.push(result.bootMs);
        row.wallMs.push(wallMs);
      }
    }
    const coldStart = Object.fromEntries(
      Object.entries(coldRaw).map(([name, r]) => [
        name,
        { importMs: median(r.importMs), firstCallMs: median(r.firstCallMs), bootMs: median(r.bootMs), wallMs: median(r.wallMs), processes: r.importMs.length },
      ]),
    );
    for (const c of COLD) if (!(c.name in coldStart)) say(`cold start: ${c.name} skipped, dist/ has no such module yet`);

    /** @type {Record<string, any>} */
    const rss = {};
    for (const contender of WARM) {
      say(`RSS: ${contender.name}, ${settings.rssCalls} calls in a fresh process`);
      const { result } = await runChild(["--expose-gc", "rss-child.js", contender.name, String(settings.rssCalls)], childEnv);
      rss[contender.name] = { ...result, growthMb: result.rssAfterMb - result.rssBeforeMb };
    }

    return {
      settings,
      preissued: emulator.preissued,
      labels: Object.fromEntries([...WARM, ...COLD].map((c) => [c.name, c.label])),
      latency,
      ladder,
      coldStart,
      rss,
      emulatorMints: mintsBeforeCold,
    };
  } finally {
    await emulator.stop();
  }
}

module.exports = { runContenders };

if (require.main === module) {
  runContenders().then(
    (result) => process.stdout.write(`${JSON.stringify(result, (_k, v) => (v instanceof Float64Array ? undefined : v), 2)}\n`),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
