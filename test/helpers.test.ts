// The fixture harness checks itself: leaf paths, central differences over records of arrays
// against a closed form, leaf comparison and shape checks, and the seeded generator of
// arguments (shapes, determinism, and the same points as before for all-number domains).
import { describe, expect, it } from "vitest";
import { argsFromJson, checkDomainEntry, fromJson, isIntLeaf, sample, samplePoint, type DomainEntry } from "./helpers/fixtures.js";
import {
  FD_TOLERANCE_F32,
  centralDifferenceAt,
  centralDifferences,
  close,
  compareLeaves,
  containers,
  deepClone,
  describeMismatches,
  differencesExact,
  formatPath,
  getAt,
  kindOf,
  leafPaths,
  leaves,
  mapLeaves,
  rng,
  shapeDifferences,
  stepFor,
  uniform,
} from "./helpers/numeric.js";

const value = () => ({
  W: [
    [1, 2],
    [3, 4],
  ],
  b: Float64Array.of(5, 6),
  s: 7,
  inner: { h: Float32Array.of(0.5) },
});

describe("leaves and paths", () => {
  it("lists every numeric leaf, depth first, with printable paths", () => {
    expect(leafPaths(value()).map((p) => formatPath(p, "grad"))).toEqual([
      "grad.W[0][0]",
      "grad.W[0][1]",
      "grad.W[1][0]",
      "grad.W[1][1]",
      "grad.b[0]",
      "grad.b[1]",
      "grad.s",
      "grad.inner.h[0]",
    ]);
    expect(leaves(value()).map((l) => l.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 0.5]);
    expect(
      leaves(value())
        .filter((l) => l.float32)
        .map((l) => formatPath(l.path)),
    ).toEqual(["inner.h[0]"]);
    expect(leafPaths(3)).toEqual([[]]);
    expect(leafPaths([[], []])).toEqual([]);
    expect(formatPath([2, "odd key", 0])).toBe('[2]["odd key"][0]');
    expect(() => leaves({ a: [1, undefined] }, "grad")).toThrow("grad.a[1] is undefined, not a number");
  });

  it("reads, copies and maps values without sharing or changing container types", () => {
    const v = value();
    expect(getAt(v, ["W", 1, 0])).toBe(3);
    expect(getAt(v, ["b", 1])).toBe(6);
    expect(getAt(v, ["nope", 0])).toBeUndefined();
    const c = deepClone(v);
    expect(differencesExact(c, v)).toEqual([]);
    c.W[0][0] = 9;
    c.b[0] = 9;
    c.inner.h[0] = 9;
    expect(v.W[0][0]).toBe(1);
    expect(v.b[0]).toBe(5);
    expect(v.inner.h[0]).toBe(0.5);
    const ones = mapLeaves(v, () => 1);
    expect(shapeDifferences(ones, v)).toEqual([]);
    expect(kindOf(ones.b)).toBe("Float64Array");
    expect(kindOf(ones.inner.h)).toBe("Float32Array");
    expect(leaves(ones).every((l) => l.value === 1)).toBe(true);
    expect(containers(v).map((x) => formatPath(x.path, "v"))).toEqual(["v", "v.W", "v.W[0]", "v.W[1]", "v.b", "v.inner", "v.inner.h"]);
  });

  it("reports shape differences: container kind, length, keys", () => {
    const v = value();
    expect(shapeDifferences({ ...v, b: [5, 6] }, v, "grad")).toEqual(["grad.b: expected Float64Array of length 2, got Array"]);
    expect(shapeDifferences({ ...v, W: [[1, 2], [3]] }, v, "grad")).toEqual(["grad.W[1]: expected Array of length 2, got length 1"]);
    const { s: _, ...noS } = v;
    expect(shapeDifferences({ ...noS, t: 1 }, v, "grad")).toEqual(["grad: expected keys {W, b, inner, s}, got {W, b, inner, t}"]);
    expect(shapeDifferences(1, [1], "g")).toEqual(["g: expected Array of length 1, got number"]);
  });

  it("compares matching leaves with a tolerance, and reports missing and extra ones", () => {
    const v = value();
    expect(
      compareLeaves(
        mapLeaves(v, (x) => x * (1 + 1e-7)),
        v,
      ),
    ).toEqual([]);
    // a plain array matches a Float64Array leaf by leaf (shapeDifferences judges kinds)
    expect(compareLeaves({ ...v, b: [5, 6] }, v)).toEqual([]);
    const bad = deepClone(v) as Record<string, unknown> & ReturnType<typeof value>;
    bad.W[1][0] = 3.1;
    bad.b = Float64Array.of(5);
    bad.extra = 0;
    expect(describeMismatches(compareLeaves(bad, v), "grad", "adc", "reference")).toEqual([
      "grad.W[1][0]: adc 3.1, reference 3",
      "grad.b[1]: adc nothing, reference 6",
      "grad.extra: unexpected leaf (adc 0)",
    ]);
    // Float32Array leaves use the float32 tolerance
    const h = { x: Float32Array.of(1) };
    expect(compareLeaves(h, { x: [1 + 1e-5] }, { abs: 0, rel: 0 }, { abs: 0, rel: 1e-4 })).toEqual([]);
    expect(compareLeaves({ x: [1] }, { x: [1 + 1e-5] }, { abs: 0, rel: 0 }, { abs: 0, rel: 1e-4 })).toHaveLength(1);
    expect(differencesExact({ a: [1, 2] }, { a: [1, 3] }, "p")).toEqual(["p.a[1]: was 3, now 2"]);
  });
});

describe("central differences over structured arguments", () => {
  // f(p, x) = 1/2 sum_i (b_i + sum_j W_ij x_j)^2 + s x_0:  dW_ij = z_i x_j,  db_i = z_i,
  // ds = x_0,  dx_j = sum_i z_i W_ij + s [j = 0]
  const f = (p: { W: number[][]; b: number[]; s: number }, x: Float64Array) => {
    let out = p.s * x[0];
    for (let i = 0; i < p.b.length; i++) {
      let z = p.b[i];
      for (let j = 0; j < x.length; j++) z += p.W[i][j] * x[j];
      out += 0.5 * z * z;
    }
    return out;
  };
  const closedForm = (p: { W: number[][]; b: number[]; s: number }, x: Float64Array) => {
    const z = p.b.map((b, i) => b + p.W[i].reduce((acc, w, j) => acc + w * x[j], 0));
    return [
      { W: p.W.map((row, i) => row.map((_, j) => z[i] * x[j])), b: z, s: x[0] },
      Float64Array.from(x, (_, j) => z.reduce((acc, zi, i) => acc + zi * p.W[i][j], 0) + (j === 0 ? p.s : 0)),
    ];
  };

  it("matches the closed form at every leaf, and never mutates the arguments", () => {
    const p = {
      W: [
        [0.3, -1.2, 0.5],
        [2, 0.1, -0.7],
      ],
      b: [0.4, -0.9],
      s: 1.5,
    };
    const x = Float64Array.of(0.8, -0.3, 1.1);
    const args = [p, x];
    const before = deepClone(args);
    const fd = centralDifferences(f, args);
    const want = closedForm(p, x);
    expect(fd.map((d) => formatPath(d.path, "args"))).toEqual(leafPaths(args).map((p) => formatPath(p, "args")));
    for (const d of fd) expect(close(d.fd, getAt(want, d.path) as number, 1e-7, 1e-7), `${formatPath(d.path, "args")}: ${d.fd}`).toBe(true);
    expect(differencesExact(args, before)).toEqual([]);
  });

  it("skips the leaves it is told to", () => {
    const args = [{ W: [[1]], b: [2], s: 3 }, Float64Array.of(4)];
    const fd = centralDifferences(f, args, { skip: (p) => p[0] === 1 || p[1] === "s" });
    expect(fd.map((d) => formatPath(d.path))).toEqual(["[0].W[0][0]", "[0].b[0]"]);
  });

  it("steps Float32Array elements by 1e-3 and divides by the step actually stored", () => {
    expect(stepFor(2, false)).toBe(2e-6);
    expect(stepFor(2, true)).toBe(2e-3);
    expect(stepFor(0.1, true)).toBe(1e-3);
    // a function that keeps a float32 intermediate: its values move in float32 steps, so a
    // 1e-6 step sees rounding noise; the 1e-3 step sees the derivative
    const g = (x: Float32Array) => Math.fround(Math.fround(x[0] * x[0]) * 3) + Math.sin(x[1]);
    const x = Float32Array.of(1.7, 0.4);
    const fd = centralDifferences(g, [x]);
    expect(fd.every((d) => d.float32)).toBe(true);
    const want = [6 * x[0], Math.cos(x[1])];
    fd.forEach((d, i) => expect(close(d.fd, want[i], FD_TOLERANCE_F32.abs, FD_TOLERANCE_F32.rel), `${d.fd} vs ${want[i]}`).toBe(true));
    const tiny = centralDifferenceAt(g, [x], [0, 0], 1e-6);
    expect(close(tiny, want[0], FD_TOLERANCE_F32.abs, FD_TOLERANCE_F32.rel)).toBe(false);
    expect(Array.from(x)).toEqual([Math.fround(1.7), Math.fround(0.4)]);
  });
});

describe("the argument generator", () => {
  const domain: DomainEntry[] = [
    [-1, 1],
    { array: [3], range: [-2, 2] },
    { array: [2, 4], range: [0, 1] },
    { typed: "Float64Array", length: 5, range: [-1, 0] },
    { typed: "Float32Array", length: 2, range: [10, 20] },
    { record: { W: { array: [2, 2], range: [-1, 1] }, inner: { record: { k: { int: [0, 3] }, t: [5, 6] } } } },
    { int: [0, 9] },
  ];

  it("draws each entry's shape, inside its range", () => {
    const [x, v, m, t64, t32, rec, k] = samplePoint(domain, rng(1)) as [
      number,
      number[],
      number[][],
      Float64Array,
      Float32Array,
      { W: number[][]; inner: { k: number; t: number } },
      number,
    ];
    expect(typeof x).toBe("number");
    expect(x >= -1 && x <= 1).toBe(true);
    expect(kindOf(v)).toBe("Array");
    expect(v).toHaveLength(3);
    expect(v.every((e) => typeof e === "number" && e >= -2 && e <= 2)).toBe(true);
    expect(m.map((row) => row.length)).toEqual([4, 4]);
    expect(kindOf(t64)).toBe("Float64Array");
    expect(t64).toHaveLength(5);
    expect(kindOf(t32)).toBe("Float32Array");
    expect(Array.from(t32).every((e) => e >= 10 && e <= 20)).toBe(true);
    expect(Object.keys(rec)).toEqual(["W", "inner"]);
    expect(Object.keys(rec.inner)).toEqual(["k", "t"]);
    expect(Number.isInteger(rec.inner.k) && rec.inner.k >= 0 && rec.inner.k <= 3).toBe(true);
    expect(Number.isInteger(k) && k >= 0 && k <= 9).toBe(true);
    // every integer in [lo, hi] comes up
    const next = rng(5);
    expect(new Set(Array.from({ length: 200 }, () => sample({ int: [2, 4] }, next))).size).toBe(3);
  });

  it("is deterministic for a seed, and different across seeds", () => {
    const a = samplePoint(domain, rng(42));
    expect(differencesExact(samplePoint(domain, rng(42)), a)).toEqual([]);
    expect(differencesExact(samplePoint(domain, rng(43)), a)).not.toEqual([]);
  });

  it("draws all-number domains exactly as the number-only harness did", () => {
    const ranges: [number, number][] = [
      [-2, 2],
      [0, 1],
      [0, 0.5],
    ];
    const old = rng(77);
    const next = rng(77);
    for (let n = 0; n < 3; n++) expect(samplePoint(ranges, next)).toEqual(ranges.map(([lo, hi]) => uniform(old, lo, hi)));
  });

  it("converts known points' JSON to the declared types, and says what does not fit", () => {
    const [x, v, m, t64, t32, rec, k] = argsFromJson(domain, [
      0.5,
      [1, 2, 3],
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
      [1, 2, 3, 4, 5],
      [0.1, 0.2],
      {
        W: [
          [1, 2],
          [3, 4],
        ],
        inner: { k: 2, t: 5.5 },
      },
      7,
    ]);
    expect([x, k]).toEqual([0.5, 7]);
    expect(kindOf(v)).toBe("Array");
    expect(m).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(kindOf(t64)).toBe("Float64Array");
    expect(kindOf(t32)).toBe("Float32Array");
    expect((t32 as Float32Array)[0]).toBe(Math.fround(0.1));
    expect(rec).toEqual({
      W: [
        [1, 2],
        [3, 4],
      ],
      inner: { k: 2, t: 5.5 },
    });
    expect(() => fromJson({ array: [2, 2], range: [0, 1] }, [[1, 2], [3]], "W")).toThrow("W[1] should be an array of length 2");
    expect(() => fromJson({ typed: "Float32Array", length: 3, range: [0, 1] }, [1, 2], "x")).toThrow(
      "x: expected 3 numbers (a Float32Array)",
    );
    expect(() => fromJson({ record: { a: [0, 1], b: [0, 1] } }, { a: 1 }, "p")).toThrow("p: expected the keys {a, b}");
    expect(() => fromJson({ int: [0, 3] }, 1.5, "k")).toThrow("k: expected an integer");
    expect(() => argsFromJson([[0, 1]], [1, 2])).toThrow("known point has 2 arguments, the domain 1 entries");
  });

  it("rejects malformed domain entries with where and why", () => {
    expect(() => checkDomainEntry([1, 0], "domain[0]")).toThrow("domain[0]: a number parameter's domain is [lo, hi]");
    expect(() => checkDomainEntry({ array: [2], range: [0, 1], extra: 1 }, "d")).toThrow("d: an array entry has the keys");
    expect(() => checkDomainEntry({ typed: "Int32Array", length: 2, range: [0, 1] }, "d")).toThrow(
      '\'typed\' is "Float64Array" or "Float32Array"',
    );
    expect(() => checkDomainEntry({ record: { w: { int: [0.5, 2] } } }, "d")).toThrow("d.w: 'int' is [lo, hi], integers");
    expect(() => checkDomainEntry({ vector: 3 }, "d")).toThrow("d: expected [lo, hi]");
  });

  it("knows which leaves are integer parameters", () => {
    expect(isIntLeaf(domain, [6])).toBe(true);
    expect(isIntLeaf(domain, [5, "inner", "k"])).toBe(true);
    expect(isIntLeaf(domain, [5, "inner", "t"])).toBe(false);
    expect(isIntLeaf(domain, [5, "W", 0, 1])).toBe(false);
    expect(isIntLeaf(domain, [1, 0])).toBe(false);
    expect(isIntLeaf(domain, [0])).toBe(false);
  });
});
