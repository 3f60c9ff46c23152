#!/usr/bin/env node
// @ts-check
/**
 * Issue 15: what `cce-kubeconfig credential` costs each kubectl call, in one run, against the
 * emulator in its own process (certificates minted for real, not pre-issued):
 *  - baseline: `node -e 0`, the floor of any Node command kubectl could run;
 *  - a call served from the cache (the certificate verified within the last minute);
 *  - a call that mints (an empty cache folder each time);
 *  - BENCH_EXEC_CONCURRENCY (20) calls at once on an empty cache: wall time and certificates minted.
 * BENCH_EXEC_RUNS (15) runs of each, interleaved. Prints ratios against the baseline and against
 * one minting call, measured in the same run. Not a test: nothing here asserts a time. Needs dist/.
 */
const { spawn } = require("node:child_process");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");
const { REPO_ROOT } = require("../scripts/engine/program");
const { startEmulatorProcess } = require("./lib/emulator-process");
const { median, ms, ratio, table, times, since } = require("./lib/stats");

const say = (/** @type {string} */ line) => process.stderr.write(`bench exec: ${line}\n`);
const CLI = path.join(REPO_ROOT, "dist", "exec", "cli.js");

/** Runs `args` with `env`; resolves to the wall time in ms, rejecting on a non-zero exit. */
function timed(/** @type {string[]} */ args, /** @type {NodeJS.ProcessEnv} */ env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c) => (err += c));
    child.on("exit", (code) => (code === 0 ? resolve(since(start)) : reject(new Error(`${args.join(" ")} exited ${code}: ${err.slice(-400)}`))));
  });
}

async function runExec() {
  const runs = Number(process.env["BENCH_EXEC_RUNS"] ?? 15);
  const concurrency = Number(process.env["BENCH_EXEC_CONCURRENCY"] ?? 20);
  const emulator = await startEmulatorProcess({ preissued: false });
  const work = mkdtempSync(path.join(tmpdir(), "bench-exec-"));
  try {
    const env = (/** @type {string} */ cacheDir) => ({
      PATH: process.env["PATH"],
      HOME: work,
      HW_ACCESS_KEY: emulator.credentials.accessKey,
      HW_SECRET_KEY: emulator.credentials.secretKey,
      HW_PROJECT_ID: emulator.projectId,
      HW_CCE_ENDPOINT: emulator.url,
      HW_ECS_METADATA_URL: "http://127.0.0.1:9",
      CCE_KUBECONFIG_CACHE_DIR: cacheDir,
    });
    const credential = [CLI, "credential", "--cluster-id", emulator.clusterId];
    const warmDir = path.join(work, "warm");
    await timed(credential, env(warmDir)); // fills the cache the cached runs read
    /** @type {Record<string, number[]>} */
    const samples = { baseline: [], cached: [], minting: [] };
    for (let i = 0; i < runs; i++) {
      samples["baseline"]?.push(await timed(["-e", "0"], env(warmDir)));
      samples["cached"]?.push(await timed(credential, env(warmDir)));
      const cold = mkdtempSync(path.join(work, "cold-"));
      samples["minting"]?.push(await timed(credential, env(cold)));
      rmSync(cold, { recursive: true, force: true });
    }
    const before = await emulator.mints();
    const crowdDir = path.join(work, "crowd");
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: concurrency }, () => timed(credential, env(crowdDir))));
    const crowdMs = since(start);
    const crowdMints = (await emulator.mints()) - before;
    const result = {
      runs,
      concurrency,
      baselineMs: median(samples["baseline"] ?? []),
      cachedMs: median(samples["cached"] ?? []),
      mintingMs: median(samples["minting"] ?? []),
      crowdMs,
      crowdMints,
    };
    say(`done: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The Markdown of the exec part. */
function execFragment(/** @type {Awaited<ReturnType<typeof runExec>>} */ r) {
  return [
    `\`cce-kubeconfig credential\`, median of ${r.runs} runs each, interleaved, against the emulator in its own process:`,
    "",
    table(
      ["call", "median", "vs `node -e 0`", "vs a minting call"],
      [
        ["`node -e 0` (baseline)", ms(r.baselineMs), times(1), times(ratio(r.baselineMs, r.mintingMs))],
        ["served from the cache", ms(r.cachedMs), times(ratio(r.cachedMs, r.baselineMs)), times(ratio(r.cachedMs, r.mintingMs))],
        ["minting (empty cache)", ms(r.mintingMs), times(ratio(r.mintingMs, r.baselineMs)), times(1)],
        [`${r.concurrency} at once, empty cache (wall)`, ms(r.crowdMs), times(ratio(r.crowdMs, r.baselineMs)), times(ratio(r.crowdMs, r.mintingMs))],
      ],
    ),
    "",
    `The ${r.concurrency} concurrent calls minted ${r.crowdMints} certificate${r.crowdMints === 1 ? "" : "s"}.`,
  ].join("\n");
}

module.exports = { runExec, execFragment };

if (require.main === module) {
  runExec().then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n\n${execFragment(result)}\n`),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
