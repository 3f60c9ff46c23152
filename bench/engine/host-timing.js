// @ts-check
/**
 * Installed by bench/engine-scale.js in the PROGRAM FOLDER's copy of the package (never in src/ or
 * dist/) as dist/provider/operations.js, the module the serialized provider requires in the
 * dynamic-provider host; the real module is moved beside it as operations-impl.js.
 *
 * With BENCH_HOST_LOG set to a file, it appends one JSON line per provider call,
 * {pid, fn, start, ms, cpuMs} (start in ms since the epoch; cpuMs the host process's CPU so far),
 * and one for loading the real module. Without
 * it, it is the real module. It logs names and times only, never arguments or results.
 */
const { appendFileSync } = require("node:fs");

const log = process.env["BENCH_HOST_LOG"];
const loadStart = Date.now();
const loadHr = process.hrtime.bigint();
const impl = require("./operations-impl");
if (!log) {
  module.exports = impl;
} else {
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const write = (/** @type {object} */ entry) => appendFileSync(log, `${JSON.stringify({ pid: process.pid, ...entry, cpuMs: cpuMs() })}\n`);
  write({ fn: "(load operations)", start: loadStart, ms: Number(process.hrtime.bigint() - loadHr) / 1e6, uptimeMs: process.uptime() * 1000 });
  /** @type {Record<string, unknown>} */
  const wrapped = {};
  // Only the methods the serialized shim calls, all async; everything else is passed through.
  const CALLED = new Set(["configure", "check", "diff", "create", "read", "update", "deleteCertificate"]);
  for (const [name, value] of Object.entries(impl)) {
    wrapped[name] =
      typeof value !== "function" || !CALLED.has(name)
        ? value
        : async (/** @type {unknown[]} */ ...args) => {
            const start = Date.now();
            const hr = process.hrtime.bigint();
            try {
              return await value(...args);
            } finally {
              write({ fn: name, start, ms: Number(process.hrtime.bigint() - hr) / 1e6 });
            }
          };
  }
  module.exports = wrapped;
}
