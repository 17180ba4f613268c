// The comparison libraries of the benchmark suite, installed on demand under bench/ and kept out of
// the root install: bench/package.json lists @tensorflow/tfjs, @tensorflow/tfjs-backend-wasm and
// @jax-js/jax at exact versions (bench/package-lock.json pins the rest). loadLibraries() installs
// them into bench/node_modules on first use (`npm ci --prefix bench`), then loads
// bench/suite/tfjs.ts (tfjs-cpu, tfjs-wasm) and bench/suite/jax.ts (jax-js).
//
// The packages are resolved from bench/node_modules with createRequire and typed loosely by the
// modules that use them, so that the root type check passes whether bench/node_modules exists or not.
//
// Also here: what tfjs.ts and jax.ts share (the require function, argument flattening).

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import type { Args, Library, WorkloadName } from "./types.js";

export const BENCH_DIR = path.resolve(__dirname, "..");
const BENCH_PACKAGE_JSON = path.join(BENCH_DIR, "package.json");

/** require() resolving from bench/ (bench/node_modules), not from the root. */
export const benchRequire: NodeJS.Require = createRequire(BENCH_PACKAGE_JSON);

export const BENCH_PACKAGES = ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "@jax-js/jax"];

function installed(): boolean {
  return BENCH_PACKAGES.every((p) => fs.existsSync(path.join(BENCH_DIR, "node_modules", p, "package.json")));
}

/** Installs bench/package.json's dependencies into bench/node_modules if they are missing (once). */
export function ensureInstalled(log: (s: string) => void = (s) => console.log(s)): void {
  if (installed()) return;
  const ci = fs.existsSync(path.join(BENCH_DIR, "package-lock.json"));
  const args = ci ? ["ci", "--prefix", BENCH_DIR] : ["install", "--prefix", BENCH_DIR];
  log(`bench: installing the comparison libraries (first use only): npm ${args.join(" ")}`);
  const t0 = Date.now();
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // no audit or fund messages; stdout to our stderr so that a caller's report stays clean
  execFileSync(npm, [...args, "--no-audit", "--no-fund", "--loglevel=error"], { stdio: ["ignore", 2, 2], cwd: BENCH_DIR });
  if (!installed()) throw new Error(`bench: npm ${args.join(" ")} finished but ${BENCH_PACKAGES.join(", ")} are still missing`);
  log(`bench: installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * The comparison libraries: tfjs on its "cpu" and "wasm" backends and jax-js (wasm). Installs them
 * first if needed. A library that cannot load is left out with a one-line message.
 */
export async function loadLibraries(options?: { log?: (s: string) => void }): Promise<Library[]> {
  const log = options?.log ?? ((s: string) => console.log(s));
  ensureInstalled(log);
  const libs: Library[] = [];
  try {
    const tfjs = await import("./tfjs.js");
    libs.push(...(await tfjs.loadTfjsLibraries(log)));
  } catch (e) {
    log(`bench: tfjs left out: ${oneLine(e)}`);
  }
  try {
    const jax = await import("./jax.js");
    libs.push(...(await jax.loadJaxLibraries(log)));
  } catch (e) {
    log(`bench: jax-js left out: ${oneLine(e)}`);
  }
  return libs;
}

export function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split("\n")[0];
}

// ---------------------------------------------------------------------------------------
// Arguments: the workloads' plain arrays as flat Float32Arrays with their shapes.

export interface Flat {
  data: Float32Array;
  shape: number[];
}

/** A number, a vector (number[] or typed array) or a matrix (number[][]) as float32 data + shape. */
export function flat32(v: unknown, shape?: number[]): Flat {
  if (typeof v === "number") return { data: Float32Array.of(v), shape: shape ?? [] };
  if (ArrayBuffer.isView(v)) {
    const a = v as unknown as ArrayLike<number>;
    return { data: Float32Array.from(a), shape: shape ?? [a.length] };
  }
  if (Array.isArray(v)) {
    if (v.length > 0 && Array.isArray(v[0])) {
      const rows = v as number[][];
      const m = rows.length;
      const n = rows[0].length;
      const data = new Float32Array(m * n);
      for (let i = 0; i < m; i++) {
        if (rows[i].length !== n) throw new Error(`jagged matrix: row ${i} has ${rows[i].length} entries, not ${n}`);
        data.set(rows[i], i * n);
      }
      return { data, shape: shape ?? [m, n] };
    }
    return { data: Float32Array.from(v as number[]), shape: shape ?? [v.length] };
  }
  throw new Error(`cannot flatten ${typeof v}`);
}

/** One-hot rows (float32) for integer labels. */
export function oneHot32(labels: number[], classes: number): Flat {
  const data = new Float32Array(labels.length * classes);
  labels.forEach((c, i) => {
    if (!(Number.isInteger(c) && c >= 0 && c < classes)) throw new Error(`label ${c} is not a class index below ${classes}`);
    data[i * classes + c] = 1;
  });
  return { data, shape: [labels.length, classes] };
}

/** The MLP record of the mlp workloads. */
export interface MlpParams {
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
}

/**
 * Prepared state per argument set: run(args) finds the set by identity (the suite alternates the
 * two sets it prepared); any other arguments are converted on the spot, per call.
 */
export function perArgSet<S>(
  argSets: [Args, Args],
  make: (args: Args) => S,
  free: (s: S) => void,
): { get(args: Args): S; release(s: S): void; dispose(): void } {
  const sets = argSets.map(make);
  return {
    get: (args) => (args === argSets[0] ? sets[0] : args === argSets[1] ? sets[1] : make(args)),
    release: (s) => {
      if (s !== sets[0] && s !== sets[1]) free(s);
    },
    dispose: () => sets.forEach(free),
  };
}

export type { Args, Library, WorkloadName };
