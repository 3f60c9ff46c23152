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
 * Then, at the largest N, where the time goes: the checkpoint's size per resource (`pulumi stack
 * export`), `up` again with PULUMI_SKIP_CHECKPOINTS=true (the engine then writes only the final
 * state: the difference is what writing every intermediate checkpoint costs), and the provider
 * host's own time per call, logged by a wrapper installed in the program folder's copy of the
 * package (engine/host-timing.js; never in src/ or dist/).
 *
 * Env: BENCH_ENGINE_SIZES (default "1,10,50,100"), BENCH_ENGINE_ROUNDS (1), BENCH_KEEP=1 keeps the
 * work folder. Needs dist/ built (npm run bench builds it).
 */
const { execFileSync } = require("node:child_process");
const { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, existsSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");
const { REPO_ROOT, engineEnv, installProgram, packPackage, runStack } = require("../scripts/engine/program");
const { startEmulatorProcess } = require("./lib/emulator-process");
const { rotate } = require("./lib/measure");
const { median, since } = require("./lib/stats");

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
  return { hostProcesses: new Set(entries.map((e) => e.pid)).size, byFn };
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
    const baseEnv = engineEnv([binDir], path.join(work, "pulumi-home"));
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
    /** Runs one op, timed; fails loudly. */
    const op = async (/** @type {any} */ s, /** @type {string} */ name, env = baseEnv) => {
      const start = process.hrtime.bigint();
      const result = await runStack({ ...s, op: name }, env);
      const seconds = since(start) / 1000;
      if (!result.ok) throw new Error(`pulumi ${name} of ${s.stack} failed: ${result.message}`);
      return { seconds, result };
    };

    /** @type {Record<string, Record<number, Record<string, number[]>>>} */
    const raw = {};
    /** @type {Record<string, Record<number, ReturnType<typeof stateSize>>>} */
    const state = {};
    let stackNo = 0;
    for (let round = 0; round < rounds; round++) {
      for (const n of sizes) {
        for (const kind of rotate(KINDS, n + round)) {
          const s = spec(`${kind}-n${n}-r${round}-${stackNo++}`, kind, n);
          const times = ((raw[kind] ??= {})[n] ??= {});
          for (const name of OPS) {
            const { seconds, result } = await op(s, name);
            (times[name] ??= []).push(seconds);
            if (name === "up") {
              // N resources and the stack's own pulumi:pulumi:Stack resource.
              const created = result.changes?.["create"] ?? 0;
              if (created !== n + 1) throw new Error(`up of ${s.stack} created ${created} resources, expected ${n + 1}`);
              (state[kind] ??= {})[n] = stateSize((await op(s, "export")).result.state ?? "{}");
            }
          }
          await op(s, "remove");
          say(`${kind} N=${n}: ${OPS.map((o) => `${o} ${times[o]?.at(-1)?.toFixed(1)} s`).join(", ")}`);
        }
      }
    }
    const ops = Object.fromEntries(
      Object.entries(raw).map(([kind, byN]) => [kind, Object.fromEntries(Object.entries(byN).map(([n, t]) => [n, Object.fromEntries(Object.entries(t).map(([o, xs]) => [o, median(xs)]))]))]),
    );

    // Where the time goes, at the largest size.
    const n = Math.max(...sizes);
    say(`diagnosis at N=${n}: up with the host-timing log, and up with PULUMI_SKIP_CHECKPOINTS=true`);
    const hostLog = path.join(work, "host-log.jsonl");
    const logged = spec(`cce-host-log-${n}`, "cce", n);
    const loggedUp = await op(logged, "up", { ...baseEnv, BENCH_HOST_LOG: hostLog });
    const loggedRefresh = await op(logged, "refresh", { ...baseEnv, BENCH_HOST_LOG: hostLog });
    await op(logged, "destroy");
    await op(logged, "remove");
    /** @type {Record<string, number>} */
    const skipCheckpoints = {};
    for (const kind of KINDS) {
      const s = spec(`${kind}-skip-${n}`, kind, n);
      skipCheckpoints[kind] = (await op(s, "up", { ...baseEnv, PULUMI_SKIP_CHECKPOINTS: "true" })).seconds;
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
      state,
      diagnosis: {
        n,
        loggedUpSeconds: loggedUp.seconds,
        loggedRefreshSeconds: loggedRefresh.seconds,
        host: summarizeHostLog(hostLog),
        skipCheckpointsUpSeconds: skipCheckpoints,
      },
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
