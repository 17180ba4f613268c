// adc/runtime and the "adc" module: zeroGrad keeps shapes and buffers; stopGradient is the
// identity at run time.
import { describe, expect, it } from "vitest";
import { stopGradient } from "../runtime/api.js";
import { Reused, zeroGrad } from "../runtime/index.js";

describe("zeroGrad", () => {
  it("zeroes numbers, arrays, typed arrays and nested records in place", () => {
    const f64 = new Float64Array([1, 2]);
    const nested = [[1, 2], [3]];
    const grad = { a: 3, b: [1, 2, 3], c: f64, d: { e: 4, f: nested }, g: new Float32Array([5]) };
    const same = zeroGrad(grad);
    expect(same).toBe(grad);
    expect(grad).toEqual({ a: 0, b: [0, 0, 0], c: new Float64Array(2), d: { e: 0, f: [[0, 0], [0]] }, g: new Float32Array(1) });
    expect(grad.c).toBe(f64);
    expect(grad.d.f).toBe(nested);
  });
});

describe("stopGradient", () => {
  it("returns its argument", () => {
    expect(stopGradient(2.5)).toBe(2.5);
    const a = [1, 2];
    expect(stopGradient(a)).toBe(a);
  });
});

describe("Reused (local arrays of generated code)", () => {
  it("gives back the same array, filled anew, while the size stays; a new size makes a new one", () => {
    const r = new Reused();
    const a = r.array(3, 0);
    a[1] = 5;
    const b = r.array(3, 0);
    expect(b).toBe(a);
    expect(b).toEqual([0, 0, 0]);
    const c = r.array(4, 1);
    expect(c).not.toBe(a);
    expect(c).toEqual([1, 1, 1, 1]);
    const f = r.float64(2, 0);
    f[0] = 3;
    expect(r.float64(2, 0)).toBe(f);
    expect([...f]).toEqual([0, 0]);
    expect(r.float32(3, 2)).toEqual(Float32Array.of(2, 2, 2));
  });

  it("reuses matrices row by row, with exact shapes and row kinds", () => {
    const r = new Reused();
    const m = r.matrix(2, 3, 0);
    m[1][2] = 7;
    const again = r.matrix(2, 3, 0);
    expect(again).toBe(m);
    expect(again).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    const wider = r.matrix(2, 4, 1);
    expect(wider.map((row) => row.length)).toEqual([4, 4]);
    const typed = r.matrix(2, 4, 0, "Float64Array");
    expect(typed.every((row) => row instanceof Float64Array)).toBe(true);
    expect(r.matrix(3, 4, 0).length).toBe(3);
  });
});
