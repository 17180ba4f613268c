// Shape helpers of adc/runtime: the seeded random source, Xavier and He initialisation, zeros,
// and the runs of numbers optimizers and gradCheck walk.
import { describe, expect, it } from "vitest";
import { Rng, countEntries, he, runsOf, xavier, zeros } from "../runtime/index.js";

describe("Rng", () => {
  it("gives the same numbers for the same seed, and others for another seed", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(new Rng(43).next()).not.toBe(first[0]);
    // mulberry32's first output for seed 42 (the same generator as test/helpers/numeric.ts)
    expect(first[0]).toBeCloseTo(0.6011037519201636, 15);
  });

  it("draws uniform numbers in [lo, hi) and integers in [0, n) with the right means", () => {
    const r = new Rng(7);
    const u = Array.from({ length: 20_000 }, () => r.uniform(-2, 4));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(4);
    expect(mean(u)).toBeCloseTo(1, 1);
    const k = Array.from({ length: 20_000 }, () => r.int(3));
    expect(new Set(k)).toEqual(new Set([0, 1, 2]));
  });

  it("draws normals with mean and standard deviation as asked", () => {
    const r = new Rng(3);
    const z = Array.from({ length: 40_000 }, () => r.normal(2, 0.5));
    expect(mean(z)).toBeCloseTo(2, 1);
    expect(std(z)).toBeCloseTo(0.5, 1);
  });

  it("shuffles in place, keeping every element", () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const same = new Rng(1).shuffle(a);
    expect(same).toBe(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe("initialisation", () => {
  it("xavier(out, in): uniform in ±sqrt(6 / (in + out)), so variance 2 / (in + out)", () => {
    const W = xavier(200, 100, new Rng(1));
    expect(W.length).toBe(200);
    expect(W[0].length).toBe(100);
    const all = W.flat();
    const limit = Math.sqrt(6 / 300);
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(std(all) ** 2).toBeCloseTo(2 / 300, 3);
  });

  it("he(out, in): normal with standard deviation sqrt(2 / in)", () => {
    const W = he(100, 50, new Rng(2));
    expect(W.length).toBe(100);
    expect(W[0].length).toBe(50);
    expect(std(W.flat())).toBeCloseTo(Math.sqrt(2 / 50), 2);
    expect(mean(W.flat())).toBeCloseTo(0, 1);
  });

  it("zeros(n) and zeros(rows, cols)", () => {
    expect(zeros(3)).toEqual([0, 0, 0]);
    const Z = zeros(2, 3);
    expect(Z).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(Z[0]).not.toBe(Z[1]);
  });
});

describe("runsOf", () => {
  it("finds arrays, typed arrays and number fields, nested, with their names and paths", () => {
    const value = { W: [[1, 2], [3]], b: 4, f: new Float32Array(2), layers: [{ w: [5] }], inner: { c: 6 } };
    const runs = runsOf(value, "p");
    expect(runs.map((r) => [r.name, r.path, r.key, r.length, r.float32])).toEqual([
      ["p.W[0]", ["W", 0], undefined, 2, false],
      ["p.W[1]", ["W", 1], undefined, 1, false],
      ["p.b", [], "b", 1, false],
      ["p.f", ["f"], undefined, 2, true],
      ["p.layers[0].w", ["layers", 0, "w"], undefined, 1, false],
      ["p.inner.c", ["inner"], "c", 1, false],
    ]);
    expect(countEntries(value)).toBe(8);
    expect(countEntries(2)).toBe(1);
  });
});

function mean(a: number[]): number {
  return a.reduce((s, x) => s + x, 0) / a.length;
}

function std(a: number[]): number {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length);
}
