// @ts-check
/**
 * Shared by the demo (scripts/demo.js) and the engine tests: build and pack the package, install
 * it into a program folder the way users do, and run stack operations with the real engine.
 */
const { execFile, execFileSync } = require("node:child_process");
const { mkdirSync, mkdtempSync, readdirSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");

const REPO_ROOT = path.resolve(__dirname, "..", "..");
/**
 * The @pulumi/pulumi that program folders get: by default the one the package is built and tested
 * against (the newest that supports Node 20, as the devDependency); CCE_TEST_PULUMI_SDK picks
 * another exact version (npm run test:node22 runs the suite with the newest, on Node 22).
 */
const PULUMI_SDK_VERSION = pulumiSdkVersion(process.env["CCE_TEST_PULUMI_SDK"]);

/** @param {string | undefined} requested */
function pulumiSdkVersion(requested) {
  if (requested === undefined || requested === "") return "3.248.0";
  if (!/^\d+\.\d+\.\d+$/.test(requested)) throw new Error(`CCE_TEST_PULUMI_SDK must be an exact version such as 3.276.0, not ${JSON.stringify(requested)}`);
  return requested;
}
/** The @pulumi/kubernetes SDK of the engine tests; scripts/install-kubernetes-provider.sh builds its plugin. */
const KUBERNETES_SDK_VERSION = "4.24.1";

function buildPackage() {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, stdio: "inherit" });
}

/** Packs the built package into `destination`; returns the tarball's path. */
function packPackage(/** @type {string} */ destination) {
  mkdirSync(destination, { recursive: true });
  execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", destination], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tarball = readdirSync(destination).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack left no tarball in ${destination}`);
  return path.join(destination, tarball);
}

/**
 * Creates a program folder with the tarball, @pulumi/pulumi and `extra` packages installed from npm;
 * `type: "module"` makes its .js files ES modules.
 */
function installProgram(
  /** @type {string} */ tarball,
  dir = mkdtempSync(path.join(tmpdir(), "cce-program-")),
  /** @type {string[]} */ extra = [],
  /** @type {"commonjs" | "module"} */ type = "commonjs",
) {
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "cce-program", private: true, type }));
  execFileSync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball, `@pulumi/pulumi@${PULUMI_SDK_VERSION}`, ...extra],
    { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
  );
  return dir;
}

/**
 * Environment for the engine: the built CLI (and plugins) first on PATH, where the engine takes
 * plugins from before it would try to download them; a private PULUMI_HOME; a local passphrase.
 */
function engineEnv(/** @type {string[]} */ binDirs, /** @type {string} */ home) {
  mkdirSync(home, { recursive: true });
  return {
    ...process.env,
    PATH: [...binDirs, process.env["PATH"] ?? ""].join(path.delimiter),
    PULUMI_HOME: home,
    PULUMI_CONFIG_PASSPHRASE: process.env["PULUMI_CONFIG_PASSPHRASE"] ?? "cce-kubeconfig-local",
    PULUMI_SKIP_UPDATE_CHECK: "1",
  };
}

/**
 * Runs one operation through run-stack.js in a child process (asynchronously, so an emulator in
 * this process keeps answering). Resolves with its JSON result; `ok` is false when Pulumi failed.
 * @param {object} spec see run-stack.js
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<any>}
 */
function runStack(spec, env) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(__dirname, "run-stack.js"), JSON.stringify(spec)],
      { env, maxBuffer: 64 << 20, timeout: 600_000 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split("\n").at(-1) ?? "";
        try {
          const result = JSON.parse(line);
          resolve({ ...result, output: `${result.output ?? ""}${stderr}` });
        } catch {
          reject(new Error(`run-stack ${/** @type {any} */ (spec).op} printed no result (${error?.message ?? "no error"}): ${stderr.slice(-2000)}`));
        }
      },
    );
  });
}

module.exports = { REPO_ROOT, PULUMI_SDK_VERSION, KUBERNETES_SDK_VERSION, buildPackage, packPackage, installProgram, engineEnv, runStack };
