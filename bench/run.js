#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench` (builds dist/ first): the micro benchmarks, the contenders of issue 9, the
 * engine scale, the provider plugin (issue 13) and the exec credential command (issue 15), in one run.
 * BENCH_ONLY=micro|contenders|engine|plugin|exec (comma-separated) runs some parts.
 * Writes bench/out/results.json, the tables (bench/out/benchmarks-fragment.md) and the SVG charts;
 * BENCH_DOCS=1 also writes docs/benchmarks.md from this run (all three parts required).
 * Not a test: nothing here asserts a time. Other parts' env settings: see each part's header.
 */
const { execFileSync } = require("node:child_process");
const { mkdirSync, writeFileSync } = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { writeReport, fragment } = require("./report");

const PARTS = ["micro", "contenders", "engine", "plugin", "exec"];

function meta() {
  const git = (/** @type {string[]} */ args) => execFileSync("git", args, { cwd: path.resolve(__dirname, ".."), encoding: "utf8" }).trim();
  return {
    date: new Date().toISOString(),
    commit: git(["rev-parse", "--short", "HEAD"]),
    dirty: git(["status", "--porcelain", "--untracked-files=no"]) !== "",
    machine: {
      cpuModel: os.cpus()[0]?.model ?? "unknown CPU",
      cores: os.cpus().length,
      memoryMb: os.totalmem() / 2 ** 20,
      os: `${os.type()} ${os.release()}`,
      node: process.versions.node,
      loadStart: os.loadavg()[0] ?? NaN,
    },
  };
}

async function main() {
  const only = (process.env["BENCH_ONLY"] ?? PARTS.join(",")).split(",").map((p) => p.trim()).filter(Boolean);
  const unknown = only.filter((p) => !PARTS.includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown part(s) ${unknown.join(", ")}; use ${PARTS.join(", ")}`);
  /** @type {Record<string, any>} */
  const results = { meta: meta() };
  const out = path.join(__dirname, "out");
  mkdirSync(out, { recursive: true });
  // Saved after each part, so a long run's finished parts survive a later failure.
  const save = () => writeFileSync(path.join(out, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  if (only.includes("micro")) {
    const { runMicro, printMicro } = require("./micro");
    results["micro"] = await runMicro();
    printMicro(results["micro"]);
    save();
  }
  if (only.includes("contenders")) {
    results["contenders"] = await require("./contenders").runContenders();
    save();
  }
  if (only.includes("engine")) results["engine"] = await require("./engine-scale").runEngineScale();
  if (only.includes("plugin")) {
    const { runPlugin, writePluginSection } = require("./plugin");
    results["plugin"] = await runPlugin();
    if (process.env["BENCH_DOCS"] === "1") writePluginSection(results["plugin"], results["meta"]);
    save();
  }
  if (only.includes("exec")) {
    const { runExec, execFragment } = require("./exec");
    results["exec"] = await runExec();
    process.stdout.write(`\n${execFragment(results["exec"])}\n`);
    save();
  }
  results["meta"].loadEnd = os.loadavg()[0];
  save();
  writeReport(results, { docs: process.env["BENCH_DOCS"] === "1" });
  process.stdout.write(`\n${fragment(results, "bench/out")}\n`);
  process.stderr.write(`bench: results in bench/out/ (results.json, benchmarks-fragment.md, charts)${process.env["BENCH_DOCS"] === "1" ? " and docs/benchmarks.md" : ""}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
