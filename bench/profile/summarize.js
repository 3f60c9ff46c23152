#!/usr/bin/env node
// @ts-check
/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: the functions with the
 * most self time, and the inclusive time of functions matching --focus (time with the function
 * on the stack, each sample counted once per function even under recursion), optionally per call.
 *
 * Usage: node bench/profile/summarize.js FILE.cpuprofile [--top=25] [--focus=regex] [--calls=N]
 */
const { readFileSync } = require("node:fs");
const path = require("node:path");

/**
 * @typedef {{id: number, callFrame: {functionName: string, url: string, lineNumber: number}, children?: number[]}} ProfileNode
 * @typedef {{nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number}} Profile
 */

/** "fn (package/file:line)", the package or file made short. */
function frameKey(/** @type {ProfileNode["callFrame"]} */ f) {
  const name = f.functionName || "(anonymous)";
  if (!f.url) return name;
  let where = f.url.replace(/^file:\/\//, "");
  const nm = where.lastIndexOf("node_modules/");
  if (nm !== -1) where = where.slice(nm + "node_modules/".length);
  else if (where.includes("/dist/")) where = `dist/${where.split("/dist/").at(-1)}`;
  else where = path.basename(where);
  return `${name} (${where}:${f.lineNumber + 1})`;
}

/** @param {Profile} profile */
function summarize(profile) {
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** @type {Map<string, number>} */
  const self = new Map();
  /** @type {Map<string, number>} */
  const inclusive = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // ms; a sample's time is the delta to the next
    total += dt;
    const node = byId.get(id);
    if (!node) return;
    const key = frameKey(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    /** @type {Set<string>} */
    const seen = new Set();
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parent.get(at)) {
      const k = frameKey(/** @type {ProfileNode} */ (byId.get(at)).callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  return { total, self, inclusive };
}

/** Self time summed by package (node_modules/<name>), this package's dist/, node internals or V8. */
function byPackage(/** @type {Profile} */ profile) {
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<string, number>} */
  const out = new Map();
  profile.samples.forEach((id, i) => {
    const url = byId.get(id)?.callFrame.url ?? "";
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    let key = "(V8, GC, idle, native)";
    const nm = url.lastIndexOf("node_modules/");
    if (nm !== -1) {
      const rest = url.slice(nm + "node_modules/".length).split("/");
      key = rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? "?");
    } else if (url.includes("/dist/")) key = "pulumi-cce-kubeconfig (dist)";
    else if (url.startsWith("node:")) key = "node internals";
    else if (url) key = path.basename(url);
    out.set(key, (out.get(key) ?? 0) + dt);
  });
  return out;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--"));
  if (!file) throw new Error("usage: summarize.js FILE.cpuprofile [--top=25] [--focus=regex] [--calls=N]");
  const opt = (/** @type {string} */ name) => args.find((a) => a.startsWith(`--${name}=`))?.split("=").slice(1).join("=");
  const top = Number(opt("top") ?? 25);
  const calls = Number(opt("calls") ?? 0);
  const focus = opt("focus");
  /** @type {Profile} */
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const { total, self, inclusive } = summarize(profile);
  const per = (/** @type {number} */ v) => (calls > 0 ? `  ${((v / calls) * 1000).toFixed(1).padStart(8)} µs/call` : "");
  const line = (/** @type {string} */ k, /** @type {number} */ v) => `${v.toFixed(1).padStart(9)} ms ${((v / total) * 100).toFixed(1).padStart(5)}%${per(v)}  ${k}`;
  process.stdout.write(`${path.basename(file)}: ${total.toFixed(0)} ms sampled\n\nself time by package:\n`);
  for (const [k, v] of [...byPackage(profile)].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`${line(k, v)}\n`);
  process.stdout.write(`\ntop ${top} by self time:\n`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${line(k, v)}\n`);
  if (focus) {
    const re = new RegExp(focus);
    process.stdout.write(`\ninclusive time of functions matching /${focus}/:\n`);
    for (const [k, v] of [...inclusive].filter(([k]) => re.test(k)).sort((a, b) => b[1] - a[1]).slice(0, top * 2)) process.stdout.write(`${line(k, v)}\n`);
  }
}

module.exports = { summarize, byPackage, frameKey };
