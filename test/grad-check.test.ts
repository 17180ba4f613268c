// gradCheck from adc/runtime: passes adc's gradients (compiled here from source), catches a
// wrong entry and names it, checks a random subset of a large parameter, reads parameter names
// from fGrad, and says when it cannot check.
import { describe, expect, it } from "vitest";
import { compileText } from "../compiler/index.js";
import { gradCheck } from "../runtime/index.js";
import { parameterNames } from "../runtime/grad-check.js";
import { loadModule } from "./helpers/load.js";

type Fn = (...args: never[]) => unknown;

async function compiled(source: string, name: string): Promise<{ f: Fn; fGrad: Fn }> {
  const result = await compileText("model.ts", source);
  expect(result.diagnostics).toEqual([]);
  const original = loadModule(source, "model.ts");
  const generated = loadModule(result.code!, "model.grad.ts", [], { "./model": original });
  return { f: original[name] as Fn, fGrad: generated[`${name}Grad`] as Fn };
}

const MLP = `
export interface MLP { W1: number[][]; b1: number[]; W2: number[][]; b2: number[] }
/** @differentiable wrt(p) */
export function loss(p: MLP, X: number[][], T: number[][]): number {
  const h = new Array(p.b1.length).fill(0);
  let L = 0;
  for (let n = 0; n < X.length; n++) {
    for (let j = 0; j < p.b1.length; j++) {
      let z = p.b1[j];
      for (let k = 0; k < X[n].length; k++) z += p.W1[j][k] * X[n][k];
      h[j] = Math.tanh(z);
    }
    for (let o = 0; o < p.b2.length; o++) {
      let y = p.b2[o];
      for (let j = 0; j < h.length; j++) y += p.W2[o][j] * h[j];
      L += 0.5 * (y - T[n][o]) ** 2;
    }
  }
  return L;
}
`;

const mlpArgs = () => [
  {
    W1: [
      [0.1, -0.2],
      [0.3, 0.4],
      [-0.5, 0.6],
    ],
    b1: [0.1, 0, -0.1],
    W2: [[0.7, -0.8, 0.9]],
    b2: [0.05],
  },
  [
    [1, 2],
    [-1, 0.5],
  ],
  [[1], [0]],
];

describe("gradCheck", () => {
  it("passes adc's gradient of an MLP, one row per field of the parameter record", async () => {
    const { f, fGrad } = await compiled(MLP, "loss");
    const report = gradCheck(f, fGrad, mlpArgs());
    expect(report.ok, JSON.stringify(report)).toBe(true);
    expect(report.params.map((p) => [p.name, p.entries, p.checked])).toEqual([
      ["p.W1", 6, 6],
      ["p.b1", 3, 3],
      ["p.W2", 3, 3],
      ["p.b2", 1, 1],
    ]);
    expect(report.maxError).toBeLessThan(1e-7);
    expect(report.value).toBe(report.gradValue);
  });

  it("does not change the arguments", async () => {
    const { f, fGrad } = await compiled(MLP, "loss");
    const args = mlpArgs();
    const copy = structuredClone(args);
    gradCheck(f, fGrad, args);
    expect(args).toEqual(copy);
  });

  it("catches a wrong entry and names it", () => {
    // f(x, y) = x * y; the gradient below has dy = x + 1 instead of x
    const f = (x: number[], y: number) => x[0] * x[1] * y;
    const fGrad = (x: number[], y: number) => ({
      value: f(x, y),
      grad: { x: [x[1] * y, x[0] * y], y: x[0] * x[1] + 1 },
    });
    const report = gradCheck(f, fGrad, [[2, 3], 4]);
    expect(report.ok).toBe(false);
    const [px, py] = report.params;
    expect(px).toMatchObject({ name: "x", ok: true });
    expect(py).toMatchObject({ name: "y", ok: false, worst: { at: "y", analytic: 7 } });
    expect(py.worst!.numeric).toBeCloseTo(6, 8);
    expect(py.maxError).toBeCloseTo(1 / 7, 8); // |7 - 6| / 7
  });

  it("checks a random subset of a large parameter, the same for the same seed", () => {
    const f = (w: Float64Array) => w.reduce((s, x) => s + x * x, 0);
    const fGrad = (w: Float64Array) => ({ value: f(w), grad: { w: w.map((x) => 2 * x) } });
    const w = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const report = gradCheck(f, fGrad, [w], { maxEntries: 20, seed: 5 });
    expect(report.params[0]).toMatchObject({ name: "w", entries: 1000, checked: 20, ok: true });
    expect(gradCheck(f, fGrad, [w], { maxEntries: 20, seed: 5 }).params[0].worst).toEqual(report.params[0].worst);
  });

  it("checks Float32Array parameters with a float32-sized step", () => {
    const f = (w: Float32Array) => Math.exp(w[0]) * w[1];
    const fGrad = (w: Float32Array) => ({ value: f(w), grad: { w: Float32Array.of(Math.exp(w[0]) * w[1], Math.exp(w[0])) } });
    const report = gradCheck(f, fGrad, [Float32Array.of(0.5, -1.5)]);
    expect(report.ok, JSON.stringify(report)).toBe(true);
  });

  it("leaves out the parameters the gradient record does not have (wrt)", () => {
    const f = (w: number, x: number) => w * x;
    const fGrad = function fGrad(w: number, x: number, seed = 1) {
      return { value: w * x, grad: { w: seed * x } };
    };
    const report = gradCheck(f, fGrad, [3, 2]);
    expect(report.params.map((p) => p.name)).toEqual(["w"]);
    expect(report.ok).toBe(true);
  });

  it("says when f is not finite at the point, and when fGrad's value is not f's", () => {
    const f = (x: number) => Math.log(x);
    const fGrad = (x: number) => ({ value: Math.log(x), grad: { x: 1 / x } });
    expect(gradCheck(f, fGrad, [-1])).toMatchObject({ ok: false, problem: "f is NaN at this point" });
    const off = (x: number) => ({ value: Math.log(x) + 1, grad: { x: 1 / x } });
    expect(gradCheck(f, off, [2]).problem).toMatch(/fGrad's value .* is not f's value/);
  });

  it("asks for the names when it cannot read them", () => {
    const f = (x: number) => x;
    const fGrad = (...args: number[]) => ({ value: args[0], grad: { x: 1 } });
    expect(() => gradCheck(f, fGrad, [1])).toThrow(/pass the parameter names/);
    expect(gradCheck(f, fGrad, [1], { names: ["x"] }).ok).toBe(true);
  });
});

describe("parameterNames", () => {
  it("reads function declarations, expressions and arrows, without defaults and the seed", () => {
    expect(
      parameterNames(function fGrad(p: number, X: number, seed = 1) {
        return p + X + seed;
      }, 2),
    ).toEqual(["p", "X"]);
    expect(parameterNames((a: number, b: number) => a + b, 2)).toEqual(["a", "b"]);
    expect(parameterNames(((a: number) => a) as never, 1)).toEqual(["a"]);
  });
});
