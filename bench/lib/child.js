// @ts-check
/** Runs a bench child script and parses the JSON line it prints last. */
const { execFile } = require("node:child_process");
const path = require("node:path");

/**
 * @param {string[]} nodeArgs node options and the script, relative to bench/lib
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{result: any, wallMs: number}>}
 */
function runChild(nodeArgs, env) {
  const args = nodeArgs.map((a) => (a.endsWith(".js") ? path.join(__dirname, a) : a));
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env, maxBuffer: 16 << 20, timeout: 600_000 }, (error, stdout, stderr) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      const line = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolve({ result: JSON.parse(line), wallMs });
      } catch {
        reject(new Error(`${nodeArgs.join(" ")} printed no result (${error?.message ?? "no error"}): ${stderr.slice(-2000)}`));
      }
    });
  });
}

module.exports = { runChild };
