#!/usr/bin/env node
// @ts-check
/**
 * Issue 13, section 8: the provider plugin beside the dynamic provider, in one run.
 *  - Start-up: launch to the printed port, of the plugin's linux-amd64 single executable (the archive
 *    the engine downloads, issue 22), of the script plus its launcher (the darwin archives' form,
 *    and every archive's before issue 22; run by the `node` on PATH), and of @pulumi/pulumi's
 *    dynamic-provider host (what the engine starts for a Node program's ClusterCertificate),
 *    interleaved, BENCH_PLUGIN_STARTS (15) launches each.
 *  - `pulumi up` of N = 1, 10, 100 certificates (BENCH_PLUGIN_SIZES) from a YAML project through the
 *    plain CLI with the plugin installed from its tarball, beside the same N from a Node program
 *    (the dynamic resource, an Automation API inline program), against the emulator in its own
 *    process serving pre-issued certificates; each stack is destroyed after its up.
 * Prints ratios against the dynamic provider measured in the same run. Not a test: nothing here
 * asserts a time. Needs dist/ (npm run bench builds it) and the tools (npm run install-tools).
 */
const { execFile, execFileSync, spawn } = require("node:child_process");
const { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");
const { REPO_ROOT, engineEnv, installProgram, packPackage } = require("../scripts/engine/program");
const { runStackTimed } = require("./lib/run-stack-timed");
const { startEmulatorProcess } = require("./lib/emulator-process");
const { median, ratio, table, times } = require("./lib/stats");

const say = (/** @type {string} */ line) => process.stderr.write(`bench plugin: ${line}\n`);
const VERSION = require("../package.json").version;

/** The last stdout line of a script that prints a path last. */
function lastLine(/** @type {string} */ command, /** @type {string[]} */ args) {
  const out = execFileSync(command, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  return out.trim().split("\n").at(-1) ?? "";
}

/** Milliseconds from spawn to the first stdout line (the port), then the process is killed. */
function launchToPort(/** @type {string} */ command, /** @type {string[]} */ args, /** @type {string} */ cwd) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => finish(new Error(`no port within 30 s: ${err.slice(-500)}`)), 30_000);
    const finish = (/** @type {Error | number} */ result) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    child.stderr.on("data", (c) => (err += c));
    child.stdout.on("data", (c) => {
      out += c;
      if (/^\d+\r?\n/.test(out)) finish(Number(process.hrtime.bigint() - start) / 1e6);
    });
    child.on("exit", (code) => finish(new Error(`exited with ${code} before printing a port: ${err.slice(-500)}`)));
  });
}

/** The launcher and script of the darwin-amd64 archive (plain JavaScript and sh: they run here too), unpacked under `work`. */
function launcherPlugin(/** @type {string} */ work) {
  const out = path.join(work, "launcher-release");
  const archive = lastLine(process.execPath, ["scripts/package-plugin.js", "--target", "darwin-amd64", "--out", out]);
  const dir = path.join(work, "launcher");
  mkdirSync(dir);
  execFileSync("tar", ["-xzf", archive, "-C", dir]);
  return dir;
}

async function startup(/** @type {string} */ pluginDir, /** @type {string} */ launcherDir, /** @type {string} */ programDir) {
  const n = Number(process.env["BENCH_PLUGIN_STARTS"] ?? 15);
  /** @type {Record<"plugin" | "launcher" | "dynamic", () => Promise<number>>} */
  const hosts = {
    plugin: () => launchToPort(path.join(pluginDir, "pulumi-resource-cce-kubeconfig"), ["127.0.0.1:1"], pluginDir),
    launcher: () => launchToPort(path.join(launcherDir, "pulumi-resource-cce-kubeconfig"), ["127.0.0.1:1"], launcherDir),
    dynamic: () => launchToPort(process.execPath, [path.join(programDir, "node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js"), "127.0.0.1:1"], programDir),
  };
  /** @type {Record<string, number[]>} */
  const ms = { plugin: [], launcher: [], dynamic: [] };
  for (const host of Object.values(hosts)) await host(); // warm the page cache for each, once
  /** @type {Array<"plugin" | "launcher" | "dynamic">} */
  const order = ["plugin", "launcher", "dynamic"];
  for (let i = 0; i < n; i++) {
    // Rotate who goes first, so a warm-up effect favours no one.
    for (let j = 0; j < order.length; j++) {
      const name = order[(i + j) % order.length] ?? "plugin";
      ms[name]?.push(await hosts[name]());
    }
  }
  const launcherNode = execFileSync("node", ["--version"], { encoding: "utf8" }).trim();
  return { launches: n, pluginMs: median(ms["plugin"] ?? []), launcherMs: median(ms["launcher"] ?? []), launcherNode, dynamicMs: median(ms["dynamic"] ?? []), raw: ms };
}

/** A YAML project of `n` certificates against the emulator. */
function yamlProject(/** @type {string} */ dir, /** @type {number} */ n, /** @type {{url: string, clusterId: string}} */ target) {
  mkdirSync(dir, { recursive: true });
  const resources = Array.from({ length: n }, (_, i) =>
    [`  cert-${i}:`, "    type: cce-kubeconfig:ClusterCertificate", "    properties:", `      clusterId: ${target.clusterId}`, `      endpoint: ${target.url}`, "      duration: 30"].join("\n"),
  );
  writeFileSync(path.join(dir, "Pulumi.yaml"), ["name: bench-yaml", "runtime: yaml", "resources:", ...resources, ""].join("\n"));
}

/** One plain-CLI command in `cwd`; its wall time in seconds. */
function pulumi(/** @type {string[]} */ args, /** @type {string} */ cwd, /** @type {NodeJS.ProcessEnv} */ env) {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile("pulumi", args, { cwd, env, maxBuffer: 64 << 20, timeout: 900_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`pulumi ${args.join(" ")} failed: ${stderr.slice(-3000)}${stdout.slice(-3000)}`)) : resolve(Number(process.hrtime.bigint() - start) / 1e9),
    );
  });
}

async function runPlugin() {
  // BENCH_PLUGIN_SIZES= (empty) measures the start-up only.
  const sizes = (process.env["BENCH_PLUGIN_SIZES"] ?? "1,10,100").split(",").filter(Boolean).map(Number);
  const work = mkdtempSync(path.join(tmpdir(), "cce-bench-plugin-"));
  const emulator = await startEmulatorProcess({ preissued: true });
  try {
    const binDir = lastLine("bash", ["scripts/install-pulumi.sh"]);
    if (!existsSync(path.join(binDir, "pulumi-language-yaml"))) throw new Error(`no pulumi-language-yaml next to the CLI in ${binDir}: run npm run install-tools`);
    say("packaging the plugin and installing it as a user does (pulumi plugin install --file)...");
    const tarball = lastLine(process.execPath, ["scripts/package-plugin.js", "--target", "linux-amd64"]);
    const home = path.join(work, "pulumi-home");
    const env = { ...engineEnv([binDir], home), PULUMI_IGNORE_AMBIENT_PLUGINS: "true" };
    execFileSync("pulumi", ["plugin", "install", "resource", "cce-kubeconfig", VERSION, "--file", tarball], { env, stdio: "ignore" });
    const pluginDir = path.join(home, "plugins", `resource-cce-kubeconfig-v${VERSION}`);
    say("installing the npm package into a program folder...");
    const programDir = path.join(work, "program");
    mkdirSync(programDir);
    installProgram(packPackage(path.join(work, "pack")), programDir);
    copyFileSync(path.join(__dirname, "engine", "scale-program.js"), path.join(programDir, "scale-program.js"));

    say("start-up: launch to port...");
    const starts = await startup(pluginDir, launcherPlugin(work), programDir);
    say(`start-up: executable ${starts.pluginMs.toFixed(0)} ms, launcher and script ${starts.launcherMs.toFixed(0)} ms (node ${starts.launcherNode}), dynamic host ${starts.dynamicMs.toFixed(0)} ms`);

    const stateDir = path.join(work, "state");
    mkdirSync(stateDir);
    const backend = `file://${stateDir}`;
    const credentials = { accessKey: emulator.credentials.accessKey, secretKey: emulator.credentials.secretKey };
    /** @type {Record<number, {yaml: number, node: number}>} */
    const up = {};
    for (const n of sizes) {
      const dir = path.join(work, `yaml-${n}`);
      yamlProject(dir, n, emulator);
      const yamlEnv = { ...env, PULUMI_BACKEND_URL: backend, HW_PROJECT_ID: emulator.projectId, HW_ACCESS_KEY: credentials.accessKey, HW_SECRET_KEY: credentials.secretKey };
      await pulumi(["stack", "init", `yaml-${n}`], dir, yamlEnv);
      // Alternate which goes first, so a warm-up effect does not favour one side.
      /** @type {Record<string, number>} */
      const seconds = {};
      const runYaml = async () => {
        seconds["yaml"] = /** @type {number} */ (await pulumi(["up", "--yes", "--skip-preview", "--stack", `yaml-${n}`], dir, yamlEnv));
        await pulumi(["destroy", "--yes", "--skip-preview", "--stack", `yaml-${n}`], dir, yamlEnv);
      };
      const runNode = async () => {
        const spec = {
          programDir,
          programFile: "scale-program.js",
          project: "bench",
          stack: `node-${n}`,
          backendUrl: backend,
          config: {
            "bench:kind": { value: "cce" },
            "bench:count": { value: String(n) },
            "bench:clusterId": { value: emulator.clusterId },
            "bench:endpoint": { value: emulator.url },
            "huaweicloud:projectId": { value: emulator.projectId },
            "huaweicloud:accessKey": { value: credentials.accessKey, secret: true },
            "huaweicloud:secretKey": { value: credentials.secretKey, secret: true },
          },
        };
        const timed = await runStackTimed({ ...spec, op: "up" }, engineEnv([binDir], home));
        if (!timed.result.ok) throw new Error(`node up of ${n} failed: ${timed.result.message}`);
        seconds["node"] = timed.wallSeconds;
        await runStackTimed({ ...spec, op: "destroy" }, engineEnv([binDir], home));
      };
      for (const run of n % 2 === 0 ? [runYaml, runNode] : [runNode, runYaml]) await run();
      up[n] = { yaml: seconds["yaml"] ?? NaN, node: seconds["node"] ?? NaN };
      say(`up of ${n}: YAML ${up[n].yaml.toFixed(1)} s, Node ${up[n].node.toFixed(1)} s`);
    }
    return { version: VERSION, startup: starts, up };
  } finally {
    await emulator.stop();
    if (process.env["BENCH_KEEP"]) say(`work folder kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

/** The markdown section for docs/benchmarks.md. */
function pluginFragment(/** @type {Awaited<ReturnType<typeof runPlugin>>} */ r) {
  const s = r.startup;
  return [
    "## The provider plugin beside the dynamic provider (issue 13)",
    "",
    `Launch to printed port, median of ${s.launches} alternating launches each:`,
    "",
    table(["host", "ms", "ratio to the dynamic host"], [
      ["plugin, single executable (linux-amd64 archive, Node 22.23.5 inside)", s.pluginMs.toFixed(0), times(ratio(s.pluginMs, s.dynamicMs))],
      [`plugin, launcher and script (darwin archives' form; node ${s.launcherNode} on PATH)`, s.launcherMs.toFixed(0), times(ratio(s.launcherMs, s.dynamicMs))],
      ["@pulumi/pulumi dynamic-provider host", s.dynamicMs.toFixed(0), "1.00×"],
    ]),
    "",
    "`pulumi up` of N certificates (then destroyed), YAML through the plain CLI with the plugin vs. a Node program with the dynamic resource:",
    "",
    table(["N", "YAML s", "Node s", "YAML / Node"], Object.entries(r.up).map(([n, t]) => [n, t.yaml.toFixed(1), t.node.toFixed(1), times(ratio(t.yaml, t.node))])),
    "",
  ].join("\n");
}

const START = "<!-- plugin bench: start (written by node bench/plugin.js --docs from one run) -->";
const END = "<!-- plugin bench: end -->";

/** Writes the plugin's section of docs/benchmarks.md from this run, in place of the previous one. */
function writePluginSection(/** @type {Awaited<ReturnType<typeof runPlugin>>} */ r, /** @type {any} */ meta) {
  const file = path.join(REPO_ROOT, "docs", "benchmarks.md");
  const text = readFileSync(file, "utf8");
  const when = `The machine's other work (builds on both cores) makes absolute times noisy; each ratio compares figures of the same run, interleaved. From one run on ${meta?.date ?? new Date().toISOString()}, commit \`${meta?.commit ?? "n/a"}\`${meta?.dirty ? " (with uncommitted changes)" : ""}; load average ${meta?.machine?.loadStart?.toFixed?.(1) ?? "n/a"} at its start.`;
  const section = `${START}\n${pluginFragment(r)}\n${when}\n${END}`;
  const at = text.indexOf(START);
  const next = at < 0 ? `${text.trimEnd()}\n\n${section}\n` : `${text.slice(0, at)}${section}${text.slice(text.indexOf(END) + END.length)}`;
  writeFileSync(file, next);
}

module.exports = { runPlugin, pluginFragment, writePluginSection };

if (require.main === module) {
  const meta = { date: new Date().toISOString(), commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim(),
    dirty: execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: REPO_ROOT, encoding: "utf8" }).trim() !== "",
    machine: { loadStart: require("node:os").loadavg()[0] } };
  runPlugin().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n\n${pluginFragment(result)}\n`);
      if (process.argv.includes("--docs")) writePluginSection(result, meta);
    },
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
