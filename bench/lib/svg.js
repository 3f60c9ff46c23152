// @ts-check
/**
 * Hand-written SVG charts (no dependency): a horizontal bar chart with whiskers, and a line chart.
 * Plain SVG 1.1 with inline styles, so GitHub renders it from a markdown image link.
 */

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';
const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"];

const xml = (/** @type {string} */ s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (/** @type {number} */ n) => (Math.round(n * 10) / 10).toString();

/** A round step for about `ticks` gridlines up to `max`. */
function niceStep(/** @type {number} */ max, ticks = 5) {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  return step;
}

/**
 * Horizontal bars (one per row) from 0 to `value`, with a whisker to `whisker` when given.
 * @param {{title: string, unit: string, rows: Array<{label: string, value: number, whisker?: number, note?: string}>, valueName: string, whiskerName?: string}} chart
 */
function barChart(chart) {
  // About 7.5 px per character at 13 px.
  const labelWidth = 24 + Math.ceil(7.5 * Math.max(...chart.rows.map((r) => r.label.length)));
  const plotWidth = 420;
  const noteWidth = 110;
  const rowHeight = 34;
  const top = 56;
  const width = labelWidth + plotWidth + noteWidth + 20;
  const height = top + chart.rows.length * rowHeight + 44;
  const max = Math.max(...chart.rows.map((r) => Math.max(r.value, r.whisker ?? 0)), 1e-9);
  const step = niceStep(max);
  const axisMax = Math.ceil(max / step) * step;
  const x = (/** @type {number} */ v) => labelWidth + (v / axisMax) * plotWidth;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="15" font-weight="600">${xml(chart.title)}</text>`,
    `<text x="12" y="44" fill="#555">${xml(`bar: ${chart.valueName}${chart.whiskerName ? `; whisker: ${chart.whiskerName}` : ""} (${chart.unit})`)}</text>`,
  ];
  for (let v = 0; v <= axisMax + step / 2; v += step) {
    parts.push(`<line x1="${num(x(v))}" y1="${top - 4}" x2="${num(x(v))}" y2="${top + chart.rows.length * rowHeight}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${num(x(v))}" y="${top + chart.rows.length * rowHeight + 18}" text-anchor="middle" fill="#555">${xml(String(Number(v.toPrecision(6))))}</text>`);
  }
  chart.rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const color = COLORS[i % COLORS.length];
    parts.push(`<text x="${labelWidth - 8}" y="${y + 21}" text-anchor="end">${xml(row.label)}</text>`);
    parts.push(`<rect x="${labelWidth}" y="${y + 7}" width="${num(Math.max(1, x(row.value) - labelWidth))}" height="20" fill="${color}"/>`);
    if (row.whisker !== undefined) {
      const y0 = y + 17;
      parts.push(`<line x1="${num(x(row.value))}" y1="${y0}" x2="${num(x(row.whisker))}" y2="${y0}" stroke="#333"/>`);
      parts.push(`<line x1="${num(x(row.whisker))}" y1="${y0 - 6}" x2="${num(x(row.whisker))}" y2="${y0 + 6}" stroke="#333"/>`);
    }
    if (row.note) parts.push(`<text x="${labelWidth + plotWidth + 12}" y="${y + 21}" fill="#333">${xml(row.note)}</text>`);
  });
  parts.push(`<text x="${labelWidth + plotWidth / 2}" y="${height - 6}" text-anchor="middle" fill="#555">${xml(chart.unit)}</text>`, "</svg>");
  return `${parts.join("\n")}\n`;
}

/**
 * Lines over categorical x positions (evenly spaced), linear or log10 y.
 * @param {{title: string, subtitle?: string, xLabel: string, yLabel: string, x: number[], log?: boolean, series: Array<{name: string, values: Array<number | undefined>, dashed?: boolean, color?: string}>}} chart
 */
function lineChart(chart) {
  const left = 70;
  const top = 64;
  const plotWidth = 480;
  const plotHeight = 280;
  const legendWidth = 80 + Math.ceil(7.5 * Math.max(...chart.series.map((s) => s.name.length)));
  const width = left + plotWidth + legendWidth;
  const height = top + plotHeight + 56;
  const values = chart.series.flatMap((s) => s.values).filter((v) => v !== undefined && Number.isFinite(v) && (!chart.log || v > 0));
  const maxV = Math.max(...values.map(Number), 1e-9);
  const minV = Math.min(...values.map(Number));
  /** @type {number[]} */
  let ticks;
  /** @type {(v: number) => number} */
  let y;
  if (chart.log) {
    const lo = Math.floor(Math.log10(Math.max(minV, 1e-9)));
    const hi = Math.ceil(Math.log10(maxV));
    ticks = [];
    for (let e = lo; e <= hi; e++) for (const m of [1, 2, 5]) if (m === 1 || e < hi) ticks.push(m * 10 ** e);
    y = (v) => top + plotHeight - ((Math.log10(v) - lo) / Math.max(1, hi - lo)) * plotHeight;
  } else {
    // Negative values (a marginal cost measured below zero by noise) extend the axis down.
    const step = niceStep(maxV - Math.min(0, minV));
    const axisMax = Math.ceil(maxV / step) * step;
    const axisMin = Math.min(0, Math.floor(minV / step) * step);
    ticks = [];
    for (let v = axisMin; v <= axisMax + step / 2; v += step) ticks.push(v);
    y = (v) => top + plotHeight - ((v - axisMin) / (axisMax - axisMin)) * plotHeight;
  }
  const x = (/** @type {number} */ i) => left + (chart.x.length === 1 ? plotWidth / 2 : (i / (chart.x.length - 1)) * plotWidth);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="15" font-weight="600">${xml(chart.title)}</text>`,
  ];
  if (chart.subtitle) parts.push(`<text x="12" y="44" fill="#555">${xml(chart.subtitle)}</text>`);
  for (const t of ticks) {
    parts.push(`<line x1="${left}" y1="${num(y(t))}" x2="${left + plotWidth}" y2="${num(y(t))}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${left - 8}" y="${num(y(t) + 4)}" text-anchor="end" fill="#555">${xml(String(Number(t.toPrecision(6))))}</text>`);
  }
  chart.x.forEach((v, i) => parts.push(`<text x="${num(x(i))}" y="${top + plotHeight + 20}" text-anchor="middle" fill="#555">${v}</text>`));
  parts.push(`<text x="${left + plotWidth / 2}" y="${top + plotHeight + 44}" text-anchor="middle" fill="#555">${xml(chart.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#555">${xml(chart.yLabel)}</text>`);
  chart.series.forEach((s, k) => {
    const color = s.color ?? COLORS[k % COLORS.length];
    const points = s.values
      .map((v, i) => (v === undefined || !Number.isFinite(v) || (chart.log && v <= 0) ? undefined : `${num(x(i))},${num(y(v))}`))
      .filter((p) => p !== undefined);
    if (points.length > 1) parts.push(`<polyline points="${points.join(" ")}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    for (const p of points) {
      const [px, py] = String(p).split(",");
      parts.push(`<circle cx="${px}" cy="${py}" r="3.5" fill="${color}"/>`);
    }
    const ly = top + 8 + k * 22;
    parts.push(`<line x1="${left + plotWidth + 20}" y1="${ly}" x2="${left + plotWidth + 48}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    parts.push(`<text x="${left + plotWidth + 54}" y="${ly + 4}">${xml(s.name)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

module.exports = { barChart, lineChart };
