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
const { execFileSync, spawn } = require("node:child_process");
const { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");
const { REPO_ROOT } = require("../scripts/engine/program");
const { startEmulatorProcess } = require("./lib/emulator-process");
const { median, ms, ratio, table, times, since } = require("./lib/stats");

const say = (/** @type {string} */ line) => process.stderr.write(`bench exec: ${line}\n`);
// The package's bin, as kubectl runs it: the cached path first, the full command (dist/exec/cli.js) when it must.
const CLI = path.join(REPO_ROOT, "dist", "exec", "main.js");
// The full command alone, as the bin was before the cached path: the same-run reference for both paths.
const FULL = path.join(REPO_ROOT, "dist", "exec", "cli.js");
/**
 * Preloaded into every timed process (the baseline too, so both pay it): at exit it writes the
 * process's own CPU time (user + system, from process start, bootstrap included) to BENCH_CPU_FILE.
 */
const CPU_REPORTER = `process.on("exit", () => { const u = process.cpuUsage(); require("node:fs").writeFileSync(process.env.BENCH_CPU_FILE, String((u.user + u.system) / 1000)); });`;

/** @type {string} */
let reporterFile = "";
let runCount = 0;

/** Runs `args` with `env`; resolves to the wall time and the process's CPU time in ms, rejecting on a non-zero exit. */
function timed(/** @type {string[]} */ args, /** @type {NodeJS.ProcessEnv} */ env) {
  const cpuFile = path.join(path.dirname(reporterFile), `cpu-${(runCount += 1)}.txt`);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ["--require", reporterFile, ...args], { env: { ...env, BENCH_CPU_FILE: cpuFile }, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c) => (err += c));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`${args.join(" ")} exited ${code}: ${err.slice(-400)}`));
      const wall = since(start);
      resolve({ wall, cpu: Number(readFileSync(cpuFile, "utf8")) });
    });
  });
}

/** Runs an executable (the release's single executable: no preloaded reporter there); resolves to its wall time in ms. */
function timedExecutable(/** @type {string} */ file, /** @type {string[]} */ args, /** @type {NodeJS.ProcessEnv} */ env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c) => (err += c));
    child.on("exit", (code) => (code === 0 ? resolve(since(start)) : reject(new Error(`${file} exited ${code}: ${err.slice(-400)}`))));
  });
}

/**
 * The release's linux-amd64 `cce-kubeconfig` single executable (scripts/package-plugin.js, cached by
 * content hash), unpacked into `work`; undefined, with a note, where the Node builds are missing.
 */
function singleExecutable(/** @type {string} */ work) {
  if (process.platform !== "linux" || process.arch !== "x64") return undefined;
  const out = path.join(work, "release");
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "package-plugin.js"), "--out", out, "--product", "exec", "--target", "linux-amd64"], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    say(`the single executable is not measured: ${String(/** @type {{stderr?: Buffer}} */ (error).stderr ?? error).trim().split("\n").at(-1)}`);
    return undefined;
  }
  const archive = readdirSync(out).find((f) => /^cce-kubeconfig-v.+-linux-amd64\.tar\.gz$/.test(f));
  if (archive === undefined) return undefined;
  const bin = path.join(work, "sea");
  mkdirSync(bin);
  execFileSync("tar", ["-xzf", path.join(out, archive), "-C", bin]);
  return path.join(bin, "cce-kubeconfig");
}

async function runExec() {
  const runs = Number(process.env["BENCH_EXEC_RUNS"] ?? 15);
  const concurrency = Number(process.env["BENCH_EXEC_CONCURRENCY"] ?? 20);
  const emulator = await startEmulatorProcess({ preissued: false });
  const work = mkdtempSync(path.join(tmpdir(), "bench-exec-"));
  reporterFile = path.join(work, "cpu-reporter.js");
  writeFileSync(reporterFile, CPU_REPORTER);
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
    const samples = { baseline: [], cached: [], minting: [], cachedFull: [], mintingFull: [] };
    /** @type {Record<string, number[]>} */
    const cpu = { baseline: [], cached: [], minting: [], cachedFull: [], mintingFull: [] };
    const full = ["credential", "--cluster-id", emulator.clusterId];
    const sea = singleExecutable(work);
    /** @type {number[]} */
    const seaCached = [];
    const record = (/** @type {string} */ name, /** @type {{wall: number, cpu: number}} */ t) => {
      samples[name]?.push(t.wall);
      cpu[name]?.push(t.cpu);
    };
    for (let i = 0; i < runs; i++) {
      record("baseline", await timed(["-e", "0"], env(warmDir)));
      // A call within the minute after the last verification: served from the cache, as in a busy shell.
      record("cached", await timed(credential, env(warmDir)));
      // The same call by the single executable: the same record and entry serve it.
      if (sea !== undefined) seaCached.push(await timedExecutable(sea, full, env(warmDir)));
      const cold = mkdtempSync(path.join(work, "cold-"));
      record("minting", await timed(credential, env(cold)));
      record("cachedFull", await timed([FULL, ...full], env(warmDir)));
      const coldFull = mkdtempSync(path.join(work, "cold-"));
      record("mintingFull", await timed([FULL, ...full], env(coldFull)));
      rmSync(cold, { recursive: true, force: true });
      rmSync(coldFull, { recursive: true, force: true });
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
      node: process.version,
      baselineCpuMs: median(cpu["baseline"] ?? []),
      cachedCpuMs: median(cpu["cached"] ?? []),
      mintingCpuMs: median(cpu["minting"] ?? []),
      cachedFullCpuMs: median(cpu["cachedFull"] ?? []),
      mintingFullCpuMs: median(cpu["mintingFull"] ?? []),
      cachedFullMs: median(samples["cachedFull"] ?? []),
      mintingFullMs: median(samples["mintingFull"] ?? []),
      seaCachedMs: sea === undefined ? undefined : median(seaCached),
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
    `\`cce-kubeconfig credential\` on Node ${r.node}, median of ${r.runs} runs each, interleaved, against the emulator in its own process. CPU time is the process's own (user + system, from its start), the figure that does not depend on what else the machine is doing:`,
    "",
    table(
      ["call", "CPU time", "vs `node -e 0`", "vs a minting call"],
      [
        ["`node -e 0` (baseline)", ms(r.baselineCpuMs), times(1), times(ratio(r.baselineCpuMs, r.mintingCpuMs))],
        ["served from the cache", ms(r.cachedCpuMs), times(ratio(r.cachedCpuMs, r.baselineCpuMs)), times(ratio(r.cachedCpuMs, r.mintingCpuMs))],
        ["minting (empty cache)", ms(r.mintingCpuMs), times(ratio(r.mintingCpuMs, r.baselineCpuMs)), times(1)],
        ["full command alone (`dist/exec/cli.js`, the bin before the cached path), cached", ms(r.cachedFullCpuMs), times(ratio(r.cachedFullCpuMs, r.baselineCpuMs)), times(ratio(r.cachedFullCpuMs, r.mintingCpuMs))],
        ["full command alone, minting", ms(r.mintingFullCpuMs), times(ratio(r.mintingFullCpuMs, r.baselineCpuMs)), times(ratio(r.mintingFullCpuMs, r.mintingCpuMs))],
      ],
    ),
    "",
    "Wall time of the same runs, and of concurrent calls:",
    "",
    table(
      ["call", "median", "vs `node -e 0`", "vs a minting call"],
      [
        ["`node -e 0` (baseline)", ms(r.baselineMs), times(1), times(ratio(r.baselineMs, r.mintingMs))],
        ["served from the cache", ms(r.cachedMs), times(ratio(r.cachedMs, r.baselineMs)), times(ratio(r.cachedMs, r.mintingMs))],
        ...(r.seaCachedMs === undefined
          ? []
          : [["served from the cache by the release's single executable (linux-amd64)", ms(r.seaCachedMs), times(ratio(r.seaCachedMs, r.baselineMs)), times(ratio(r.seaCachedMs, r.mintingMs))]]),
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
