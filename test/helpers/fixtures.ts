// The fixture folders: fixtures/<group>/<case>/ with input.ts and either
//   expected.grad.ts + case.json   (a gradient case: snapshot, numbers, domain)
//   expected.errors.txt            (an error case: adc's diagnostics, exactly)
import * as fs from "node:fs";
import * as path from "node:path";
import { formatPath, type LeafPath, uniform } from "./numeric.js";

export const FIXTURES = path.join(__dirname, "..", "..", "fixtures");

/** A JSON value as case.json holds it. */
export type Json = number | Json[] | { [key: string]: Json };

/** `[lo, hi]`: a number drawn uniformly from [lo, hi]. */
export type Range = [number, number];
/** `{ "array": [n], "range": [lo, hi] }` is a number[] of length n, `{ "array": [r, c], ... }` a number[][] (r rows of c). */
export interface ArrayDomain {
  array: number[];
  range: Range;
}
/** A Float64Array or Float32Array of `length` elements drawn from `range`. */
export interface TypedDomain {
  typed: "Float64Array" | "Float32Array";
  length: number;
  range: Range;
}
/** An object with these keys, each drawn from its own entry (records nest). */
export interface RecordDomain {
  record: { [key: string]: DomainEntry };
}
/**
 * An integer-valued number in [lo, hi] (a class index, a count): never perturbed by finite
 * differences, and its gradient must be exactly 0.
 */
export interface IntDomain {
  int: Range;
}
/** What one parameter (or one record field) of a fixture function is drawn from. */
export type DomainEntry = Range | ArrayDomain | TypedDomain | RecordDomain | IntDomain;

/** A value a fixture function takes: number, number[] (any depth), Float64Array, Float32Array, records of these. */
export type ArgValue = number | Float64Array | Float32Array | ArgValue[] | { [key: string]: ArgValue };

export interface KnownPoint {
  /**
   * One JSON value per parameter, shaped as its domain entry says; a typed-array parameter is
   * written as a plain array and converted (see `argsFromJson`).
   */
  args: Json[];
  value?: number;
  /** Expected gradient per parameter, same nesting as the parameter (typed arrays as plain arrays). */
  grad?: Record<string, Json>;
  /** absolute tolerance (default 1e-3: lecture numbers are printed rounded) */
  tol?: number;
  note?: string;
}

export interface FunctionCase {
  /**
   * One entry per parameter: where random points are drawn (keep away from kinks and poles).
   * `[lo, hi]` for a number; see `DomainEntry` for arrays, typed arrays, records and integers.
   */
  domain: DomainEntry[];
  known?: KnownPoint[];
  /**
   * Why central differences of the original are not the reference (stopGradient changes the
   * gradient but not the value): the known points are then the independent check.
   */
  notFiniteDifferences?: string;
}

export interface CaseFile {
  about: string;
  functions: Record<string, FunctionCase>;
}

export interface Fixture {
  /** `<group>/<case>` */
  name: string;
  dir: string;
  source: string;
  kind: "gradient" | "error";
  spec?: CaseFile;
}

export function listFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const group of fs.readdirSync(FIXTURES).sort()) {
    const groupDir = path.join(FIXTURES, group);
    if (!fs.statSync(groupDir).isDirectory()) continue;
    for (const name of fs.readdirSync(groupDir).sort()) {
      const dir = path.join(groupDir, name);
      const input = path.join(dir, "input.ts");
      if (!fs.existsSync(input)) continue;
      const caseFile = path.join(dir, "case.json");
      const spec = fs.existsSync(caseFile) ? (JSON.parse(fs.readFileSync(caseFile, "utf8")) as CaseFile) : undefined;
      out.push({ name: `${group}/${name}`, dir, source: fs.readFileSync(input, "utf8"), kind: spec ? "gradient" : "error", spec });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Domain entries: validation, seeded sampling, and conversion of known points' JSON arguments.

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isIntValue = (x: unknown): x is number => isNum(x) && Number.isInteger(x);
const isRange = (x: unknown): x is Range => Array.isArray(x) && x.length === 2 && isNum(x[0]) && isNum(x[1]) && x[0] <= x[1];
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Throws `<where>: <what is wrong>` unless entry is a well-formed DomainEntry. */
export function checkDomainEntry(entry: unknown, where = "domain"): asserts entry is DomainEntry {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what} (got ${JSON.stringify(entry)})`);
  };
  if (Array.isArray(entry)) {
    if (!isRange(entry)) fail("a number parameter's domain is [lo, hi] with lo <= hi");
    return;
  }
  if (!isObj(entry)) return fail("expected [lo, hi], {array, range}, {typed, length, range}, {record} or {int}");
  const keys = Object.keys(entry).sort().join(",");
  if ("int" in entry) {
    if (keys !== "int") fail("an int entry has only the key 'int'");
    const r = entry.int;
    if (!isRange(r) || !isIntValue(r[0]) || !isIntValue(r[1])) fail("'int' is [lo, hi], integers, lo <= hi");
  } else if ("array" in entry) {
    if (keys !== "array,range") fail("an array entry has the keys 'array' and 'range'");
    const dims = entry.array;
    if (!Array.isArray(dims) || dims.length === 0 || !dims.every((d) => isIntValue(d) && d >= 0))
      fail("'array' is the list of sizes: [n] for number[], [rows, cols] for number[][]");
    if (!isRange(entry.range)) fail("'range' is [lo, hi] with lo <= hi");
  } else if ("typed" in entry) {
    if (keys !== "length,range,typed") fail("a typed entry has the keys 'typed', 'length' and 'range'");
    if (entry.typed !== "Float64Array" && entry.typed !== "Float32Array") fail('\'typed\' is "Float64Array" or "Float32Array"');
    if (!isIntValue(entry.length) || entry.length < 0) fail("'length' is a non-negative integer");
    if (!isRange(entry.range)) fail("'range' is [lo, hi] with lo <= hi");
  } else if ("record" in entry) {
    if (keys !== "record") fail("a record entry has only the key 'record'");
    if (!isObj(entry.record)) fail("'record' maps each key to its domain entry");
    for (const [k, e] of Object.entries(entry.record as Record<string, unknown>)) checkDomainEntry(e, formatPath([k], where));
  } else fail("expected [lo, hi], {array, range}, {typed, length, range}, {record} or {int}");
}

/**
 * A value drawn from the entry with `next` (a seeded `rng`), depth first: array elements in
 * row-major order, record fields in the entry's key order. A plain `[lo, hi]` draws exactly one
 * `uniform(next, lo, hi)`, so all-number domains give the same points as before records existed.
 */
export function sample(entry: DomainEntry, next: () => number, where = "domain"): ArgValue {
  checkDomainEntry(entry, where);
  if (Array.isArray(entry)) return uniform(next, entry[0], entry[1]);
  if ("int" in entry) {
    const [lo, hi] = entry.int;
    return Math.min(hi, lo + Math.floor(next() * (hi - lo + 1)));
  }
  if ("array" in entry) {
    const [lo, hi] = entry.range;
    const build = (d: number): ArgValue =>
      d === entry.array.length ? uniform(next, lo, hi) : Array.from({ length: entry.array[d] }, () => build(d + 1));
    return build(0);
  }
  if ("typed" in entry) {
    const out = entry.typed === "Float32Array" ? new Float32Array(entry.length) : new Float64Array(entry.length);
    for (let i = 0; i < entry.length; i++) out[i] = uniform(next, entry.range[0], entry.range[1]);
    return out;
  }
  return Object.fromEntries(Object.entries(entry.record).map(([k, e]) => [k, sample(e, next, formatPath([k], where))]));
}

/** One argument list: a value per domain entry, drawn in parameter order. */
export function samplePoint(domain: DomainEntry[], next: () => number): ArgValue[] {
  return domain.map((e, i) => sample(e, next, `domain[${i}]`));
}

/**
 * A known point's JSON argument as the function receives it, checked against the entry's
 * shape (sizes, keys, integers): an `{array}` entry gives nested number[], a `{typed}` entry a
 * Float64Array / Float32Array built from the JSON array, a `{record}` entry an object. Values
 * outside the entry's range are allowed (lecture points need not lie where random points are drawn).
 */
export function fromJson(entry: DomainEntry, json: unknown, where = "arg"): ArgValue {
  checkDomainEntry(entry, where);
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}, got ${JSON.stringify(json)}`);
  };
  if (Array.isArray(entry)) return isNum(json) ? json : fail("expected a number");
  if ("int" in entry) return isIntValue(json) ? json : fail("expected an integer");
  if ("array" in entry) {
    const build = (v: unknown, d: number, path: LeafPath): ArgValue => {
      if (d === entry.array.length) return isNum(v) ? v : fail(`${formatPath(path, where)} should be a number`);
      if (!Array.isArray(v) || v.length !== entry.array[d])
        return fail(`${formatPath(path, where)} should be an array of length ${entry.array[d]} (sizes [${entry.array.join(", ")}])`);
      return v.map((e, i) => build(e, d + 1, [...path, i]));
    };
    return build(json, 0, []);
  }
  if ("typed" in entry) {
    if (!Array.isArray(json) || json.length !== entry.length || !json.every(isNum))
      return fail(`expected ${entry.length} numbers (a ${entry.typed})`);
    return entry.typed === "Float32Array" ? Float32Array.from(json) : Float64Array.from(json);
  }
  if (!isObj(json)) return fail("expected an object");
  const want = Object.keys(entry.record).sort();
  const got = Object.keys(json).sort();
  if (want.join("\0") !== got.join("\0")) fail(`expected the keys {${want.join(", ")}}`);
  return Object.fromEntries(Object.entries(entry.record).map(([k, e]) => [k, fromJson(e, json[k], formatPath([k], where))]));
}

/** A known point's arguments, converted per parameter (see `fromJson`); `names` label messages. */
export function argsFromJson(domain: DomainEntry[], args: unknown[], names: string[] = []): ArgValue[] {
  if (args.length !== domain.length) throw new Error(`known point has ${args.length} arguments, the domain ${domain.length} entries`);
  return domain.map((e, i) => fromJson(e, args[i], names[i] ?? `args[${i}]`));
}

/**
 * Whether the leaf at `path` (starting with the parameter's index, as `centralDifferences`
 * numbers them) is an `{int}` entry: such leaves are not perturbed and must have gradient 0.
 */
export function isIntLeaf(domain: DomainEntry[], path: LeafPath): boolean {
  let e: DomainEntry | undefined = domain[path[0] as number];
  for (const k of path.slice(1)) {
    if (e === undefined || Array.isArray(e) || !("record" in e)) return false;
    e = e.record[k as string];
  }
  return e !== undefined && !Array.isArray(e) && "int" in e;
}
