// The numbers of a value of any shape the gradient contract allows (numbers, arrays, typed
// arrays, records of these, nested), found once as runs: an array of numbers or a typed array
// (all its elements), or one number field of a record. Optimizers and the gradient check walk
// the runs with plain indexed loops, and find the same run in another value of the same shape
// (the gradient record) by following its path: property reads, no allocation.

export type PathKey = string | number;

/** A run of numbers inside a value. */
export interface Run {
  /** Keys from the value to the container: the array, or the record that holds the number. */
  path: PathKey[];
  /** For a number field of a record: the field (the run is that one number). */
  key?: string;
  /** How many numbers: the array's length, or 1. */
  length: number;
  /** The run's place, written as code: `W1[2]`, `b`, `layers[0].W`. */
  name: string;
  /** The numbers are kept in a Float32Array (rounded to float32 when written). */
  float32: boolean;
}

type Node = number | ArrayLike<number> | readonly unknown[] | { readonly [key: string]: unknown };

/** The runs of numbers of `value`, in order (fields in key order, arrays by index). */
export function runsOf(value: unknown, name = ""): Run[] {
  const runs: Run[] = [];
  walk(value as Node, [], name, runs);
  return runs;
}

function walk(v: Node, path: PathKey[], name: string, runs: Run[]): void {
  if (v instanceof Float64Array || v instanceof Float32Array) {
    runs.push({ path, length: v.length, name, float32: v instanceof Float32Array });
  } else if (Array.isArray(v)) {
    if (v.length === 0) return;
    if (v.every((x) => typeof x === "number")) {
      runs.push({ path, length: v.length, name, float32: false });
      return;
    }
    v.forEach((x: Node, i) => {
      if (typeof x === "number") throw new Error(`adc: ${name || "the value"} mixes numbers and arrays or records`);
      walk(x, [...path, i], `${name}[${i}]`, runs);
    });
  } else if (typeof v === "object" && v !== null) {
    for (const [key, x] of Object.entries(v)) {
      const at = name ? `${name}.${key}` : key;
      if (typeof x === "number") runs.push({ path, key, length: 1, name: at, float32: false });
      else walk(x as Node, [...path, key], at, runs);
    }
  } else {
    throw new Error(`adc: ${name || "the value"} is ${typeof v === "number" ? "a number" : String(v)}, not an array or a record`);
  }
}

/** The container at `path` inside `root` (what a run's path leads to). */
export function at(root: unknown, path: readonly PathKey[]): unknown {
  let v = root as Record<PathKey, unknown>;
  for (let i = 0; i < path.length; i++) {
    v = v[path[i]] as Record<PathKey, unknown>;
    if (v === undefined || v === null) return undefined;
  }
  return v;
}

/** How many numbers `value` holds. */
export function countEntries(value: unknown): number {
  if (typeof value === "number") return 1;
  return runsOf(value).reduce((n, r) => n + r.length, 0);
}
