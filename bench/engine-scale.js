#!/usr/bin/env node
// @ts-check
/**
 * Issue 9, section 4: what `pulumi up`, `preview`, `refresh` and `destroy` cost as one stack grows
 * to N = 1, 10, 50, 100 ClusterCertificates, against N trivial dynamic resources (a provider whose
 * create returns at once) and N trivial resources with outputs as large and as secret as a
 * ClusterCertificate's, in the same run: the real engine (scripts/install-pulumi.sh), the file
 * backend, the package installed from its tarball, the emulator in its own process serving a
 * pre-issued certificate.
 *
 * Each operation's wall time, the CPU time of the Automation API process and the Pulumi CLI
 * (lib/run-stack-timed.js), the dynamic-provider host's CPU (engine/host-cpu-preload.js, loaded
 * into every host, whatever its resources, by a wrapper of pulumi-resource-pulumi-nodejs put first
 * on PATH), and ClusterCertificate's time per provider call, logged by a wrapper installed in the
 * program folder's copy of the package (engine/host-timing.js; never in src/ or dist/). Then, at the largest N, where the time goes: the checkpoint's size per
 * resource (`pulumi stack export`), and `up` again with PULUMI_SKIP_CHECKPOINTS=true (the engine
 * then writes only the final state: the difference is what writing every intermediate checkpoint
 * costs).
 *
 * Env: BENCH_ENGINE_SIZES (default "1,10,50,100"), BENCH_ENGINE_ROUNDS (1), BENCH_KEEP=1 keeps the
 * work folder. Needs dist/ built (npm run bench builds it).
 */
const { execFileSync } = require("node:child_process");
const { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, existsSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");
const { REPO_ROOT, engineEnv, installProgram, packPackage } = require("../scripts/engine/program");
const { runStackTimed } = require("./lib/run-stack-timed");
const { startEmulatorProcess } = require("./lib/emulator-process");
const { rotate } = require("./lib/measure");
const { median } = require("./lib/stats");

const say = (/** @type {string} */ line) => process.stderr.write(`bench engine: ${line}\n`);
const OPS = /** @type {const} */ (["up", "preview", "refresh", "destroy"]);
const KINDS = ["trivial", "trivial-secret", "cce"];

/** The CLI folder: scripts/install-pulumi.sh builds it once into the shared cache and prints it last. */
function pulumiBinDir() {
  const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "install-pulumi.sh")], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  const dir = out.trim().split("\n").at(-1) ?? "";
  if (!existsSync(path.join(dir, "pulumi"))) throw new Error(`scripts/install-pulumi.sh printed no CLI folder (got ${JSON.stringify(dir)})`);
  return dir;
}

/**
 * A folder with a pulumi-resource-pulumi-nodejs that starts the host as the CLI's own script does,
 * with engine/host-cpu-preload.js preloaded; `exec`, so that the host is the engine's own child.
 */
function hostWrapperDir(/** @type {string} */ work) {
  const dir = path.join(work, "host-bin");
  mkdirSync(dir);
  writeFileSync(
    path.join(dir, "pulumi-resource-pulumi-nodejs"),
    [
      "#!/bin/sh",
      "# Written by bench/engine-scale.js: the CLI's script, plus the bench's CPU preload.",
      `PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")`,
      `exec node --require ${JSON.stringify(path.join(__dirname, "engine", "host-cpu-preload.js"))} "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" "$@"`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return dir;
}

/** The CPU (ms) of every host that wrote to `dir`, summed. */
function hostCpuMs(/** @type {string} */ dir) {
  if (!existsSync(dir)) return { processes: 0, cpuMs: 0 };
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  const cpu = files.map((f) => {
    try {
      return Number(JSON.parse(readFileSync(path.join(dir, f), "utf8")).cpuMs);
    } catch {
      return NaN; // never expected (the preload renames whole files into place); counted below
    }
  });
  const unreadable = cpu.filter((c) => !Number.isFinite(c)).length;
  if (unreadable > 0) say(`${unreadable} host CPU reading(s) in ${dir} unreadable, left out`);
  return { processes: files.length, cpuMs: cpu.filter(Number.isFinite).reduce((a, b) => a + b, 0) };
}

/** Installs the package into a program folder, with the scale program and the host-timing wrapper. */
function prepareProgram(/** @type {string} */ work) {
  const programDir = path.join(work, "program");
  mkdirSync(programDir);
  installProgram(packPackage(path.join(work, "pack")), programDir);
  copyFileSync(path.join(__dirname, "engine", "scale-program.js"), path.join(programDir, "scale-program.js"));
  const provider = path.join(programDir, "node_modules", "pulumi-cce-kubeconfig", "dist", "provider");
  renameSync(path.join(provider, "operations.js"), path.join(provider, "operations-impl.js"));
  copyFileSync(path.join(__dirname, "engine", "host-timing.js"), path.join(provider, "operations.js"));
  return programDir;
}

/**
 * The sizes of a ClusterCertificate's outputs, from one real create against the emulator, for the
 * trivial-secret resources: {output: characters of its JSON}.
 * @param {import("./lib/emulator-process").EmulatorTarget} target
 */
async function outputShape(target) {
  const operations = require(path.join(REPO_ROOT, "dist", "provider", "operations"));
  // The provider contender configures the operations module with the emulator's keys.
  const made = await require("./contenders/provider").make(operations, target);
  const { inputs } = await operations.check({}, { clusterId: target.clusterId, endpoint: target.url, duration: 30 });
  const { outs } = await operations.create(inputs);
  await made.close();
  /** @type {Record<string, number>} */
  const shape = {};
  for (const [key, value] of Object.entries(outs)) if (!(key in inputs)) shape[key] = typeof value === "string" ? value.length : JSON.stringify(value).length;
  return shape;
}

/**
 * Bytes of the exported state: the whole file, per resource of the measured kind, and of that the
 * secret ciphertexts.
 * @param {string} state `pulumi stack export` output (secrets encrypted)
 */
function stateSize(state) {
  const deployment = JSON.parse(state).deployment ?? {};
  const resources = /** @type {any[]} */ (deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
  let ciphertext = 0;
  const walk = (/** @type {unknown} */ v) => {
    if (typeof v !== "object" || v === null) return;
    const o = /** @type {Record<string, unknown>} */ (v);
    if (typeof o["ciphertext"] === "string") ciphertext += o["ciphertext"].length;
    else for (const child of Object.values(o)) walk(child);
  };
  for (const r of resources) walk(r.outputs);
  const n = Math.max(1, resources.length);
  const provider = resources[0]?.inputs?.__provider;
  return {
    bytes: Buffer.byteLength(state),
    resources: resources.length,
    bytesPerResource: resources.reduce((sum, r) => sum + JSON.stringify(r).length, 0) / n,
    ciphertextPerResource: ciphertext / n,
    providerPerResource: typeof provider === "string" ? provider.length : JSON.stringify(provider ?? "").length,
  };
}

/** The host-timing log, summarized: per provider method, calls and ms (total, median). */
function summarizeHostLog(/** @type {string} */ file) {
  if (!existsSync(file)) return undefined;
  const entries = readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  /** @type {Record<string, {calls: number, totalMs: number, medianMs: number, firstStart: number, lastEnd: number}>} */
  const byFn = {};
  for (const fn of new Set(entries.map((e) => e.fn))) {
    const mine = entries.filter((e) => e.fn === fn);
    byFn[fn] = {
      calls: mine.length,
      totalMs: mine.reduce((s, e) => s + e.ms, 0),
      medianMs: median(mine.map((e) => e.ms)),
      firstStart: Math.min(...mine.map((e) => e.start)),
      lastEnd: Math.max(...mine.map((e) => e.start + e.ms)),
    };
  }
  /** @type {Map<number, number>} */
  const cpuByPid = new Map();
  for (const e of entries) cpuByPid.set(e.pid, Math.max(cpuByPid.get(e.pid) ?? 0, e.cpuMs ?? 0));
  const calls = entries.filter((e) => !e.fn.startsWith("(")).length;
  return { hostProcesses: cpuByPid.size, cpuMs: [...cpuByPid.values()].reduce((a, b) => a + b, 0), calls, byFn };
}

async function runEngineScale() {
  const sizes = (process.env["BENCH_ENGINE_SIZES"] ?? "1,10,50,100").split(",").map(Number);
  const rounds = Number(process.env["BENCH_ENGINE_ROUNDS"] ?? 1);
  const work = mkdtempSync(path.join(tmpdir(), "cce-bench-engine-"));
  const emulator = await startEmulatorProcess({ preissued: process.env["BENCH_PREISSUED"] !== "0" });
  try {
    say("making the Pulumi CLI available (built once from Go modules into the shared cache)...");
    const binDir = pulumiBinDir();
    say("installing the package into a program folder (npm pack, npm install)...");
    const programDir = prepareProgram(work);
    const target = { url: emulator.url, credentials: emulator.credentials, projectId: emulator.projectId, clusterId: emulator.clusterId, preissued: emulator.preissued };
    const shape = await outputShape(target);
    const stateDir = path.join(work, "state");
    mkdirSync(stateDir);
    const baseEnv = engineEnv([hostWrapperDir(work), binDir], path.join(work, "pulumi-home"));
    /** @type {Record<string, {value: string, secret?: boolean}>} */
    const config = {
      "bench:clusterId": { value: emulator.clusterId },
      "bench:endpoint": { value: emulator.url },
      "bench:shape": { value: JSON.stringify(shape) },
      "huaweicloud:projectId": { value: emulator.projectId },
      "huaweicloud:accessKey": { value: emulator.credentials.accessKey, secret: true },
      "huaweicloud:secretKey": { value: emulator.credentials.secretKey, secret: true },
    };
    const spec = (/** @type {string} */ stack, /** @type {string} */ kind, /** @type {number} */ n) => ({
      programDir,
      programFile: "scale-program.js",
      project: "bench",
      stack,
      backendUrl: `file://${stateDir}`,
      config: { ...config, "bench:kind": { value: kind }, "bench:count": { value: String(n) } },
    });
    /** Runs one op, timed, the host's calls logged to their own file; fails loudly. */
    let opNo = 0;
    const op = async (/** @type {any} */ s, /** @type {string} */ name, env = baseEnv) => {
      const hostLog = path.join(work, `host-${s.stack}-${name}.jsonl`);
      const cpuDir = path.join(work, `host-cpu-${opNo++}`);
      mkdirSync(cpuDir);
      const { result, cpuSeconds, wallSeconds } = await runStackTimed({ ...s, op: name }, { ...env, BENCH_HOST_LOG: hostLog, BENCH_HOST_CPU_DIR: cpuDir });
      if (!result.ok) throw new Error(`pulumi ${name} of ${s.stack} failed: ${result.message}`);
      const cpu = hostCpuMs(cpuDir);
      return { seconds: wallSeconds, cpuSeconds, hostCpuMs: cpu.cpuMs, hostProcesses: cpu.processes, host: summarizeHostLog(hostLog), result };
    };

    /** @type {Record<string, Record<number, Record<string, {wall: number[], cpu: number[], hostCpu: number[]}>>>} */
    const raw = {};
    /** @type {Record<string, Record<number, ReturnType<typeof stateSize>>>} */
    const state = {};
    /** @type {Record<string, any>} */
    const hostAtMax = {};
    const maxN = Math.max(...sizes);
    let stackNo = 0;
    for (let round = 0; round < rounds; round++) {
      for (const n of sizes) {
        for (const kind of rotate(KINDS, n + round)) {
          const s = spec(`${kind}-n${n}-r${round}-${stackNo++}`, kind, n);
          const times = ((raw[kind] ??= {})[n] ??= {});
          for (const name of OPS) {
            const { seconds, cpuSeconds, hostCpuMs: hostMs, host, result } = await op(s, name);
            const t = (times[name] ??= { wall: [], cpu: [], hostCpu: [] });
            t.wall.push(seconds);
            t.cpu.push(cpuSeconds);
            t.hostCpu.push(hostMs / 1000);
            if (kind === "cce" && n === maxN && round === 0) hostAtMax[name] = host;
            if (name === "up") {
              // N resources and the stack's own pulumi:pulumi:Stack resource.
              const created = result.changes?.["create"] ?? 0;
              if (created !== n + 1) throw new Error(`up of ${s.stack} created ${created} resources, expected ${n + 1}`);
              (state[kind] ??= {})[n] = stateSize((await op(s, "export")).result.state ?? "{}");
            }
          }
          await op(s, "remove");
          say(`${kind} N=${n}: ${OPS.map((o) => `${o} ${times[o]?.wall.at(-1)?.toFixed(1)} s (CPU ${times[o]?.cpu.at(-1)?.toFixed(1)} s + host ${times[o]?.hostCpu.at(-1)?.toFixed(1)} s)`).join(", ")}`);
        }
      }
    }
    const ops = Object.fromEntries(
      Object.entries(raw).map(([kind, byN]) => [kind, Object.fromEntries(Object.entries(byN).map(([n, t]) => [n, Object.fromEntries(Object.entries(t).map(([o, xs]) => [o, median(xs.wall)]))]))]),
    );
    const cpu = Object.fromEntries(
      Object.entries(raw).map(([kind, byN]) => [
        kind,
        Object.fromEntries(Object.entries(byN).map(([n, t]) => [n, Object.fromEntries(Object.entries(t).map(([o, xs]) => [o, { engine: median(xs.cpu), host: median(xs.hostCpu) }]))])),
      ]),
    );

    // Where the time goes, at the largest size: the same up without intermediate checkpoints.
    const n = maxN;
    say(`diagnosis at N=${n}: up with PULUMI_SKIP_CHECKPOINTS=true`);
    /** @type {Record<string, {wall: number, cpu: number}>} */
    const skipCheckpoints = {};
    for (const kind of KINDS) {
      const s = spec(`${kind}-skip-${n}`, kind, n);
      const up = await op(s, "up", { ...baseEnv, PULUMI_SKIP_CHECKPOINTS: "true" });
      skipCheckpoints[kind] = { wall: up.seconds, cpu: up.cpuSeconds };
      await op(s, "destroy", { ...baseEnv, PULUMI_SKIP_CHECKPOINTS: "true" });
      await op(s, "remove");
    }
    return {
      sizes,
      rounds,
      kinds: KINDS,
      preissued: emulator.preissued,
      shape,
      ops,
      cpu,
      state,
      diagnosis: { n, host: hostAtMax, skipCheckpoints },
    };
  } finally {
    await emulator.stop();
    if (process.env["BENCH_KEEP"]) say(`work folder kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { runEngineScale };

if (require.main === module) {
  runEngineScale().then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
