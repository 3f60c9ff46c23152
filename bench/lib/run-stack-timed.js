// @ts-check
/**
 * scripts/engine/program.js's runStack, plus the CPU time the operation cost: run-stack.js runs
 * under `bash -c '...; times'`, whose second line is the user and system time of every descendant
 * that was waited for (the Automation API's Node process and the Pulumi CLI it runs). CPU time is
 * far less disturbed than wall time by other work on a shared machine. The dynamic-provider host
 * is not counted (the CLI starts it through a shell script and does not wait for it); its own CPU
 * is logged by engine/host-timing.js.
 */
const { execFile } = require("node:child_process");
const path = require("node:path");
const { REPO_ROOT } = require("../../scripts/engine/program");

const SCRIPT = path.join(REPO_ROOT, "scripts", "engine", "run-stack.js");

/** "1m2.345s" -> 62.345 */
const seconds = (/** @type {string} */ t) => {
  const m = /^(\d+)m([\d.]+)s$/.exec(t);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

/**
 * @param {object} spec see scripts/engine/run-stack.js
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{result: any, cpuSeconds: number, wallSeconds: number}>}
 */
function runStackTimed(spec, env) {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      ["-c", '"$0" "$1" "$2"; rc=$?; times >&2; exit $rc', process.execPath, SCRIPT, JSON.stringify(spec)],
      { env, maxBuffer: 64 << 20, timeout: 900_000 },
      (error, stdout, stderr) => {
        const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
        const lines = stderr.trimEnd().split("\n");
        const [user, system] = (lines.at(-1) ?? "").trim().split(/\s+/);
        const cpuSeconds = seconds(user ?? "") + seconds(system ?? "");
        const line = stdout.trim().split("\n").at(-1) ?? "";
        try {
          const result = JSON.parse(line);
          resolve({ result: { ...result, output: `${result.output ?? ""}${lines.slice(0, -2).join("\n")}` }, cpuSeconds, wallSeconds });
        } catch {
          reject(new Error(`run-stack ${/** @type {any} */ (spec).op} printed no result (${error?.message ?? "no error"}): ${stderr.slice(-2000)}`));
        }
      },
    );
  });
}

module.exports = { runStackTimed };
