#!/usr/bin/env node
// @ts-check
/**
 * What importing a module costs, by package: `node bench/profile/require-times.js <module path>`
 * times every require() inside it (Module._load, inclusive of its own requires), and prints the
 * self time (its own load minus its children's) summed by package, and the slowest single requires.
 * Self time is wall time: compiling and running each module's top level.
 */
const Module = require("node:module");
const path = require("node:path");

const target = path.resolve(process.argv[2] ?? "");
/** @type {Array<{request: string, file: string, ms: number, childMs: number}>} */
const loads = [];
/** @type {Array<{childMs: number}>} */
const stack = [];
const mod = /** @type {any} */ (Module);
const original = mod._load;
const seen = new Set();
mod._load = function load(/** @type {string} */ request, /** @type {any} */ parent, /** @type {boolean} */ isMain) {
  let file = request;
  try {
    file = mod._resolveFilename(request, parent, isMain);
  } catch {
    // Left to the real loader to fail.
  }
  if (seen.has(file) || file.startsWith("node:") || !file.includes("/")) return original.apply(this, arguments);
  seen.add(file);
  const frame = { childMs: 0 };
  stack.push(frame);
  const start = process.hrtime.bigint();
  try {
    return original.apply(this, arguments);
  } finally {
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    stack.pop();
    const up = stack.at(-1);
    if (up) up.childMs += ms;
    loads.push({ request, file, ms, childMs: frame.childMs });
  }
};

function packageOf(/** @type {string} */ file) {
  const nm = file.lastIndexOf("node_modules/");
  if (nm === -1) return file.includes("/dist/") ? `pulumi-cce-kubeconfig dist/${file.split("/dist/").at(-1)?.split("/")[0]}` : path.basename(file);
  const rest = file.slice(nm + "node_modules/".length).split("/");
  return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? "?");
}

const start = process.hrtime.bigint();
require(target);
const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
/** @type {Map<string, {ms: number, files: number}>} */
const byPackage = new Map();
for (const l of loads) {
  const p = packageOf(l.file);
  const row = byPackage.get(p) ?? { ms: 0, files: 0 };
  row.ms += l.ms - l.childMs;
  row.files += 1;
  byPackage.set(p, row);
}
process.stdout.write(`require(${path.relative(process.cwd(), target)}): ${totalMs.toFixed(0)} ms, ${loads.length} files\n\nself time by package:\n`);
for (const [p, v] of [...byPackage].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) process.stdout.write(`${v.ms.toFixed(1).padStart(8)} ms ${String(v.files).padStart(5)} files  ${p}\n`);
process.stdout.write(`\nslowest requires (inclusive):\n`);
for (const l of [...loads].sort((a, b) => b.ms - a.ms).slice(0, 15)) process.stdout.write(`${l.ms.toFixed(1).padStart(8)} ms  ${l.request}  (${packageOf(l.file)})\n`);
