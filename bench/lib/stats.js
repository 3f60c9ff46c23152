// @ts-check
/** Small statistics and formatting helpers shared by the benchmarks. Nothing here measures. */

/** The q-quantile (0..1) of `xs` by nearest rank; 0 for an empty list. */
function quantile(/** @type {ArrayLike<number>} */ xs, /** @type {number} */ q) {
  if (xs.length === 0) return 0;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

const median = (/** @type {ArrayLike<number>} */ xs) => quantile(xs, 0.5);

/** `a / b`, or NaN when either side is missing, so a missing contender never reads as a ratio of 0. */
function ratio(/** @type {number | undefined} */ a, /** @type {number | undefined} */ b) {
  return a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? NaN : a / b;
}

/** Milliseconds for humans: 3 significant digits. */
function ms(/** @type {number} */ value) {
  if (!Number.isFinite(value)) return "n/a";
  if (value < 0) return `−${ms(-value)}`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  if (value >= 1) return `${value.toFixed(2)} ms`;
  return `${(value * 1000).toFixed(value >= 0.1 ? 0 : 1)} µs`;
}

const times = (/** @type {number} */ r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "n/a");

/** A markdown table from a header row and rows of cells. */
function table(/** @type {string[]} */ header, /** @type {string[][]} */ rows) {
  const line = (/** @type {string[]} */ cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Milliseconds elapsed since `start` (a process.hrtime.bigint() value). */
const since = (/** @type {bigint} */ start) => Number(process.hrtime.bigint() - start) / 1e6;

module.exports = { quantile, median, ratio, ms, times, table, since };
