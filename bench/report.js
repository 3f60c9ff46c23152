#!/usr/bin/env node
// @ts-check
/**
 * Turns one run's results (bench/out/results.json, written by bench/run.js) into tables and charts:
 *   bench/out/benchmarks-fragment.md    the tables, as markdown
 *   bench/out/*.svg                     the charts
 * and, with --docs, docs/benchmarks.md (method, machine, tables, charts linked) and its charts in
 * docs/benchmarks/, from that one run only; it refuses a run that lacks a part.
 *
 * Usage: node bench/report.js [results.json] [--docs]
 */
const { mkdirSync, readFileSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { barChart, lineChart } = require("./lib/svg");
const { ms, ratio, table, times } = require("./lib/stats");

const REPO_ROOT = path.resolve(__dirname, "..");
const OUT = path.join(__dirname, "out");

const s = (/** @type {number | undefined} */ v, digits = 1) => (v === undefined || !Number.isFinite(v) ? "n/a" : `${v.toFixed(digits)} s`);
const mb = (/** @type {number} */ v) => `${v.toFixed(1)} MB`;
const met = (/** @type {boolean} */ ok) => (ok ? "met" : "**missed**");

/** @param {any} c contenders results */
function contenderTables(c) {
  const L = c.latency;
  const label = (/** @type {string} */ n) => c.labels[n] ?? n;
  const names = Object.keys(L);
  const lines = [];
  lines.push(`Sequential calls: ${c.settings.calls} per contender per round, ${c.settings.rounds} interleaved rounds (median round shown), after ${c.settings.warmup} warm-up calls each. Certificates pre-issued by the emulator: ${c.preissued}.`, "");
  lines.push(
    table(
      ["contender", "p50", "p99", "vs floor (p50)", "vs ours (p50)", "client CPU / call", "emulator CPU / call"],
      names.map((n) => [label(n), ms(L[n].p50), ms(L[n].p99), times(ratio(L[n].p50, L.floor?.p50)), times(ratio(L[n].p50, L.ours?.p50)), ms(L[n].clientCpuUs / 1000), ms(L[n].emulatorCpuUs / 1000)]),
    ),
    "",
  );
  lines.push(
    `Headline, p50: ours/floor **${times(ratio(L.ours?.p50, L.floor?.p50))}**, sdk/ours **${times(ratio(L.sdk?.p50, L.ours?.p50))}**; p99: ours/floor ${times(ratio(L.ours?.p99, L.floor?.p99))}, sdk/ours ${times(ratio(L.sdk?.p99, L.ours?.p99))}.`,
    "",
  );
  lines.push("Throughput (calls per second, median of the rounds; each round the same number of calls per contender):", "");
  const conc = c.settings.concurrency;
  lines.push(
    table(
      ["contender", ...conc.map((/** @type {number} */ k) => `concurrency ${k}`)],
      names.map((n) => [label(n), ...conc.map((/** @type {number} */ k) => `${L[n].throughput[k].toFixed(0)}/s`)]),
    ),
    "",
    table(
      ["ratio", ...conc.map((/** @type {number} */ k) => `concurrency ${k}`)],
      [
        ["ours / floor", ...conc.map((/** @type {number} */ k) => times(ratio(L.ours?.throughput[k], L.floor?.throughput[k])))],
        ["sdk / ours", ...conc.map((/** @type {number} */ k) => times(ratio(L.sdk?.throughput[k], L.ours?.throughput[k])))],
        ["provider / ours", ...conc.map((/** @type {number} */ k) => times(ratio(L.provider?.throughput[k], L.ours?.throughput[k])))],
      ],
    ),
    "",
    "CPU per call during the throughput runs (this process, the client / the emulator's process): a side near 1 s of CPU per second per core sets the pace.",
    "",
    table(
      ["contender", ...conc.map((/** @type {number} */ k) => `concurrency ${k}`)],
      names.map((n) => [label(n), ...conc.map((/** @type {number} */ k) => `${ms((L[n].throughputClientCpuUs?.[k] ?? NaN) / 1000)} / ${ms((L[n].throughputEmulatorCpuUs?.[k] ?? NaN) / 1000)}`)]),
    ),
    "",
  );
  lines.push("Where ours' extra time goes (each rung adds one piece of what CceClient does; client CPU per call is this process alone):", "");
  lines.push(
    table(
      ["rung", "p50", "client CPU / call", "added CPU / call"],
      c.ladder.map((/** @type {any} */ r, /** @type {number} */ i) => [r.label, ms(r.p50), ms(r.clientCpuUs / 1000), i === 0 ? "" : ms((r.clientCpuUs - c.ladder[i - 1].clientCpuUs) / 1000)]),
    ),
    "",
  );
  const C = c.coldStart;
  lines.push(`Cold start: a fresh Node process imports the library and makes one call; median of ${c.settings.coldProcesses} processes each, interleaved.`, "");
  lines.push(
    table(
      ["contender", "import", "first call", "process start to exit", "import vs undici", "import vs SDK"],
      Object.keys(C).map((n) => [label(n), ms(C[n].importMs), ms(C[n].firstCallMs), ms(C[n].wallMs), `${C[n].importMs - (C.floor?.importMs ?? NaN) >= 0 ? "+" : ""}${ms(C[n].importMs - (C.floor?.importMs ?? NaN))}`, times(ratio(C[n].importMs, C.sdk?.importMs))]),
    ),
    "",
  );
  const R = c.rss;
  const warm = Object.values(R)[0]?.warmup ?? 500;
  lines.push(`Memory: RSS of a fresh process after a ${warm}-call warm-up and after ${c.settings.rssCalls} more calls (full GC before each reading).`, "");
  lines.push(
    table(
      ["contender", "RSS before", "RSS after", "RSS growth", "V8 heap reserved, before → after", "heap used, before → after"],
      Object.keys(R).map((n) => [
        label(n),
        mb(R[n].rssBeforeMb),
        mb(R[n].rssAfterMb),
        mb(R[n].growthMb),
        `${mb(R[n].heapTotalBeforeMb ?? NaN)} → ${mb(R[n].heapTotalAfterMb ?? NaN)}`,
        `${mb(R[n].heapBeforeMb)} → ${mb(R[n].heapAfterMb)}`,
      ]),
    ),
    "",
  );
  const entry = C["ours-entry"];
  lines.push("Targets of issue 9 (section 2):", "");
  lines.push(
    table(
      ["target", "measured", ""],
      [
        ["ours/floor p50 ≤ 1.15", times(ratio(L.ours?.p50, L.floor?.p50)), met(ratio(L.ours?.p50, L.floor?.p50) <= 1.15)],
        ["sdk/ours p50 ≥ 2", times(ratio(L.sdk?.p50, L.ours?.p50)), met(ratio(L.sdk?.p50, L.ours?.p50) >= 2)],
        ["throughput at 64: ours ≥ 0.9 × floor", times(ratio(L.ours?.throughput[64], L.floor?.throughput[64])), met(ratio(L.ours?.throughput[64], L.floor?.throughput[64]) >= 0.9)],
        [
          "client entry import ≤ undici + 50 ms",
          entry ? `+${ms(entry.importMs - C.floor.importMs)}` : "no client entry point yet",
          entry ? met(entry.importMs - C.floor.importMs <= 50) : "**missed**",
        ],
        ["client entry import ≤ 0.6 × SDK's", entry ? times(ratio(entry.importMs, C.sdk?.importMs)) : "no client entry point yet", entry ? met(ratio(entry.importMs, C.sdk?.importMs) <= 0.6) : "**missed**"],
        ["RSS growth over the calls < 20 MB (ours)", mb(R.ours?.growthMb ?? NaN), met((R.ours?.growthMb ?? Infinity) < 20)],
      ],
    ),
    "",
  );
  return lines.join("\n");
}

/** @param {any} e engine results */
function engineTables(e) {
  const lines = [];
  const kinds = e.kinds;
  const kindLabel = (/** @type {string} */ k) => ({ trivial: "trivial", "trivial-secret": "trivial, outputs like ours", cce: "ClusterCertificate" })[k] ?? k;
  lines.push(
    `One stack per size and kind, the real engine, file backend, emulator serving pre-issued certificates (${e.preissued}); seconds of wall time per operation, the Automation API's process start included; median of ${e.rounds} round(s).`,
    "",
  );
  for (const op of ["up", "preview", "refresh", "destroy"]) {
    lines.push(`\`${op}\`: wall time, and in brackets CPU time of the Automation API process and the CLI + of the provider host:`, "");
    const cell = (/** @type {string} */ k, /** @type {number} */ n) => {
      const c = e.cpu?.[k]?.[n]?.[op];
      return `${s(e.ops[k]?.[n]?.[op])}${c ? ` (${c.engine.toFixed(1)} + ${c.host.toFixed(1)})` : ""}`;
    };
    lines.push(
      table(
        ["N", ...kinds.map(kindLabel), "ClusterCertificate / trivial, wall", "ClusterCertificate / trivial, CPU"],
        e.sizes.map((/** @type {number} */ n) => {
          const cpuOf = (/** @type {string} */ k) => (e.cpu?.[k]?.[n]?.[op] ? e.cpu[k][n][op].engine + e.cpu[k][n][op].host : NaN);
          return [String(n), ...kinds.map((/** @type {string} */ k) => cell(k, n)), times(ratio(e.ops.cce?.[n]?.[op], e.ops.trivial?.[n]?.[op])), times(ratio(cpuOf("cce"), cpuOf("trivial")))];
        }),
      ),
      "",
    );
  }
  lines.push("`up`, per resource: seconds per resource, and the marginal cost of each resource added since the previous size:", "");
  const marginal = (/** @type {string} */ k, /** @type {number} */ i) => {
    const n = e.sizes[i];
    const p = e.sizes[i - 1];
    return i === 0 ? undefined : ((e.ops[k]?.[n]?.up ?? NaN) - (e.ops[k]?.[p]?.up ?? NaN)) / (n - p);
  };
  const cpuUp = (/** @type {string} */ k, /** @type {number} */ n) => (e.cpu?.[k]?.[n]?.up ? e.cpu[k][n].up.engine + e.cpu[k][n].up.host : NaN);
  const cpuMarginal = (/** @type {string} */ k, /** @type {number} */ i) =>
    i === 0 ? undefined : (cpuUp(k, e.sizes[i]) - cpuUp(k, e.sizes[i - 1])) / (e.sizes[i] - e.sizes[i - 1]);
  lines.push(
    table(
      ["N", ...kinds.map((/** @type {string} */ k) => `${kindLabel(k)}: s / resource`), ...kinds.map((/** @type {string} */ k) => `${kindLabel(k)}: marginal, wall (CPU)`)],
      e.sizes.map((/** @type {number} */ n, /** @type {number} */ i) => [
        String(n),
        ...kinds.map((/** @type {string} */ k) => s((e.ops[k]?.[n]?.up ?? NaN) / n, 3)),
        ...kinds.map((/** @type {string} */ k) => (i === 0 ? "" : `${ms((marginal(k, i) ?? NaN) * 1000)} (${ms((cpuMarginal(k, i) ?? NaN) * 1000)})`)),
      ]),
    ),
    "",
  );
  const n = e.diagnosis.n;
  lines.push(`State (\`pulumi stack export\`, secrets encrypted) at N=${n}:`, "");
  lines.push(
    table(
      ["kind", "checkpoint", "per resource", "of it: secret ciphertext", "of it: serialized provider"],
      kinds.map((/** @type {string} */ k) => {
        const st = e.state[k]?.[n];
        return [kindLabel(k), st ? `${(st.bytes / 1024).toFixed(0)} KiB` : "n/a", st ? `${(st.bytesPerResource / 1024).toFixed(1)} KiB` : "n/a", st ? `${(st.ciphertextPerResource / 1024).toFixed(1)} KiB` : "n/a", st ? `${(st.providerPerResource / 1024).toFixed(1)} KiB` : "n/a"];
      }),
    ),
    "",
  );
  const d = e.diagnosis;
  lines.push(`Where \`up\` time goes at N=${n}: the same \`up\` with \`PULUMI_SKIP_CHECKPOINTS=true\` (only the final state written):`, "");
  lines.push(
    table(
      ["kind", "up (wall / CPU)", "up, no intermediate checkpoints (wall / CPU)", "checkpoints' share of CPU"],
      kinds.map((/** @type {string} */ k) => {
        const full = e.cpu?.[k]?.[n]?.up?.engine;
        const skip = d.skipCheckpoints?.[k];
        return [kindLabel(k), `${s(e.ops[k]?.[n]?.up)} / ${s(full)}`, skip ? `${s(skip.wall)} / ${s(skip.cpu)}` : "n/a", full && skip ? `${(((full - skip.cpu) / full) * 100).toFixed(0)}%` : "n/a"];
      }),
    ),
    "",
  );
  for (const [opName, host] of Object.entries(d.host ?? {})) {
    if (!host) continue;
    const h = /** @type {any} */ (host);
    lines.push(`The provider host during \`${opName}\` of ${n} ClusterCertificates: ${h.hostProcesses} process(es), ${ms(h.cpuMs)} of CPU:`, "");
    lines.push(
      table(
        ["provider method", "calls", "total", "median", "first start to last end"],
        Object.entries(h.byFn).map(([fn, v]) => [fn, String(/** @type {any} */ (v).calls), ms(/** @type {any} */ (v).totalMs), ms(/** @type {any} */ (v).medianMs), ms(/** @type {any} */ (v).lastEnd - /** @type {any} */ (v).firstStart)]),
      ),
      "",
    );
  }
  lines.push("Targets of issue 9 (section 4):", "");
  const top = e.sizes.at(-1);
  const r = ratio(e.ops.cce?.[top]?.up, e.ops.trivial?.[top]?.up);
  const i10 = e.sizes.indexOf(10);
  const flat = i10 > 0 ? e.sizes.slice(i10 + 1).map((/** @type {number} */ _n, /** @type {number} */ j) => marginal("cce", i10 + 1 + j) ?? NaN) : [];
  lines.push(
    table(
      ["target", "measured", ""],
      [
        [`up at N=${top}: ClusterCertificate ≤ 1.3 × trivial`, times(r), met(r <= 1.3)],
        ["marginal cost flat from 10 to 100 (ClusterCertificate)", flat.map((v) => ms(v * 1000)).join(" → "), flat.length ? met(Math.max(...flat) <= 1.3 * Math.max(1e-3, Math.min(...flat))) : "n/a"],
      ],
    ),
    "",
  );
  return lines.join("\n");
}

/** @param {any} m micro results */
function microTable(m) {
  return table(
    ["benchmark", "baseline", "subject", "ratio"],
    m.rows.map((/** @type {any} */ r) => [r.name, ms(r.baseline / 1e6), ms(r.subject / 1e6), times(r.ratio)]),
  );
}

/** @param {any} results @returns {Record<string, string>} file name -> SVG */
function charts(results) {
  /** @type {Record<string, string>} */
  const out = {};
  const c = results.contenders;
  if (c) {
    const floor = c.latency.floor?.p50;
    out["latency.svg"] = barChart({
      title: "Latency per clustercert call, sequential, loopback",
      unit: "ms",
      valueName: "p50",
      whiskerName: "p99",
      rows: Object.entries(c.latency).map(([n, v]) => ({ label: c.labels[n] ?? n, value: /** @type {any} */ (v).p50, whisker: /** @type {any} */ (v).p99, note: `${times(ratio(/** @type {any} */ (v).p50, floor))} floor` })),
    });
  }
  const e = results.engine;
  if (e) {
    const name = (/** @type {string} */ k) => ({ trivial: "trivial", "trivial-secret": "trivial, outputs like ours", cce: "ClusterCertificate" })[k] ?? k;
    out["engine-seconds-per-resource.svg"] = lineChart({
      title: "pulumi up: seconds per resource against stack size",
      subtitle: "wall time of up / N (log scale); solid: up, dashed: refresh",
      xLabel: "resources in the stack (N)",
      yLabel: "seconds per resource",
      x: e.sizes,
      log: true,
      series: e.kinds.flatMap((/** @type {string} */ k, /** @type {number} */ i) => [
        { name: `${name(k)}, up`, values: e.sizes.map((/** @type {number} */ n) => (e.ops[k]?.[n]?.up ?? NaN) / n), color: ["#4e79a7", "#f28e2b", "#e15759"][i] },
        { name: `${name(k)}, refresh`, values: e.sizes.map((/** @type {number} */ n) => (e.ops[k]?.[n]?.refresh ?? NaN) / n), dashed: true, color: ["#4e79a7", "#f28e2b", "#e15759"][i] },
      ]),
    });
    out["engine-marginal.svg"] = lineChart({
      title: "pulumi up: marginal cost of one more resource",
      subtitle: "(up(N) − up(previous N)) / (N − previous N); solid: wall time, dashed: CPU (CLI + host)",
      xLabel: "resources in the stack (N)",
      yLabel: "ms per added resource",
      x: e.sizes.slice(1),
      series: e.kinds.flatMap((/** @type {string} */ k, /** @type {number} */ i) => {
        const cpuUp = (/** @type {number} */ n) => (e.cpu?.[k]?.[n]?.up ? e.cpu[k][n].up.engine + e.cpu[k][n].up.host : NaN);
        const slope = (/** @type {(n: number) => number} */ f) => e.sizes.slice(1).map((/** @type {number} */ n, /** @type {number} */ j) => ((f(n) - f(e.sizes[j])) / (n - e.sizes[j])) * 1000);
        const color = ["#4e79a7", "#f28e2b", "#e15759"][i];
        return [
          { name: `${name(k)}, wall`, color, values: slope((n) => e.ops[k]?.[n]?.up ?? NaN) },
          { name: `${name(k)}, CPU`, color, dashed: true, values: slope(cpuUp) },
        ];
      }),
    });
  }
  return out;
}

/** The tables of every part present. */
function fragment(/** @type {any} */ results, chartDir = ".") {
  const parts = [];
  if (results.contenders) parts.push("## Three contenders, one run", "", `![latency per contender](${chartDir}/latency.svg)`, "", contenderTables(results.contenders));
  if (results.engine) {
    parts.push("## Scale in the real engine", "", `![seconds per resource](${chartDir}/engine-seconds-per-resource.svg)`, "", `![marginal cost per resource](${chartDir}/engine-marginal.svg)`, "", engineTables(results.engine));
  }
  if (results.plugin) parts.push(require("./plugin").pluginFragment(results.plugin));
  if (results.exec) parts.push("## The exec credential command", "", require("./exec").execFragment(results.exec), "");
  if (results.micro) parts.push("## Micro benchmarks (ratios against same-run baselines)", "", microTable(results.micro), "");
  return parts.join("\n");
}

function machine(/** @type {any} */ meta) {
  const m = meta.machine;
  return [
    `- Date: ${meta.date}; commit \`${meta.commit}\`${meta.dirty ? " (with uncommitted changes)" : ""}.`,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${(m.memoryMb / 1024).toFixed(0)} GiB; ${m.os}; Node ${m.node}.`,
    `- Load average (1 min) at start ${m.loadStart.toFixed(1)}, at the end ${meta.loadEnd?.toFixed(1) ?? "n/a"}: other work ran on this machine, so absolute times are noisy; every ratio compares figures of the same run, interleaved.`,
  ].join("\n");
}

function document(/** @type {any} */ results) {
  return [
    "# Benchmarks",
    "",
    "<!-- Written by `npm run bench` (bench/report.js --docs) from one run; do not edit by hand. -->",
    "",
    "## Method",
    "",
    "- `npm run bench` builds `dist/` and runs three parts: the micro benchmarks (bench/micro.js), the contenders (bench/contenders.js) and the engine scale (bench/engine-scale.js). `BENCH_ONLY=micro|contenders|engine` runs one part; the numbers on this page come from one run of all three.",
    "- Contenders, on loopback against the package's own CCE emulator, which runs in a child process and answers every clustercert call with a certificate issued once (so its key generation and signing do not set the pace; its CPU per call is reported): the **floor** (bare undici, the same 16-connection keep-alive pool, headers signed once per round, the answer read and not validated); **ours** (`CceClient.createClusterCertificate`, signing every call and validating the answer; and the provider's `create` as the dynamic-provider host runs it: outputs, X.509 facts and kubeconfig YAML); the **official SDK** `createKubernetesClusterCert` of `@huaweicloud/huaweicloud-sdk-cce` (AK/SK, explicit endpoint and project id, its default axios on Node's global agent).",
    "- Rounds are interleaved and rotated, so load from elsewhere hits every contender alike; each figure is the median round. CPU per call is read from each process (`process.cpuUsage`).",
    "- Engine: one stack per size and kind, the real Pulumi CLI (built from Go modules by scripts/install-pulumi.sh), the file backend, the package installed from its tarball into a program folder; `trivial` is a dynamic resource whose provider's create returns at once, `trivial, outputs like ours` the same with outputs as large and as secret as a ClusterCertificate's.",
    "",
    "## Machine",
    "",
    machine(results.meta),
    "",
    fragment(results, "benchmarks"),
  ].join("\n");
}

function writeReport(/** @type {any} */ results, { docs = false } = {}) {
  mkdirSync(OUT, { recursive: true });
  const svgs = charts(results);
  for (const [file, svg] of Object.entries(svgs)) writeFileSync(path.join(OUT, file), svg);
  writeFileSync(path.join(OUT, "benchmarks-fragment.md"), `${fragment(results)}\n`);
  if (!docs) return;
  const missing = ["micro", "contenders", "engine"].filter((part) => !results[part]);
  if (missing.length > 0) throw new Error(`docs/benchmarks.md comes from one run of every part; this run lacks ${missing.join(", ")}`);
  const dir = path.join(REPO_ROOT, "docs", "benchmarks");
  mkdirSync(dir, { recursive: true });
  for (const [file, svg] of Object.entries(svgs)) writeFileSync(path.join(dir, file), svg);
  writeFileSync(path.join(REPO_ROOT, "docs", "benchmarks.md"), `${document(results)}\n`);
}

module.exports = { writeReport, fragment };

if (require.main === module) {
  const file = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? path.join(OUT, "results.json");
  writeReport(JSON.parse(readFileSync(file, "utf8")), { docs: process.argv.includes("--docs") });
  process.stderr.write(`bench report: wrote ${OUT}${process.argv.includes("--docs") ? " and docs/benchmarks.md" : ""}\n`);
}
