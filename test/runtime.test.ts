// adc/runtime and the "adc" module: zeroGrad keeps shapes and buffers; stopGradient is the
// identity at run time.
import { describe, expect, it } from "vitest";
import { stopGradient } from "../runtime/api.js";
import { zeroGrad } from "../runtime/index.js";

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
