#!/usr/bin/env node
// @ts-check
/**
 * The profiled process: `node --cpu-prof bench/profile/driver.js <contender> <calls>` makes the
 * contender (bench/contenders), warms it up, then makes <calls> sequential calls. The target comes
 * in BENCH_TARGET (see profile/run.js). Prints {calls, ms} as one JSON line.
 */
const { BY_NAME } = require("../contenders/index");

async function main() {
  const contender = BY_NAME[process.argv[2] ?? ""];
  if (!contender) throw new Error(`unknown contender ${process.argv[2]}`);
  const calls = Number(process.argv[3] ?? 10_000);
  const made = await contender.make(contender.load(), JSON.parse(process.env["BENCH_TARGET"] ?? "{}"));
  for (let i = 0; i < 500; i++) await made.call();
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await made.call();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await made.close();
  process.stdout.write(`${JSON.stringify({ calls, ms })}\n`);
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`profile driver: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
