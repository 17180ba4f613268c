// What every benchmark here shares: variants timed round by round in one process, the order
// rotating from round to round so that each variant sees the same machine state, and the
// summaries (medians and quantiles) the reports print; compiling and loading the workload.
import * as fs from "node:fs";
import * as path from "node:path";
import { compileText } from "../compiler/index.js";

/**
 * Runs `time(k)` (ns per call for variant k, one batch) for every variant in every round,
 * starting each round one variant later; the first `warmup` rounds are not kept.
 */
export function interleave<K extends string>(
  order: readonly K[],
  time: (k: K) => number,
  rounds: number,
  warmup: number,
): Record<K, number[]> {
  const perCall = Object.fromEntries(order.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = -warmup; r < rounds; r++) {
    const start = ((r % order.length) + order.length) % order.length;
    for (let j = 0; j < order.length; j++) {
      const k = order[(start + j) % order.length];
      const ns = time(k);
      if (r >= 0) perCall[k].push(ns);
    }
  }
  return perCall;
}

export function quantile(xs: number[], q: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (xs: number[]) => quantile(xs, 0.5);

/**
 * Compiles a benchmark's workload file (`bench/<rel>.ts`) with the current compiler into
 * `<rel>.grad.ts` beside it (written only when it changed) and loads it: what is measured is
 * what adc emits now. Loaded at run time (tsx compiles it); a variable path keeps `tsc` from
 * needing the generated file.
 */
export async function compileAndLoad<M>(rel: string): Promise<M> {
  const src = path.join(__dirname, `${rel}.ts`);
  const out = path.join(__dirname, `${rel}.grad.ts`);
  const result = await compileText(src, fs.readFileSync(src, "utf8"));
  if (result.diagnostics.length || result.code === undefined) {
    for (const d of result.diagnostics) console.error(`bench/${rel}.ts: ${JSON.stringify(d.span)}: ${d.message}`);
    throw new Error(`adc failed to compile bench/${rel}.ts`);
  }
  const old = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined;
  if (old !== result.code) fs.writeFileSync(out, result.code);
  return require(out) as M;
}

/**
 * Where "adc/runtime" (imported by the generated code) resolves: the built dist/runtime, by
 * package self-reference; with a warning when that build is older than a file of runtime/ (the
 * benchmark would measure stale code).
 */
export function runtimeNote(): string {
  let resolved: string;
  try {
    resolved = require.resolve("adc/runtime");
  } catch {
    return "adc/runtime does not resolve (run npm run build)";
  }
  const dir = path.join(__dirname, "..", "runtime");
  const built = fs.statSync(resolved).mtimeMs;
  const stale = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && fs.statSync(path.join(dir, f)).mtimeMs > built);
  const rel = path.relative(path.join(__dirname, ".."), resolved);
  return stale.length ? `${rel} (WARNING: older than runtime/${stale.join(", runtime/")}; run npm run build)` : rel;
}

/** A positive number option of the command line (`--rounds 41`), or its default. */
export function positiveOption(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!(v > 0)) throw new Error(`${name} needs a positive number`);
  return v;
}
