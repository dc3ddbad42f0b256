// Small helpers shared by the benchmark reports: medians, number formatting,
// Markdown tables, and the results file names (load-tests/results/<kind>-<date>).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function median(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function fmt(x, digits = 0) {
  if (!Number.isFinite(x)) return '-';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).replace(/,/g, '');
}

export function pct(x) {
  return Number.isFinite(x) ? `${Math.round(x * 100)}%` : '-';
}

/** A Markdown table; `align` holds 'l' or 'r' per column. */
export function table(headers, rows, align = headers.map(() => 'r')) {
  const out = [`| ${headers.join(' | ')} |`, `|${align.map((a) => (a === 'l' ? '---' : '---:')).join('|')}|`];
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  return out.join('\n');
}

export function machineLines(m) {
  return [
    `- machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, kernel ${m.kernel}`,
    `- Node.js ${m.node}; deserwall commit ${m.commit || 'unknown'}; taskset ${m.taskset ? 'available' : 'missing (runs unpinned)'}`,
  ];
}

/** Today's date as YYYY-MM-DD (UTC). */
export function today() {
  return new Date().toISOString().slice(0, 10);
}

/** Writes results/<kind>-<date>.md and .json; returns the two paths. */
export function writeResults(dir, kind, markdown, json) {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${kind}-${today()}`);
  writeFileSync(`${base}.md`, markdown.endsWith('\n') ? markdown : markdown + '\n');
  writeFileSync(`${base}.json`, JSON.stringify(json, null, 2) + '\n');
  return [`${base}.md`, `${base}.json`];
}
