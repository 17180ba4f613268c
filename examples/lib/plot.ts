// Pictures for the examples, as SVG text: loss curves (one line per model, log scale when the
// loss falls by more than a decade) and the decision regions of a 2-D classifier with its
// points (what the classify2d demo draws). No dependencies: plain strings.

/** Class colours: the points, and (lightened) the regions. */
export const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"];

export interface Series {
  label: string;
  values: number[];
  color?: string;
  /** Dashed (e.g. a test curve beside a training curve). */
  dashed?: boolean;
}

const FONT = `font-family="Helvetica, Arial, sans-serif"`;

/** A loss curve: x the epoch (1 ... n), y the loss; several series share the axes. */
export function lossCurveSvg(series: Series[], options: { title: string; xLabel?: string; yLabel?: string }): string {
  const width = 640;
  const height = 400;
  const m = { left: 70, right: 20, top: 40 + 20 * Math.ceil(series.length / 2), bottom: 50 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && v > 0);
  const n = Math.max(...series.map((s) => s.values.length));
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const log = hi / lo > 20;
  const [y0, y1] = log ? [Math.floor(Math.log10(lo)), Math.ceil(Math.log10(hi))] : [0, niceCeil(hi)];
  const fy = (v: number) => (log ? Math.log10(Math.max(v, 10 ** y0)) : v);
  const X = (i: number) => m.left + (n <= 1 ? 0 : (i / (n - 1)) * w);
  const Y = (v: number) => m.top + h - ((fy(v) - y0) / (y1 - y0)) * h;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" ${FONT}>${escape(options.title)}</text>`);
  // y grid and ticks
  const yTicks = log ? range(y0, y1).map((e) => 10 ** e) : niceTicks(0, y1, 5);
  for (const t of yTicks) {
    const y = Y(t).toFixed(1);
    out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 8}" y="${y}" dy="4" text-anchor="end" font-size="12" ${FONT}>${formatTick(t)}</text>`);
  }
  // x ticks: epochs
  for (const t of niceTicks(1, n, 6)) {
    const x = X(t - 1).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${m.top + h}" y2="${m.top + h + 5}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${m.top + h + 20}" text-anchor="middle" font-size="12" ${FONT}>${t}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#333"/>`);
  out.push(
    `<text x="${m.left + w / 2}" y="${height - 10}" text-anchor="middle" font-size="13" ${FONT}>${escape(options.xLabel ?? "epoch")}</text>`,
  );
  out.push(
    `<text x="18" y="${m.top + h / 2}" text-anchor="middle" font-size="13" ${FONT} transform="rotate(-90 18 ${m.top + h / 2})">${escape(
      (options.yLabel ?? "loss") + (log ? " (log scale)" : ""),
    )}</text>`,
  );
  // the curves, thinned to at most ~1000 points each
  series.forEach((s, k) => {
    const color = s.color ?? COLORS[k % COLORS.length];
    const every = Math.max(1, Math.floor(s.values.length / 1000));
    const pts: string[] = [];
    for (let i = 0; i < s.values.length; i += every) pts.push(`${X(i).toFixed(1)},${Y(s.values[i]).toFixed(1)}`);
    const last = s.values.length - 1;
    if (last % every !== 0) pts.push(`${X(last).toFixed(1)},${Y(s.values[last]).toFixed(1)}`);
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ` stroke-dasharray="6 4"` : ""} points="${pts.join(" ")}"/>`,
    );
    // legend: above the plot, two to a row
    const ly = 46 + Math.floor(k / 2) * 20;
    const lx = m.left + (k % 2) * (w / 2);
    out.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ` stroke-dasharray="6 4"` : ""}/>`,
    );
    out.push(`<text x="${lx + 30}" y="${ly}" dy="4" font-size="12" ${FONT}>${escape(s.label)}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

export interface RegionsOptions {
  title: string;
  /** The plotted square: [min, max] on both axes. */
  extent: [number, number];
  /** The classifier at a point: its class probabilities. */
  probabilities: (x: number, y: number) => number[];
  points: { x: number; y: number; label: number }[];
  /** Grid cells per side (default 120). */
  cells?: number;
  /** Radius of the data points (default 4). */
  pointRadius?: number;
  caption?: string;
}

/**
 * The decision regions of a 2-D classifier: each cell of a grid coloured by the class the
 * classifier picks there, lighter where it is less sure; the data points on top. Cells of a row
 * with the same colour are one rectangle.
 */
export function regionsSvg(o: RegionsOptions): string {
  const size = 480;
  const m = { left: 20, top: 40, bottom: o.caption ? 40 : 20 };
  const width = size + 2 * m.left;
  const height = size + m.top + m.bottom;
  const cells = o.cells ?? 120;
  const [lo, hi] = o.extent;
  const cell = size / cells;
  const toX = (x: number) => m.left + ((x - lo) / (hi - lo)) * size;
  const toY = (y: number) => m.top + size - ((y - lo) / (hi - lo)) * size;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${width / 2}" y="26" text-anchor="middle" font-size="16" ${FONT}>${escape(o.title)}</text>`);
  out.push(`<g shape-rendering="crispEdges">`);
  for (let r = 0; r < cells; r++) {
    const y = hi - ((r + 0.5) / cells) * (hi - lo);
    let start = 0;
    let color = "";
    for (let c = 0; c <= cells; c++) {
      let next = "";
      if (c < cells) {
        const p = o.probabilities(lo + ((c + 0.5) / cells) * (hi - lo), y);
        const k = p.indexOf(Math.max(...p));
        // confidence from 1/C (a tie) to 1 (sure), in 4 shades
        const sure = (p[k] - 1 / p.length) / (1 - 1 / p.length);
        next = lighten(COLORS[k % COLORS.length], 0.55 + 0.35 * (1 - Math.round(sure * 4) / 4));
      }
      if (next !== color) {
        if (color)
          out.push(
            `<rect x="${(m.left + start * cell).toFixed(1)}" y="${(m.top + r * cell).toFixed(1)}" width="${((c - start) * cell).toFixed(1)}" height="${cell.toFixed(1)}" fill="${color}"/>`,
          );
        start = c;
        color = next;
      }
    }
  }
  out.push(`</g>`);
  for (const p of o.points) {
    out.push(
      `<circle cx="${toX(p.x).toFixed(1)}" cy="${toY(p.y).toFixed(1)}" r="${o.pointRadius ?? 4}" fill="${COLORS[p.label % COLORS.length]}" stroke="black" stroke-width="0.8"/>`,
    );
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${size}" height="${size}" fill="none" stroke="#333"/>`);
  if (o.caption)
    out.push(`<text x="${width / 2}" y="${height - 14}" text-anchor="middle" font-size="13" ${FONT}>${escape(o.caption)}</text>`);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

/** `#rrggbb` mixed with white: amount 0 keeps the colour, 1 is white. */
function lighten(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount);
  const rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(mix);
  return `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

function niceStep(span: number, count: number): number {
  const raw = span / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

function niceCeil(v: number): number {
  const s = niceStep(v, 5);
  return Math.ceil(v / s) * s;
}

function niceTicks(lo: number, hi: number, count: number): number[] {
  if (hi <= lo) return [lo];
  const s = niceStep(hi - lo, count);
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / s) * s; t <= hi + 1e-9; t += s) ticks.push(Number(t.toPrecision(12)));
  if (lo === 1 && ticks[0] !== 1) ticks.unshift(1);
  return ticks;
}

function formatTick(t: number): string {
  if (t === 0) return "0";
  if (t >= 1e-3 && t < 1e4) return String(Number(t.toPrecision(6)));
  return t.toExponential(0).replace("e+", "e");
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
