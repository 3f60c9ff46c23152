// @ts-check
/**
 * Preloaded (node --require) into every dynamic-provider host by the bench's wrapper of
 * pulumi-resource-pulumi-nodejs (written by bench/engine-scale.js), whatever its resources: with
 * BENCH_HOST_CPU_DIR set, it writes the host's CPU time so far to <dir>/<pid>.json every 100 ms
 * and at exit. The engine ends hosts with a signal, so the last write may miss up to 100 ms.
 */
const { renameSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const dir = process.env["BENCH_HOST_CPU_DIR"];
if (dir) {
  const file = path.join(dir, `${process.pid}.json`);
  const write = () => {
    const { user, system } = process.cpuUsage();
    // Written aside, then renamed: a host killed mid-write leaves the previous reading whole.
    writeFileSync(`${file}.tmp`, JSON.stringify({ pid: process.pid, cpuMs: (user + system) / 1000 }));
    renameSync(`${file}.tmp`, file);
  };
  setInterval(write, 100).unref();
  process.on("exit", write);
}
