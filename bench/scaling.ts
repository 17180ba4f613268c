// The scaling benchmark (`npm run bench:scaling`): how the cost of adc's value + gradient grows
// with the size of the problem, against the forward function's.
//   - A tanh MLP (bench/scaling-functions.ts: L = 0.5 ||t - y||^2, a linear output of 10,
//     parameters in one record, wrt(p)), one example:
//       width: one hidden layer of 32, 64, 128, 256, 512 units, input 64 (the weights,
//              75 H + 10, grow linearly with H); and, to see the lectures' quadratic law, four
//              hidden layers of the same widths (three H x H layers: 3 H^2 + 78 H + 10 weights);
//       depth: 1 .. 8 hidden layers of 64 units, input 64 (the weights grow linearly).
//   - The scalar recurrence of bench/euler-functions.ts (explicit Euler with a branch in the
//     loop) over 10^2 .. 10^6 steps, with the bytes adc's stacks hold at their peak in one call.
// For each series, the exponent k of time ~ C size^k by least squares on log-log (and of the
// stack bytes for the steps), the ratio value+grad / forward per size, and an SVG plot (log-log
// axes, points, fitted lines, legend) written to bench/scaling-{width,depth,steps}.svg.
//
// Method: as bench/mlp.ts. The compiler runs first on bench/scaling-functions.ts and on
// bench/euler-functions.ts (writing their .grad.ts), so the current emitter is what is measured.
// adc's gradient is checked against central differences (a 3-4-2 network with 1 and 3 hidden
// layers, every entry; Euler at 100 steps) and its value against the forward function on every
// timed instance before any timing. Then every (size, variant) of a series is one entry of an
// interleaved round (the order rotating from round to round, after warm-up rounds), so all sizes
// of a curve see the same machine state; each entry runs a batch of calls sized to about --ms
// milliseconds, alternating two argument sets; gradient records are zeroed outside the clock.
// Reported: medians of per-call times, medians of per-round paired ratios. No assertion is made
// on timings.
//
// Options: --rounds N (timed rounds per series, default 41), --ms T (target ms per batch, default 8).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { compileText } from "../compiler/index.js";
import { euler } from "./euler-functions.js";
import { deepLoss } from "./scaling-functions.js";
import { interleave, median, positiveOption } from "./harness.js";

// ---------------------------------------------------------------------------------------
// 1. Generate the .grad.ts files with the current compiler.

interface StackLike {
  peakBytes: number;
  length: number;
  resetPeak(): void;
}

interface DeepMLP {
  W0: number[][];
  b0: number[];
  W: number[][][];
  b: number[][];
  V: number[][];
  c: number[];
}

interface EulerRecord {
  a: number;
  b: number;
  x0: number;
  h: number;
  steps: number;
}

interface MLPModule {
  deepLossGradInto(p: DeepMLP, x: number[], t: number[], grad: { p: DeepMLP }, seed?: number): number;
  deepLossGradStacks: Record<string, StackLike>;
}

interface EulerModule {
  eulerGradInto(a: number, b: number, x0: number, h: number, steps: number, grad: EulerRecord, seed?: number): number;
  eulerGradStacks: Record<string, StackLike>;
}

async function generate<M>(name: string): Promise<M> {
  const src = path.join(__dirname, `${name}.ts`);
  const out = path.join(__dirname, `${name}.grad.ts`);
  const result = await compileText(src, fs.readFileSync(src, "utf8"));
  if (result.diagnostics.length || result.code === undefined) {
    for (const d of result.diagnostics) console.error(`bench/${name}.ts: ${JSON.stringify(d.span)}: ${d.message}`);
    throw new Error(`adc failed to compile bench/${name}.ts`);
  }
  const old = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined;
  if (old !== result.code) fs.writeFileSync(out, result.code);
  // loaded at run time (tsx compiles it); a variable path keeps `tsc` from needing the file
  return require(out) as M;
}

// ---------------------------------------------------------------------------------------
// 2. Data. Arrays are built by push from doubles (PACKED_DOUBLE_ELEMENTS, as a user's Float64
//    data in plain arrays); arrays of arrays are PACKED_ELEMENTS even when empty (one map for p
//    whatever the depth).

function lcg(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
}

function doubles(n: number, fill: () => number): number[] {
  const a: number[] = [];
  for (let j = 0; j < n; j++) a.push(fill());
  return a;
}

function rows<T>(m: number, row: (i: number) => T): T[] {
  const a: T[] = [[] as unknown as T];
  a.pop(); // PACKED_ELEMENTS, also when m = 0
  for (let i = 0; i < m; i++) a.push(row(i));
  return a;
}

interface Net {
  n: number; // inputs
  H: number; // units per hidden layer
  D: number; // hidden layers
  O: number; // outputs
}

interface Instance {
  p: DeepMLP;
  x: number[];
  t: number[];
}

function instance(s: Net, seed: number): Instance {
  const rand = lcg(seed);
  // weights of size 1 / sqrt(fan-in) keep every z of order 1 (tanh away from saturation)
  const w0 = 1 / Math.sqrt(s.n);
  const w = 1 / Math.sqrt(s.H);
  const small = (scale: number) => () => rand() * scale + 1e-9;
  const p: DeepMLP = {
    W0: rows(s.H, () => doubles(s.n, small(w0))),
    b0: doubles(s.H, small(0.5)),
    W: rows(s.D - 1, () => rows(s.H, () => doubles(s.H, small(w)))),
    b: rows(s.D - 1, () => doubles(s.H, small(0.5))),
    V: rows(s.O, () => doubles(s.H, small(w))),
    c: doubles(s.O, small(0.5)),
  };
  return { p, x: doubles(s.n, small(1)), t: doubles(s.O, small(1)) };
}

/** A record of p's shape, every entry 0 (still PACKED_DOUBLE_ELEMENTS). */
function zerosLike(p: DeepMLP): DeepMLP {
  const z = (v: number[]) => {
    const a = doubles(v.length, () => 0.5);
    a.fill(0);
    return a;
  };
  const m = (rs: number[][]) => rows(rs.length, (i) => z(rs[i]));
  return { W0: m(p.W0), b0: z(p.b0), W: rows(p.W.length, (l) => m(p.W[l])), b: m(p.b), V: m(p.V), c: z(p.c) };
}

/** Every number of the record, in a fixed order, as [array, index] (to read or to bump). */
function leaves(p: DeepMLP): [number[], number][] {
  const out: [number[], number][] = [];
  const vec = (v: number[]) => v.forEach((_, i) => out.push([v, i]));
  p.W0.forEach(vec);
  vec(p.b0);
  p.W.forEach((m) => m.forEach(vec));
  p.b.forEach(vec);
  p.V.forEach(vec);
  vec(p.c);
  return out;
}

const weights = (s: Net) => s.H * s.n + s.H + (s.D - 1) * (s.H * s.H + s.H) + s.O * s.H + s.O;

function zeroInPlace(g: DeepMLP): void {
  for (const r of g.W0) r.fill(0);
  g.b0.fill(0);
  for (const m of g.W) for (const r of m) r.fill(0);
  for (const r of g.b) r.fill(0);
  for (const r of g.V) r.fill(0);
  g.c.fill(0);
}

function sumRecord(g: DeepMLP): number {
  let t = 0;
  for (const [a, i] of leaves(g)) t += a[i];
  return t;
}

// Records start with double fields (see bench/euler.ts: a Smi 0 would change the map later).
const eulerRecord = (): EulerRecord => {
  const r = { a: 0.5, b: 0.5, x0: 0.5, h: 0.5, steps: 0.5 };
  r.a = r.b = r.x0 = r.h = r.steps = 0;
  return r;
};

type EulerArgs = readonly [number, number, number, number, number];

/** The two argument sets of bench/euler.ts: the step is 10 / steps (the same trajectory at every size). */
function eulerArgs(steps: number): [EulerArgs, EulerArgs] {
  const h = 10 / steps;
  return [
    [2, 0.5, 0.5, h, steps], //  rises through x = 1, mostly on the tanh branch
    [0.5, 0.8, 2.5, h, steps], // falls through x = 1, mostly on the sin branch
  ];
}

// ---------------------------------------------------------------------------------------
// 3. Correctness, before any timing. Fails loudly.

const fail = (msg: string): never => {
  throw new Error(`bench check failed: ${msg}`);
};

function checkMLP(gen: MLPModule): void {
  for (const D of [1, 3]) {
    const s: Net = { n: 3, H: 4, D, O: 2 };
    for (const seed of [5, 6]) {
      const q = instance(s, seed);
      const where = `(3-4-2, ${D} hidden layers, seed ${seed})`;
      const value = deepLoss(q.p, q.x, q.t);
      const g = zerosLike(q.p);
      const v = gen.deepLossGradInto(q.p, q.x, q.t, { p: g });
      if (Math.abs(v - value) > 1e-13 * Math.max(1, Math.abs(value))) fail(`value ${v} != forward ${value} ${where}`);
      const ps = leaves(q.p);
      const gs = leaves(g);
      if (ps.length !== weights(s)) fail(`${ps.length} parameters, expected ${weights(s)}`);
      const h = 1e-5;
      ps.forEach(([a, i], k) => {
        const x0 = a[i];
        a[i] = x0 + h;
        const fp = deepLoss(q.p, q.x, q.t);
        a[i] = x0 - h;
        const fm = deepLoss(q.p, q.x, q.t);
        a[i] = x0;
        const fd = (fp - fm) / (2 * h);
        const ad = gs[k][0][gs[k][1]];
        if (!(Math.abs(ad - fd) <= 1e-7 * Math.max(1, Math.abs(fd)))) fail(`parameter ${k}: adc ${ad}, central difference ${fd} ${where}`);
      });
    }
  }
}

function checkEuler(gen: EulerModule): void {
  const keys = ["a", "b", "x0", "h"] as const;
  for (const args of eulerArgs(100)) {
    const rec = eulerRecord();
    const v = gen.eulerGradInto(...args, rec);
    if (v !== euler(...args)) fail(`eulerGradInto value ${v} != forward ${euler(...args)}`);
    keys.forEach((k, i) => {
      const d = 1e-5 * Math.abs(args[i]);
      const pp = args.slice() as unknown as [number, number, number, number, number];
      const pm = args.slice() as unknown as [number, number, number, number, number];
      pp[i] += d;
      pm[i] -= d;
      const fd = (euler(...pp) - euler(...pm)) / (pp[i] - pm[i]);
      if (!(Math.abs(rec[k] - fd) <= 1e-6 * Math.max(1, Math.abs(fd)))) fail(`euler d/d${k}: adc ${rec[k]}, central difference ${fd}`);
    });
  }
}

// ---------------------------------------------------------------------------------------
// 4. Series: sizes, and per size a forward and an adc variant. The loops are made by one
//    factory per (workload, variant), so each call site inside sees one callee.

let sink = 0;

interface Variant {
  run: (calls: number) => number;
  after: () => number;
}

interface Point {
  size: number;
  forward: Variant;
  adc: Variant;
  /** Sum of adc's stacks' peakBytes over one call, per argument set. */
  bytes: () => number[];
  check: () => void;
  /** Weights (MLP) or steps (Euler): for "ns per weight". */
  work: number;
}

const none = () => 0;

function mlpForward(a: Instance, b: Instance): Variant {
  const f = deepLoss;
  const { p: p0, x: x0, t: t0 } = a;
  const { p: p1, x: x1, t: t1 } = b;
  return {
    run(calls) {
      let acc = 0;
      for (let i = 0; i < calls; i++) acc += (i & 1) === 0 ? f(p0, x0, t0) : f(p1, x1, t1);
      return acc;
    },
    after: none,
  };
}

function mlpAdc(gen: MLPModule, a: Instance, b: Instance): Variant {
  const into = gen.deepLossGradInto;
  const { p: p0, x: x0, t: t0 } = a;
  const { p: p1, x: x1, t: t1 } = b;
  const rec = { p: zerosLike(p0) };
  return {
    run(calls) {
      let acc = 0;
      for (let i = 0; i < calls; i++) acc += (i & 1) === 0 ? into(p0, x0, t0, rec) : into(p1, x1, t1, rec);
      return acc;
    },
    after() {
      const t = sumRecord(rec.p);
      zeroInPlace(rec.p);
      return t;
    },
  };
}

function mlpPoint(gen: MLPModule, s: Net, size: number): Point {
  const a = instance(s, 2 * size + s.D);
  const b = instance(s, 2 * size + s.D + 1);
  const stacks = Object.values(gen.deepLossGradStacks);
  return {
    size,
    forward: mlpForward(a, b),
    adc: mlpAdc(gen, a, b),
    bytes: () =>
      [a, b].map((q) => {
        for (const st of stacks) st.resetPeak();
        gen.deepLossGradInto(q.p, q.x, q.t, { p: zerosLike(q.p) });
        return stacks.reduce((t, st) => t + st.peakBytes, 0);
      }),
    check() {
      for (const q of [a, b]) {
        const value = deepLoss(q.p, q.x, q.t);
        const g = zerosLike(q.p);
        const v = gen.deepLossGradInto(q.p, q.x, q.t, { p: g });
        const where = `at ${s.n}-${Array(s.D).fill(s.H).join("-")}-${s.O}`;
        if (!Number.isFinite(value) || Math.abs(v - value) > 1e-12 * Math.max(1, Math.abs(value)))
          fail(`value ${v} != forward ${value} ${where}`);
        if (!Number.isFinite(sumRecord(g))) fail(`a gradient entry is not finite ${where}`);
      }
    },
    work: weights(s),
  };
}

function eulerForward(args: [EulerArgs, EulerArgs]): Variant {
  const f = euler;
  const [[a0, b0, x00, h0, n0], [a1, b1, x01, h1, n1]] = args;
  return {
    run(calls) {
      let acc = 0;
      for (let i = 0; i < calls; i++) acc += (i & 1) === 0 ? f(a0, b0, x00, h0, n0) : f(a1, b1, x01, h1, n1);
      return acc;
    },
    after: none,
  };
}

function eulerAdc(gen: EulerModule, args: [EulerArgs, EulerArgs]): Variant {
  const into = gen.eulerGradInto;
  const [[a0, b0, x00, h0, n0], [a1, b1, x01, h1, n1]] = args;
  const rec = eulerRecord();
  return {
    run(calls) {
      let acc = 0;
      for (let i = 0; i < calls; i++) acc += (i & 1) === 0 ? into(a0, b0, x00, h0, n0, rec) : into(a1, b1, x01, h1, n1, rec);
      return acc;
    },
    after() {
      const t = rec.a + rec.b + rec.x0 + rec.h + rec.steps;
      rec.a = rec.b = rec.x0 = rec.h = rec.steps = 0;
      return t;
    },
  };
}

function eulerPoint(gen: EulerModule, steps: number): Point {
  const args = eulerArgs(steps);
  const stacks = Object.values(gen.eulerGradStacks);
  return {
    size: steps,
    forward: eulerForward(args),
    adc: eulerAdc(gen, args),
    bytes: () =>
      args.map((q) => {
        for (const st of stacks) st.resetPeak();
        gen.eulerGradInto(...q, eulerRecord());
        return stacks.reduce((t, st) => t + st.peakBytes, 0);
      }),
    check() {
      for (const q of args) {
        const v = gen.eulerGradInto(...q, eulerRecord());
        if (!Number.isFinite(v) || v !== euler(...q)) fail(`euler value ${v} != forward ${euler(...q)} at ${steps} steps`);
      }
    },
    work: steps,
  };
}

// ---------------------------------------------------------------------------------------
// 5. Timing: all (size, variant) entries of a series interleaved.

function timeBatch(v: Variant, calls: number): number {
  const t0 = performance.now();
  const r = v.run(calls);
  const t1 = performance.now();
  sink += r + v.after(); // outside the clock
  return ((t1 - t0) * 1e6) / calls;
}

interface Measured {
  size: number;
  forward: number; // ns per call, median over rounds
  adc: number;
  ratio: number; // median of per-round adc / forward
  bytes: number[];
  work: number;
}

function measure(points: Point[], rounds: number, targetMs: number): Measured[] {
  for (const pt of points) pt.check();
  const entries = points.flatMap((pt, i) => [
    [`${i}:forward`, pt.forward],
    [`${i}:adc`, pt.adc],
  ]) as [string, Variant][];
  const byKey = new Map(entries);
  // warm every entry, then size its batch to about targetMs (an even count: both argument sets equally)
  const calls = new Map<string, number>();
  for (const [key, v] of entries) {
    let n = 2;
    let ns = timeBatch(v, n);
    while (ns * n < 2e6 && n < 1 << 20) {
      n *= 4;
      ns = timeBatch(v, n);
    }
    calls.set(key, Math.max(2, Math.round((targetMs * 1e6) / Math.min(ns, timeBatch(v, n)) / 2) * 2));
  }
  const order = entries.map(([k]) => k);
  const per = interleave(order, (k) => timeBatch(byKey.get(k)!, calls.get(k)!), rounds, 3);
  return points.map((pt, i) => {
    const f = per[`${i}:forward`];
    const a = per[`${i}:adc`];
    return {
      size: pt.size,
      forward: median(f),
      adc: median(a),
      ratio: median(a.map((x, r) => x / f[r])),
      bytes: pt.bytes(),
      work: pt.work,
    };
  });
}

// ---------------------------------------------------------------------------------------
// 6. Fits: y = C x^k by least squares on (log x, log y).

interface Fit {
  k: number;
  c: number; // log C
  r2: number;
}

function fitLogLog(xs: number[], ys: number[]): Fit {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const n = xs.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
    syy += (ly[i] - my) ** 2;
  }
  const k = sxy / sxx;
  return { k, c: my - k * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** The slope between the last two points (the asymptotic exponent, when a lower-order term fades). */
const lastSlope = (xs: number[], ys: number[]) =>
  Math.log(ys[ys.length - 1] / ys[ys.length - 2]) / Math.log(xs[xs.length - 1] / xs[xs.length - 2]);

/** y = a + b x by least squares. */
function fitLinear(xs: number[], ys: number[]): { a: number; b: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const b = sxy / sxx;
  return { a: my - b * mx, b, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

// ---------------------------------------------------------------------------------------
// 7. SVG plots, written by hand: log-log axes with tick labels, points, fitted lines, a legend.

interface PlotSeries {
  name: string;
  color: string;
  marker: "circle" | "square" | "triangle" | "diamond";
  dashed?: boolean;
  points: [number, number][];
  fit: Fit;
  /** Drawn instead of the fitted power law (a polyline), e.g. a straight line a + b x. */
  curve?: (x: number) => number;
  /** A line only (its points are drawn by another series). */
  lineOnly?: boolean;
  dotted?: boolean;
}

interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  xTicks: number[];
  xFormat: (x: number) => string;
  yFormat: (y: number) => string;
  series: PlotSeries[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const num = (x: number) => (Math.round(x * 10) / 10).toString();

/** Ticks at 1, 2, 5 x 10^k inside [lo, hi] (decades only when that gives too many). */
function logTicks(lo: number, hi: number): number[] {
  const ticks = (mantissas: number[]) => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; e++) {
      for (const m of mantissas) {
        const v = m * 10 ** e;
        if (v >= lo * 0.999 && v <= hi * 1.001) out.push(v);
      }
    }
    return out;
  };
  const fine = ticks([1, 2, 5]);
  if (fine.length > 9) return ticks([1]);
  if (fine.length < 3) return ticks([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  return fine;
}

function panelSvg(p: Panel, ox: number, oy: number, w: number, h: number): string {
  const m = { left: 78, right: 16, top: 34, bottom: 48 };
  const pw = w - m.left - m.right;
  const ph = h - m.top - m.bottom;
  const xs = p.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = p.series.flatMap((s) => s.points.map(([, y]) => y));
  const xlo = Math.min(...xs, ...p.xTicks) / 1.15;
  const xhi = Math.max(...xs, ...p.xTicks) * 1.15;
  const ylo = Math.min(...ys) / 1.6;
  const yhi = Math.max(...ys) * 1.6;
  const X = (x: number) => ox + m.left + ((Math.log(x) - Math.log(xlo)) / (Math.log(xhi) - Math.log(xlo))) * pw;
  const Y = (y: number) => oy + m.top + ph - ((Math.log(y) - Math.log(ylo)) / (Math.log(yhi) - Math.log(ylo))) * ph;
  const L: string[] = [];
  L.push(`<g font-family="sans-serif" font-size="12">`);
  L.push(
    `<text x="${num(ox + m.left + pw / 2)}" y="${num(oy + 20)}" text-anchor="middle" font-size="14" font-weight="bold">${esc(p.title)}</text>`,
  );
  L.push(`<rect x="${num(ox + m.left)}" y="${num(oy + m.top)}" width="${num(pw)}" height="${num(ph)}" fill="white" stroke="#333"/>`);
  for (const t of p.xTicks) {
    const x = X(t);
    L.push(`<line x1="${num(x)}" y1="${num(oy + m.top)}" x2="${num(x)}" y2="${num(oy + m.top + ph)}" stroke="#e4e4e4"/>`);
    L.push(`<line x1="${num(x)}" y1="${num(oy + m.top + ph)}" x2="${num(x)}" y2="${num(oy + m.top + ph + 5)}" stroke="#333"/>`);
    L.push(`<text x="${num(x)}" y="${num(oy + m.top + ph + 18)}" text-anchor="middle">${esc(p.xFormat(t))}</text>`);
  }
  for (const t of logTicks(ylo, yhi)) {
    const y = Y(t);
    L.push(`<line x1="${num(ox + m.left)}" y1="${num(y)}" x2="${num(ox + m.left + pw)}" y2="${num(y)}" stroke="#e4e4e4"/>`);
    L.push(`<line x1="${num(ox + m.left - 5)}" y1="${num(y)}" x2="${num(ox + m.left)}" y2="${num(y)}" stroke="#333"/>`);
    L.push(`<text x="${num(ox + m.left - 8)}" y="${num(y + 4)}" text-anchor="end">${esc(p.yFormat(t))}</text>`);
  }
  L.push(`<text x="${num(ox + m.left + pw / 2)}" y="${num(oy + h - 10)}" text-anchor="middle">${esc(p.xLabel)}</text>`);
  const yl = { x: ox + 16, y: oy + m.top + ph / 2 };
  L.push(
    `<text x="${num(yl.x)}" y="${num(yl.y)}" text-anchor="middle" transform="rotate(-90 ${num(yl.x)} ${num(yl.y)})">${esc(p.yLabel)}</text>`,
  );
  const marker = (s: PlotSeries, x: number, y: number) => {
    const r = 4;
    switch (s.marker) {
      case "circle":
        return `<circle cx="${num(x)}" cy="${num(y)}" r="${r}" fill="${s.color}"/>`;
      case "square":
        return `<rect x="${num(x - r)}" y="${num(y - r)}" width="${2 * r}" height="${2 * r}" fill="${s.color}"/>`;
      case "triangle":
        return `<polygon points="${num(x)},${num(y - r - 1)} ${num(x - r - 1)},${num(y + r)} ${num(x + r + 1)},${num(y + r)}" fill="${s.color}"/>`;
      case "diamond":
        return `<polygon points="${num(x)},${num(y - r - 1)} ${num(x - r - 1)},${num(y)} ${num(x)},${num(y + r + 1)} ${num(x + r + 1)},${num(y)}" fill="${s.color}"/>`;
    }
  };
  for (const s of p.series) {
    const sx = s.points.map(([x]) => x);
    const [a, b] = [Math.min(...sx), Math.max(...sx)];
    const f = s.curve ?? ((x: number) => Math.exp(s.fit.c) * x ** s.fit.k);
    const dash = s.dotted ? ` stroke-dasharray="2 3"` : s.dashed ? ` stroke-dasharray="6 4"` : "";
    const line = Array.from({ length: 41 }, (_, i) => a * (b / a) ** (i / 40))
      .filter((x) => f(x) > 0)
      .map((x) => `${num(X(x))},${num(Y(f(x)))}`);
    L.push(`<polyline points="${line.join(" ")}" fill="none" stroke="${s.color}" stroke-width="1.5"${dash}/>`);
    if (!s.lineOnly) for (const [x, y] of s.points) L.push(marker(s, X(x), Y(y)));
  }
  // legend, top left inside the plot
  const lx = ox + m.left + 10;
  let ly = oy + m.top + 10;
  const lw = Math.max(...p.series.map((s) => s.name.length)) * 6.6 + 44;
  L.push(
    `<rect x="${num(lx - 4)}" y="${num(ly - 4)}" width="${num(lw)}" height="${p.series.length * 18 + 6}" fill="white" fill-opacity="0.9" stroke="#bbb"/>`,
  );
  for (const s of p.series) {
    const dash = s.dotted ? ` stroke-dasharray="2 3"` : s.dashed ? ` stroke-dasharray="6 4"` : "";
    L.push(
      `<line x1="${num(lx)}" y1="${num(ly + 8)}" x2="${num(lx + 28)}" y2="${num(ly + 8)}" stroke="${s.color}" stroke-width="1.5"${dash}/>`,
    );
    if (!s.lineOnly) L.push(marker(s, lx + 14, ly + 8));
    L.push(`<text x="${num(lx + 36)}" y="${num(ly + 12)}">${esc(s.name)}</text>`);
    ly += 18;
  }
  L.push(`</g>`);
  return L.join("\n");
}

function writeSvg(file: string, panels: Panel[], caption: string): void {
  const w = 620;
  const h = 440;
  const W = w * panels.length;
  const H = h + 24;
  const body = panels.map((p, i) => panelSvg(p, i * w, 0, w, h)).join("\n");
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    body,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-family="sans-serif" font-size="11" fill="#555">${esc(caption)}</text>`,
    `</svg>`,
    ``,
  ].join("\n");
  fs.writeFileSync(file, svg);
}

const fmtTime = (ns: number) => {
  const s = (v: number) => String(Number(v.toPrecision(3)));
  if (ns >= 1e9) return `${s(ns / 1e9)} s`;
  if (ns >= 1e6) return `${s(ns / 1e6)} ms`;
  if (ns >= 1e3) return `${s(ns / 1e3)} µs`;
  return `${s(ns)} ns`;
};
/** Decimal units (the axis ticks are at 1, 2, 5 x 10^k bytes). */
const fmtBytes = (b: number) => {
  const s = (v: number) => String(Number(v.toPrecision(3)));
  if (b >= 1e9) return `${s(b / 1e9)} GB`;
  if (b >= 1e6) return `${s(b / 1e6)} MB`;
  if (b >= 1e3) return `${s(b / 1e3)} kB`;
  return `${s(b)} B`;
};
const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const fmtCount = (x: number) => {
  const e = Math.round(Math.log10(x));
  return Math.abs(x - 10 ** e) < 1e-9 * x ? `10${[...String(e)].map((d) => SUPERSCRIPT[Number(d)]).join("")}` : x.toLocaleString("en-US");
};

// ---------------------------------------------------------------------------------------
// 8. Report.

const f2 = (x: number) => x.toFixed(2);
const us = (ns: number) => (ns >= 1e5 ? (ns / 1e6).toFixed(2) + " ms" : (ns / 1000).toFixed(1) + " µs");

function table(title: string, sizeName: string, ms: Measured[], bytesToo: boolean, workName: string): string[] {
  const L = [title];
  L.push(
    `  ${sizeName.padStart(10)}${"forward".padStart(12)}${"adc v+g".padStart(12)}${"v+g / fwd".padStart(11)}${`ns/${workName} fwd`.padStart(16)}${`ns/${workName} v+g`.padStart(16)}${bytesToo ? "adc stack bytes (set 1 / set 2)".padStart(34) : ""}`,
  );
  for (const m of ms) {
    L.push(
      `  ${m.size.toLocaleString("en-US").padStart(10)}${us(m.forward).padStart(12)}${us(m.adc).padStart(12)}${f2(m.ratio).padStart(11)}${(m.forward / m.work).toFixed(2).padStart(16)}${(m.adc / m.work).toFixed(2).padStart(16)}${bytesToo ? `${m.bytes.map((b) => b.toLocaleString("en-US")).join(" / ")}`.padStart(34) : ""}`,
    );
  }
  return L;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, dflt: number) => positiveOption(argv, name, dflt);
  const rounds = Math.round(opt("--rounds", 41));
  const targetMs = opt("--ms", 8);
  const t0 = performance.now();

  const mlp = await generate<MLPModule>("scaling-functions");
  const eul = await generate<EulerModule>("euler-functions");
  checkMLP(mlp);
  checkEuler(eul);
  console.log(
    "generated bench/scaling-functions.grad.ts and bench/euler-functions.grad.ts; adc agrees with central differences (3-4-2 MLP with 1 and 3 hidden layers, every entry; Euler at 100 steps)",
  );

  const WIDTHS = [32, 64, 128, 256, 512];
  const DEPTHS = [1, 2, 3, 4, 5, 6, 7, 8];
  const STEPS = [1e2, 1e3, 1e4, 1e5, 1e6];
  const load0 = os.loadavg();
  const width1 = measure(
    WIDTHS.map((H) => mlpPoint(mlp, { n: 64, H, D: 1, O: 10 }, H)),
    rounds,
    targetMs,
  );
  const width4 = measure(
    WIDTHS.map((H) => mlpPoint(mlp, { n: 64, H, D: 4, O: 10 }, H)),
    rounds,
    targetMs,
  );
  const depth = measure(
    DEPTHS.map((D) => mlpPoint(mlp, { n: 64, H: 64, D, O: 10 }, D)),
    rounds,
    targetMs,
  );
  const steps = measure(
    STEPS.map((n) => eulerPoint(eul, n)),
    rounds,
    targetMs,
  );
  const load1 = os.loadavg();

  const sizes = (ms: Measured[]) => ms.map((m) => m.size);
  const fit = (ms: Measured[], y: (m: Measured) => number) => fitLogLog(sizes(ms), ms.map(y));
  const fits = {
    w1f: fit(width1, (m) => m.forward),
    w1a: fit(width1, (m) => m.adc),
    w4f: fit(width4, (m) => m.forward),
    w4a: fit(width4, (m) => m.adc),
    df: fit(depth, (m) => m.forward),
    da: fit(depth, (m) => m.adc),
    sf: fit(steps, (m) => m.forward),
    sa: fit(steps, (m) => m.adc),
    sb0: fit(steps, (m) => m.bytes[0]),
    sb1: fit(steps, (m) => m.bytes[1]),
    w1b: fit(width1, (m) => m.bytes[0]),
    w4b: fit(width4, (m) => m.bytes[0]),
    db: fit(depth, (m) => m.bytes[0]),
  };
  const cpus = os.cpus();
  const L: string[] = [""];
  L.push("adc scaling benchmark: how value + gradient (adc fGradInto) and the forward function grow with the problem");
  L.push(
    `machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} logical CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()} ${os.arch()}; node ${process.version} (V8 ${process.versions.v8}); load average ${load0[0].toFixed(2)} before, ${load1[0].toFixed(2)} after`,
  );
  L.push(
    `method: per series, every (size, variant) interleaved in rotating order, ${rounds} timed rounds after 3 warm-up rounds, batches of about ${targetMs} ms (at least 2 calls), 2 argument sets alternating; medians; "v+g / fwd" is the median of per-round paired ratios`,
  );
  L.push("");
  L.push(...table("MLP, one hidden layer of H tanh units, input 64, output 10 (75 H + 10 weights)", "H", width1, true, "weight"));
  L.push(...table("MLP, four hidden layers of H tanh units, input 64, output 10 (3 H^2 + 78 H + 10 weights)", "H", width4, true, "weight"));
  L.push(...table("MLP, D hidden layers of 64 tanh units, input 64, output 10 (4,160 D + 650 weights)", "D", depth, true, "weight"));
  L.push(...table("Euler recurrence (bench/euler-functions.ts), h = 10 / steps", "steps", steps, true, "step"));
  L.push("");
  const k = (f: Fit) => `${f.k.toFixed(2)} (R² ${f.r2.toFixed(3)})`;
  const meanRatio = (ms: Measured[]) => ms.reduce((t, m) => t + m.ratio, 0) / ms.length;
  const rng = (ms: Measured[]) => `${f2(Math.min(...ms.map((m) => m.ratio)))}-${f2(Math.max(...ms.map((m) => m.ratio)))}`;
  L.push("fitted exponents k of y = C size^k (least squares on log-log):");
  L.push(
    `  ${"series".padEnd(44)}${"forward".padStart(20)}${"adc value+grad".padStart(20)}${"adc stack bytes".padStart(20)}${"expected".padStart(12)}`,
  );
  const fr = (name: string, f: Fit, a: Fit, b: Fit | undefined, exp: string) =>
    L.push(`  ${name.padEnd(44)}${k(f).padStart(20)}${k(a).padStart(20)}${(b ? k(b) : "").padStart(20)}${exp.padStart(12)}`);
  fr("width H, 1 hidden layer (input 64)", fits.w1f, fits.w1a, fits.w1b, "1");
  fr("width H, 4 hidden layers (input 64)", fits.w4f, fits.w4a, fits.w4b, "-> 2");
  fr("depth D, 1..8 layers of 64", fits.df, fits.da, fits.db, "1");
  fr("steps, 10^2..10^6", fits.sf, fits.sa, fits.sb0, "1");
  const last4f = lastSlope(
    sizes(width4),
    width4.map((m) => m.forward),
  );
  const last4a = lastSlope(
    sizes(width4),
    width4.map((m) => m.adc),
  );
  const linD = fitLinear(
    sizes(depth),
    depth.map((m) => m.adc),
  );
  const linDf = fitLinear(
    sizes(depth),
    depth.map((m) => m.forward),
  );
  const linDb = fitLinear(
    sizes(depth).slice(1),
    depth.slice(1).map((m) => m.bytes[0]),
  );
  const deep = fitLogLog(
    sizes(depth).slice(1),
    depth.slice(1).map((m) => m.adc),
  );
  L.push(`  4 hidden layers, slope between H = 256 and 512: forward ${f2(last4f)}, adc ${f2(last4a)}`);
  L.push(
    `  depth, straight line t = a + b D: adc a = ${us(linD.a)}, b = ${us(linD.b)} per layer (R² ${linD.r2.toFixed(3)}); forward a = ${us(linDf.a)}, b = ${us(linDf.b)} per layer (R² ${linDf.r2.toFixed(3)}); adc log-log over D = 2..8: ${k(deep)}`,
  );
  L.push(
    `  depth, adc stack bytes for D >= 2: ${Math.round(linDb.b).toLocaleString("en-US")} B per layer (R² ${linDb.r2.toFixed(4)}; D = 1 has no H x H layer and stacks ${depth[0].bytes[0].toLocaleString("en-US")} B)`,
  );
  L.push(`  Euler stack bytes, argument set 2: ${k(fits.sb1)}`);
  L.push("");
  L.push(
    "against the lectures (backprop linear in the layers, quadratic in the units per layer; the backward pass about two forward passes, so value+grad about 3x forward):",
  );
  const agree = (ok: boolean) => (ok ? "agrees" : "does not agree");
  L.push(
    `  depth: straight-line fit R² ${linD.r2.toFixed(3)}, ${us(linD.b)} per extra layer — ${agree(linD.r2 >= 0.95)} with linear in layers (log-log slope ${f2(fits.da.k)} over 1..8: D = 1 has no H x H layer, so it is not on the same line)`,
  );
  L.push(
    `  width: with one hidden layer and a fixed input the weights grow as H, and adc's exponent is ${f2(fits.w1a.k)} — ${agree(Math.abs(fits.w1a.k - 1) <= 0.15)} with linear; with three H x H layers it is ${f2(fits.w4a.k)} over 32..512 and ${f2(last4a)} over the last octave — ${agree(Math.abs(last4a - 2) <= 0.25)} with quadratic in units per layer`,
  );
  const means = [width1, width4, depth, steps].map(meanRatio);
  const deepRatios = [...width4, ...depth.slice(1)].map((m) => m.ratio);
  const deepMedian = median(deepRatios) - 1;
  L.push(
    `  value+grad / forward (mean over sizes): one hidden layer ${f2(means[0])} (${rng(width1)}), four layers ${f2(means[1])} (${rng(width4)}), depth ${f2(means[2])} (${rng(depth)}), Euler ${f2(means[3])} (${rng(steps)})`,
  );
  L.push(
    `  backward pass = (value+grad - forward) / forward: ${means.map((r) => (r - 1).toFixed(1)).join(", ")} forward calls. Where the H x H layers dominate (four layers, depth >= 2): median ${f2(deepMedian)} (${f2(Math.min(...deepRatios) - 1)}-${f2(Math.max(...deepRatios) - 1)}) — ${deepMedian <= 2.3 ? (deepMedian >= 1.7 ? "agrees with" : "under") : "above"} the lectures' "about two" (such a layer's backward is two products, dW = dz h^T and dh = W^T dz, one more than its forward). With one hidden layer only dW0 = dz x^T is needed (x is data): one product, hence ${(means[0] - 1).toFixed(1)}.`,
  );
  const perLayer = linDb.b;
  L.push(
    `  memory: adc's stacks grow as H^${f2(fits.w4b.k)} with three H x H layers (${fmtBytes(width4[width4.length - 1].bytes[0])} at H = 512) and by ${Math.round(perLayer).toLocaleString("en-US")} B per H x H layer at H = 64, ${perLayer >= 8 * 64 * 64 ? `of which 8 H^2 = ${(8 * 64 * 64).toLocaleString("en-US")} B is h stacked at every read (h is overwritten later in the same layer); one copy of h per layer would be 8 H = 512 B` : `that is one copy of h (8 H = 512 B: h is read H times per unit and overwritten later in the same layer) and the layer's tanh outputs (8 H)`}`,
  );
  L.push(
    `  steps: time exponent ${f2(fits.sa.k)}, stack bytes exponent ${f2(fits.sb0.k)} — ${agree(Math.abs(fits.sa.k - 1) <= 0.1 && Math.abs(fits.sb0.k - 1) <= 0.1)} with linear in the steps (${(steps[steps.length - 1].bytes[0] / steps[steps.length - 1].size).toFixed(1)} / ${(steps[steps.length - 1].bytes[1] / steps[steps.length - 1].size).toFixed(1)} bytes per step at 10^6)`,
  );

  // plots
  const blue = "#1f77b4";
  const orange = "#d95f02";
  const green = "#1b9e77";
  const purple = "#7570b3";
  const pts = (ms: Measured[], y: (m: Measured) => number) => ms.map((m) => [m.size, y(m)] as [number, number]);
  const label = (what: string, f: Fit) => `${what}, k = ${f.k.toFixed(2)}`;
  const files = {
    width: path.join(__dirname, "scaling-width.svg"),
    depth: path.join(__dirname, "scaling-depth.svg"),
    steps: path.join(__dirname, "scaling-steps.svg"),
  };
  const caption = `adc scaling benchmark (npm run bench:scaling); node ${process.version}, ${cpus[0]?.model.trim() ?? ""}; medians of ${rounds} interleaved rounds`;
  writeSvg(
    files.width,
    [
      {
        title: "MLP time per call vs hidden width (input 64, output 10)",
        xLabel: "hidden units per layer H",
        yLabel: "time per call",
        xTicks: WIDTHS,
        xFormat: String,
        yFormat: fmtTime,
        series: [
          {
            name: label("1 layer: adc value+grad", fits.w1a),
            color: orange,
            marker: "square",
            points: pts(width1, (m) => m.adc),
            fit: fits.w1a,
          },
          {
            name: label("1 layer: forward", fits.w1f),
            color: blue,
            marker: "circle",
            points: pts(width1, (m) => m.forward),
            fit: fits.w1f,
          },
          {
            name: label("4 layers: adc value+grad", fits.w4a),
            color: orange,
            marker: "diamond",
            dashed: true,
            points: pts(width4, (m) => m.adc),
            fit: fits.w4a,
          },
          {
            name: label("4 layers: forward", fits.w4f),
            color: blue,
            marker: "triangle",
            dashed: true,
            points: pts(width4, (m) => m.forward),
            fit: fits.w4f,
          },
        ],
      },
    ],
    caption,
  );
  writeSvg(
    files.depth,
    [
      {
        title: "MLP time per call vs depth (64 units per layer, input 64)",
        xLabel: "hidden layers D",
        yLabel: "time per call",
        xTicks: DEPTHS,
        xFormat: String,
        yFormat: fmtTime,
        series: [
          { name: label("adc value+grad", fits.da), color: orange, marker: "square", points: pts(depth, (m) => m.adc), fit: fits.da },
          { name: label("forward", fits.df), color: blue, marker: "circle", points: pts(depth, (m) => m.forward), fit: fits.df },
          {
            name: `adc, straight line a + b D (R² ${linD.r2.toFixed(3)})`,
            color: orange,
            marker: "square",
            lineOnly: true,
            dotted: true,
            points: pts(depth, (m) => m.adc),
            fit: fits.da,
            curve: (x) => linD.a + linD.b * x,
          },
          {
            name: `forward, straight line a + b D (R² ${linDf.r2.toFixed(3)})`,
            color: blue,
            marker: "circle",
            lineOnly: true,
            dotted: true,
            points: pts(depth, (m) => m.forward),
            fit: fits.df,
            curve: (x) => linDf.a + linDf.b * x,
          },
        ],
      },
    ],
    caption,
  );
  writeSvg(
    files.steps,
    [
      {
        title: "Euler recurrence: time per call vs steps",
        xLabel: "steps",
        yLabel: "time per call",
        xTicks: STEPS,
        xFormat: fmtCount,
        yFormat: fmtTime,
        series: [
          { name: label("adc value+grad", fits.sa), color: orange, marker: "square", points: pts(steps, (m) => m.adc), fit: fits.sa },
          { name: label("forward", fits.sf), color: blue, marker: "circle", points: pts(steps, (m) => m.forward), fit: fits.sf },
        ],
      },
      {
        title: "Euler recurrence: adc stack bytes at peak vs steps",
        xLabel: "steps",
        yLabel: "bytes (sum of peakBytes, one call)",
        xTicks: STEPS,
        xFormat: fmtCount,
        yFormat: fmtBytes,
        series: [
          {
            name: label("argument set 1 (tanh branch)", fits.sb0),
            color: green,
            marker: "square",
            points: pts(steps, (m) => m.bytes[0]),
            fit: fits.sb0,
          },
          {
            name: label("argument set 2 (sin branch)", fits.sb1),
            color: purple,
            marker: "circle",
            dashed: true,
            points: pts(steps, (m) => m.bytes[1]),
            fit: fits.sb1,
          },
        ],
      },
    ],
    caption,
  );
  L.push("");
  L.push(
    `plots: ${Object.values(files)
      .map((f) => path.relative(process.cwd(), f))
      .join(", ")}`,
  );
  L.push(`sink ${sink.toPrecision(6)}; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(L.join("\n"));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
