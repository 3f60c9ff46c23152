#!/usr/bin/env node
// @ts-check
/**
 * RSS growth of one contender over many calls, in a fresh process run with --expose-gc:
 * `node --expose-gc rss-child.js <contender> <calls> [warm-up calls]`; target in BENCH_TARGET. A
 * warm-up first, so code, pools, caches and V8's young generation (which grows to its maximum
 * under steady allocation, in every contender alike) are in place; a full GC before each reading,
 * so what remains is retained. Live timers (AbortSignal.timeout keeps each one for its whole
 * timeout) count, as they do in a real process.
 * Prints one JSON line: {rssBeforeMb, rssAfterMb, heapBeforeMb, heapAfterMb, peakRssMb}.
 */
const { BY_NAME } = require("../contenders/index");

const MB = 1024 * 1024;

async function main() {
  const contender = BY_NAME[process.argv[2] ?? ""];
  if (!contender) throw new Error(`unknown contender ${process.argv[2]}`);
  const calls = Number(process.argv[3] ?? 10_000);
  const gc = /** @type {() => void} */ (globalThis.gc);
  if (typeof gc !== "function") throw new Error("run with --expose-gc");
  const made = await contender.make(contender.load(), JSON.parse(process.env["BENCH_TARGET"] ?? "{}"));
  const warmup = Number(process.argv[4] ?? 2000);
  for (let i = 0; i < warmup; i++) await made.call();
  gc();
  const before = process.memoryUsage();
  let peak = before.rss;
  for (let i = 0; i < calls; i++) {
    await made.call();
    if (i % 500 === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
  gc();
  const after = process.memoryUsage();
  await made.close();
  process.stdout.write(
    `${JSON.stringify({ rssBeforeMb: before.rss / MB, rssAfterMb: after.rss / MB, heapBeforeMb: before.heapUsed / MB, heapAfterMb: after.heapUsed / MB, heapTotalBeforeMb: before.heapTotal / MB, heapTotalAfterMb: after.heapTotal / MB, externalAfterMb: after.external / MB, peakRssMb: Math.max(peak, after.rss) / MB, warmup })}\n`,
  );
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`rss: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
