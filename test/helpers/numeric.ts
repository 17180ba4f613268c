// Independent checks of a gradient: central finite differences of the original function,
// a seeded random source, and a closeness test with the contract's tolerances.

/** d f / d args[i] by central differences, step scaled to the argument. */
export function centralDifference(
  f: (...args: number[]) => number,
  args: number[],
  i: number,
  h = 1e-6 * Math.max(1, Math.abs(args[i])),
): number {
  const plus = [...args];
  const minus = [...args];
  plus[i] += h;
  minus[i] -= h;
  return (f(...plus) - f(...minus)) / (plus[i] - minus[i]);
}

/** |a - b| <= abs + rel * max(|a|, |b|), the acceptance check's form. */
export function close(a: number, b: number, abs = 1e-5, rel = 1e-4): boolean {
  if (Object.is(a, b)) return true;
  return Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));
}

/** mulberry32: small, seeded, good enough to pick test points reproducibly. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(next: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * next();
}

// ---------------------------------------------------------------------------------------------
// Structured values: gradients have the shape of their parameters (number, number[], number[][],
// Float64Array, Float32Array, records of these, nested). The helpers below walk such values leaf
// by leaf. A leaf is addressed by its path from the root: numbers index arrays and typed arrays,
// strings name record fields; `formatPath(["W", 1, 0], "grad")` is `grad.W[1][0]`.

export type PathKey = string | number;
export type LeafPath = readonly PathKey[];

export interface Leaf {
  path: LeafPath;
  value: number;
  /** The leaf is an element of a Float32Array (float32 steps and tolerances apply). */
  float32: boolean;
}

/** An absolute and a relative tolerance, in the form `close` takes. */
export interface Tolerance {
  abs: number;
  rel: number;
}

/** Gradient vs central differences (the historic `close` defaults). */
export const FD_TOLERANCE: Tolerance = { abs: 1e-5, rel: 1e-4 };
/**
 * Gradient vs central differences for Float32Array elements. float32 keeps 24 bits (eps ~6e-8):
 * the emitted gradient is rounded (and possibly accumulated) in float32 slots, and the
 * difference quotient uses a 1e-3 step (see `stepFor`), whose truncation error is
 * ~h^2/6 |f'''| ~ 2e-7 |f'''| max(1, x^2). Both sit well inside 1e-4 + 1e-3 * |g|.
 */
export const FD_TOLERANCE_F32: Tolerance = { abs: 1e-4, rel: 1e-3 };
/** Two exact computations of the same number (emitted code vs interpreter, seed scaling). */
export const EXACT_TOLERANCE: Tolerance = { abs: 1e-12, rel: 1e-12 };
/**
 * The same for Float32Array elements: each side may round to float32 at a different point
 * (e.g. -2.5 * fround(g) vs fround(-2.5 * g)), and a float32 slot that accumulates k terms errs
 * by up to ~k eps of the terms' size; 1e-6 + 1e-5 * |g| allows ~100 roundings of O(1) terms.
 */
export const EXACT_TOLERANCE_F32: Tolerance = { abs: 1e-6, rel: 1e-5 };

const isTyped = (x: unknown): x is ArrayLike<number> & object => ArrayBuffer.isView(x) && !(x instanceof DataView);
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x) && !isTyped(x);
const isContainer = (x: unknown): x is object => Array.isArray(x) || isTyped(x) || isRecord(x);

/** What a value is, for messages and shape checks: number, Array, Float64Array, Float32Array, object, ... */
export function kindOf(x: unknown): string {
  if (Array.isArray(x)) return "Array";
  if (isTyped(x)) return x.constructor.name;
  if (x === null) return "null";
  if (typeof x === "object") {
    const proto = Object.getPrototypeOf(x);
    return proto === Object.prototype || proto === null ? "object" : (proto.constructor?.name ?? "object");
  }
  return typeof x;
}

/** `grad.W[1][0]`, `x[3]`, `p.layer1.b[0]`, `grad["odd key"]`. */
export function formatPath(path: LeafPath, root = ""): string {
  let s = root;
  for (const k of path) {
    if (typeof k === "number") s += `[${k}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(k)) s += s === "" ? k : `.${k}`;
    else s += `[${JSON.stringify(k)}]`;
  }
  return s;
}

/** Visits every non-container value (numbers, and anything else that is not an array, typed array or object). */
function walk(x: unknown, visit: (path: LeafPath, value: unknown, float32: boolean) => void, path: LeafPath = [], float32 = false): void {
  if (Array.isArray(x) || isTyped(x)) {
    const f32 = x instanceof Float32Array;
    for (let i = 0; i < x.length; i++) walk(x[i], visit, [...path, i], f32);
  } else if (isRecord(x)) {
    for (const k of Object.keys(x)) walk(x[k], visit, [...path, k], false);
  } else visit(path, x, float32);
}

/** Every numeric leaf of x, depth first, in index/key order. Throws when a leaf is not a number (`root` names x in that message). */
export function leaves(x: unknown, root = "value"): Leaf[] {
  const out: Leaf[] = [];
  walk(x, (path, value, float32) => {
    if (typeof value !== "number") throw new TypeError(`${formatPath(path, root) || root} is ${kindOf(value)}, not a number`);
    out.push({ path, value, float32 });
  });
  return out;
}

/** The paths of every numeric leaf of x (see `leaves`). */
export function leafPaths(x: unknown): LeafPath[] {
  return leaves(x).map((l) => l.path);
}

/** The value at `path` (undefined when the path leads nowhere). */
export function getAt(x: unknown, path: LeafPath): unknown {
  let v: unknown = x;
  for (const k of path) {
    if (typeof k === "number" ? Array.isArray(v) || isTyped(v) : isRecord(v)) v = (v as Record<PathKey, unknown>)[k];
    else return undefined;
  }
  return v;
}

/** Sets the leaf at `path` (its containers must exist). */
export function setAt(x: unknown, path: LeafPath, value: number): void {
  if (path.length === 0) throw new Error("setAt: the root is not a container");
  const parent = getAt(x, path.slice(0, -1));
  if (!isContainer(parent)) throw new Error(`setAt: no container at ${formatPath(path.slice(0, -1), "value")}`);
  (parent as Record<PathKey, unknown>)[path[path.length - 1]] = value;
}

/** A copy sharing nothing with x: arrays, typed arrays (same type) and records are copied at every depth. */
export function deepClone<T>(x: T): T {
  if (Array.isArray(x)) return x.map((e) => deepClone(e)) as T;
  if (isTyped(x)) return (x as unknown as { slice(): T }).slice();
  if (isRecord(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, deepClone(v)])) as T;
  return x;
}

/** A value of the same shape and container types as x, each leaf replaced by fn(leaf). */
export function mapLeaves<T>(x: T, fn: (value: number, leaf: Leaf) => number, root = "value"): T {
  const out = deepClone(x);
  if (typeof out === "number") return fn(out, { path: [], value: out, float32: false }) as T;
  for (const leaf of leaves(x, root)) setAt(out, leaf.path, fn(leaf.value, leaf));
  return out;
}

/**
 * Where `actual`'s structure differs from `expected`'s: container kind (Array, Float64Array,
 * Float32Array, object, number), lengths and keys, at any depth. Empty when the shapes agree.
 */
export function shapeDifferences(actual: unknown, expected: unknown, root = ""): string[] {
  const out: string[] = [];
  const at = (path: LeafPath) => formatPath(path, root) || "(root)";
  const rec = (a: unknown, e: unknown, path: LeafPath) => {
    const ka = kindOf(a);
    const ke = kindOf(e);
    if (ka !== ke) {
      out.push(
        `${at(path)}: expected ${ke}${isContainer(e) && !isRecord(e) ? ` of length ${(e as ArrayLike<unknown>).length}` : ""}, got ${ka}`,
      );
      return;
    }
    if (Array.isArray(e) || isTyped(e)) {
      const aa = a as ArrayLike<unknown>;
      if (aa.length !== e.length) out.push(`${at(path)}: expected ${ke} of length ${e.length}, got length ${aa.length}`);
      for (let i = 0; i < Math.min(aa.length, e.length); i++) rec(aa[i], e[i], [...path, i]);
    } else if (isRecord(e)) {
      const ar = a as Record<string, unknown>;
      const want = Object.keys(e).sort();
      const got = Object.keys(ar).sort();
      if (want.join("\0") !== got.join("\0")) out.push(`${at(path)}: expected keys {${want.join(", ")}}, got {${got.join(", ")}}`);
      for (const k of want) if (k in ar) rec(ar[k], e[k], [...path, k]);
    }
  };
  rec(actual, expected, []);
  return out;
}

/** Every container (array, typed array, record) inside x, with its path, the root included. */
export function containers(x: unknown): { path: LeafPath; value: object }[] {
  const out: { path: LeafPath; value: object }[] = [];
  const rec = (v: unknown, path: LeafPath) => {
    if (!isContainer(v)) return;
    out.push({ path, value: v });
    if (Array.isArray(v)) v.forEach((e, i) => rec(e, [...path, i]));
    else if (isRecord(v)) for (const k of Object.keys(v)) rec(v[k], [...path, k]);
  };
  rec(x, []);
  return out;
}

export interface LeafMismatch {
  path: LeafPath;
  /** undefined: the leaf is missing (or not a number) on that side */
  actual?: unknown;
  expected?: unknown;
  why: "differs" | "missing" | "extra";
}

/**
 * `close` over matching leaves: every numeric leaf of `expected` must have a numeric leaf at the
 * same path in `actual` within the tolerance (float32 tolerance when either leaf is a
 * Float32Array element); `actual` must have no other leaves. Container kinds are not compared
 * (a plain array of numbers matches a Float64Array; `shapeDifferences` checks kinds).
 */
export function compareLeaves(actual: unknown, expected: unknown, tol: Tolerance = FD_TOLERANCE, tolF32: Tolerance = tol): LeafMismatch[] {
  const out: LeafMismatch[] = [];
  const expectedPaths = new Set<string>();
  walk(expected, (path, e, eF32) => {
    expectedPaths.add(JSON.stringify(path));
    const a = getAt(actual, path);
    if (typeof a !== "number" || typeof e !== "number") {
      out.push({ path, actual: a, expected: e, why: "missing" });
      return;
    }
    const aParent = getAt(actual, path.slice(0, -1));
    const t = eF32 || aParent instanceof Float32Array ? tolF32 : tol;
    if (!close(a, e, t.abs, t.rel)) out.push({ path, actual: a, expected: e, why: "differs" });
  });
  walk(actual, (path, a) => {
    if (!expectedPaths.has(JSON.stringify(path))) out.push({ path, actual: a, why: "extra" });
  });
  return out;
}

/** One line per mismatch: `grad.W[1][0]: adc 0.25, central difference 0.2501`. */
export function describeMismatches(ms: LeafMismatch[], root: string, actualName = "got", expectedName = "expected"): string[] {
  return ms.map((m) => {
    const where = formatPath(m.path, root) || root || "(root)";
    if (m.why === "extra") return `${where}: unexpected leaf (${actualName} ${String(m.actual)})`;
    if (m.why === "missing")
      return `${where}: ${actualName} ${m.actual === undefined ? "nothing" : `${kindOf(m.actual)} ${String(m.actual)}`}, ${expectedName} ${String(m.expected)}`;
    return `${where}: ${actualName} ${String(m.actual)}, ${expectedName} ${String(m.expected)}`;
  });
}

/** Exact equality of two values: same shape and container kinds, every leaf Object.is-equal. */
export function differencesExact(actual: unknown, expected: unknown, root = ""): string[] {
  const shape = shapeDifferences(actual, expected, root);
  if (shape.length) return shape;
  const out: string[] = [];
  walk(expected, (path, e) => {
    const a = getAt(actual, path);
    if (!Object.is(a, e)) out.push(`${formatPath(path, root) || "(root)"}: was ${String(e)}, now ${String(a)}`);
  });
  return out;
}

/** The central-difference step for a leaf: 1e-6 * max(1, |x|), or 1e-3 * max(1, |x|) for a Float32Array element. */
export function stepFor(x: number, float32: boolean): number {
  return (float32 ? 1e-3 : 1e-6) * Math.max(1, Math.abs(x));
}

/**
 * d f / d (the leaf of args at `path`) by central differences on deep copies of args (args is
 * never mutated). The quotient divides by the step actually stored (a Float32Array rounds
 * x +- h), so float32 rounding of the perturbed point does not bias it.
 */
export function centralDifferenceAt(f: (...args: never[]) => number, args: readonly unknown[], path: LeafPath, h?: number): number {
  const x = getAt(args, path);
  if (typeof x !== "number") throw new TypeError(`${formatPath(path, "args")} is ${kindOf(x)}, not a number`);
  const float32 = getAt(args, path.slice(0, -1)) instanceof Float32Array;
  const step = h ?? stepFor(x, float32);
  const plus = deepClone([...args]);
  const minus = deepClone([...args]);
  setAt(plus, path, x + step);
  setAt(minus, path, x - step);
  const xp = getAt(plus, path) as number;
  const xm = getAt(minus, path) as number;
  const call = f as (...a: unknown[]) => number;
  return (call(...plus) - call(...minus)) / (xp - xm);
}

export interface DifferenceLeaf extends Leaf {
  /** the central difference d f / d leaf */
  fd: number;
}

/**
 * Central differences over every numeric leaf of the arguments (numbers, array elements at any
 * depth, typed array elements, record fields), except those `skip` names. Paths start with the
 * argument's index: [2, "W", 1, 0] is args[2].W[1][0].
 */
export function centralDifferences(
  f: (...args: never[]) => number,
  args: readonly unknown[],
  options: { skip?: (path: LeafPath) => boolean } = {},
): DifferenceLeaf[] {
  return leaves([...args])
    .filter((l) => !options.skip?.(l.path))
    .map((l) => ({ ...l, fd: centralDifferenceAt(f, args, l.path) }));
}
