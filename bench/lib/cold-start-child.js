#!/usr/bin/env node
// @ts-check
/**
 * One cold start: `node cold-start-child.js <contender>` in a fresh process imports the contender's
 * library, makes it and sends one call. The target (url, ids, throwaway emulator keys) comes in
 * BENCH_TARGET, never on the command line. Prints one JSON line: {bootMs, importMs, firstCallMs}.
 */
const bootMs = performance.now();
const { BY_NAME } = require("../contenders/index");

async function main() {
  const contender = BY_NAME[process.argv[2] ?? ""];
  if (!contender) throw new Error(`unknown contender ${process.argv[2]}`);
  const target = JSON.parse(process.env["BENCH_TARGET"] ?? "{}");
  const t0 = performance.now();
  const lib = contender.load();
  const t1 = performance.now();
  const made = await contender.make(lib, target);
  await made.call();
  const t2 = performance.now();
  await made.close();
  process.stdout.write(`${JSON.stringify({ bootMs, importMs: t1 - t0, firstCallMs: t2 - t1 })}\n`);
  // The shared keep-alive agents would hold the process open for 30 s.
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`cold start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
