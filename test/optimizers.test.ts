// The optimizers of adc/runtime, checked against their first steps computed by hand (the
// arithmetic is written out beside each number), on a parameter record of every shape the
// gradient contract allows: each of its numbers starts at 1 and gets the same gradient, so
// each must end at the hand-computed value. Then weight decay, schedules and errors
// (test/optimizers-heap.test.ts checks that a step allocates nothing).
import { describe, expect, it } from "vitest";
import { AdaGrad, Adam, Momentum, Nesterov, Optimizer, RMSProp, SGD, cosineDecay, exponentialDecay, stepDecay } from "../runtime/index.js";

/** Every shape: nested arrays, a typed array, numbers in records, a record in a record. */
function params(x: number) {
  return {
    W: [
      [x, x],
      [x, x],
    ],
    b: [x],
    f64: Float64Array.of(x, x),
    f32: Float32Array.of(x),
    c: x,
    nested: { deep: [x], scale: x },
  };
}
type Params = ReturnType<typeof params>;

function numbers(p: Params): number[] {
  return [...p.W.flat(), ...p.b, ...p.f64, ...p.f32, p.c, ...p.nested.deep, p.nested.scale];
}

/** Runs the optimizer with the gradients g1, g2, ... (the same for every number); the values after each step. */
function run(opt: Optimizer, gradients: number[]): number[] {
  const p = params(1);
  const out: number[] = [];
  for (const g of gradients) {
    opt.step(p, params(g));
    const all = numbers(p);
    // every number moved the same way (the Float32Array one, rounded to float32)
    for (const v of all) expect(v).toBeCloseTo(all[0], 6);
    out.push(all[0]);
  }
  return out;
}

const GRADIENTS = [0.5, -1, 0.5]; // the gradient at steps 1, 2, 3
const lr = 0.1;

describe("optimizers: the first steps, by hand (x starts at 1; gradients 0.5, -1, 0.5; lr 0.1)", () => {
  it("SGD: x -= lr * dx", () => {
    // x1 = 1 - 0.1 * 0.5 = 0.95; x2 = 0.95 - 0.1 * (-1) = 1.05; x3 = 1.05 - 0.05 = 1.0
    expectSteps(run(new SGD({ lr }), GRADIENTS), [0.95, 1.05, 1.0]);
  });

  it("Momentum (mu 0.9): v = mu v - lr dx; x += v", () => {
    // v1 = 0.9 * 0 - 0.05 = -0.05,            x1 = 1 - 0.05 = 0.95
    // v2 = 0.9 * (-0.05) + 0.1 = 0.055,        x2 = 0.95 + 0.055 = 1.005
    // v3 = 0.9 * 0.055 - 0.05 = -0.0005,       x3 = 1.005 - 0.0005 = 1.0045
    const opt = new Momentum({ lr, momentum: 0.9 });
    expectSteps(run(opt, GRADIENTS), [0.95, 1.005, 1.0045]);
    expect(opt.velocity[0]).toBeCloseTo(-0.0005, 12);
    expect(opt.velocity.length).toBe(11); // one per parameter number
  });

  it("Nesterov (mu 0.9): v_prev = v; v = mu v - lr dx; x += -mu v_prev + (1 + mu) v", () => {
    // v1 = -0.05,    x1 = 1 - 0.9 * 0 + 1.9 * (-0.05) = 0.905
    // v2 = 0.055,    x2 = 0.905 - 0.9 * (-0.05) + 1.9 * 0.055 = 0.905 + 0.045 + 0.1045 = 1.0545
    // v3 = -0.0005,  x3 = 1.0545 - 0.9 * 0.055 + 1.9 * (-0.0005) = 1.0545 - 0.0495 - 0.00095 = 1.00405
    expectSteps(run(new Nesterov({ lr, momentum: 0.9 }), GRADIENTS), [0.905, 1.0545, 1.00405]);
  });

  it("AdaGrad: cache += dx^2; x -= lr dx / (sqrt(cache) + eps)", () => {
    // cache1 = 0.25,  x1 = 1 - 0.1 * 0.5 / 0.5 = 0.9
    // cache2 = 1.25,  x2 = 0.9 + 0.1 / sqrt(1.25) = 0.9 + 0.0894427191 = 0.9894427191
    // cache3 = 1.5,   x3 = 0.9894427191 - 0.05 / sqrt(1.5) = 0.9894427191 - 0.0408248290 = 0.9486178901
    expectSteps(run(new AdaGrad({ lr, eps: 0 }), GRADIENTS), [0.9, 0.9894427191, 0.9486178901]);
  });

  it("RMSProp (decay 0.9): cache = 0.9 cache + 0.1 dx^2; x -= lr dx / (sqrt(cache) + eps)", () => {
    // cache1 = 0.1 * 0.25 = 0.025,            x1 = 1 - 0.05 / sqrt(0.025) = 1 - 0.3162277660 = 0.6837722340
    // cache2 = 0.9 * 0.025 + 0.1 * 1 = 0.1225, x2 = 0.6837722340 + 0.1 / 0.35 = 0.6837722340 + 0.2857142857 = 0.9694865197
    expectSteps(run(new RMSProp({ lr, decay: 0.9, eps: 0 }), GRADIENTS.slice(0, 2)), [0.683772234, 0.9694865197]);
  });

  it("Adam (0.9, 0.999): bias-corrected moments", () => {
    // step 1: m = 0.1 * 0.5 = 0.05, v = 0.001 * 0.25 = 0.00025; m_hat = 0.05 / 0.1 = 0.5, v_hat = 0.00025 / 0.001 = 0.25
    //         x1 = 1 - 0.1 * 0.5 / sqrt(0.25) = 0.9
    // step 2: m = 0.9 * 0.05 + 0.1 * (-1) = -0.055, v = 0.999 * 0.00025 + 0.001 * 1 = 0.00124975
    //         m_hat = -0.055 / (1 - 0.81) = -0.2894736842, v_hat = 0.00124975 / (1 - 0.998001) = 0.6251875938
    //         x2 = 0.9 + 0.1 * 0.2894736842 / 0.7906880509 = 0.9 + 0.0366103527 = 0.9366103527
    const opt = new Adam({ lr, eps: 0 });
    expectSteps(run(opt, GRADIENTS.slice(0, 2)), [0.9, 0.9366103527]);
    expect(opt.m[0]).toBeCloseTo(-0.055, 12);
    expect(opt.v[0]).toBeCloseTo(0.00124975, 12);
    expect(opt.steps).toBe(2);
  });

  it("AdaGrad and Adam with their default eps differ from eps = 0 by less than 1e-7", () => {
    expectSteps(run(new AdaGrad({ lr }), GRADIENTS), [0.9, 0.9894427191, 0.9486178901], 7);
    expectSteps(run(new Adam({ lr }), GRADIENTS.slice(0, 2)), [0.9, 0.9366103527], 7);
  });
});

describe("weight decay", () => {
  it("adds lambda x to the gradient: x1 = 1 - 0.1 * (0.5 + 0.1 * 1) = 0.94", () => {
    const p = { w: [1], b: [1] };
    new SGD({ lr: 0.1, weightDecay: 0.1 }).step(p, { w: [0.5], b: [0.5] });
    expect(p.w[0]).toBeCloseTo(0.94, 12);
    expect(p.b[0]).toBeCloseTo(0.94, 12);
  });

  it("applies only where `decays` says (here: not to biases)", () => {
    const p = { W: [[1]], b: [1], layer: { W: [1], b: 1 } };
    const opt = new SGD({ lr: 0.1, weightDecay: 0.1, decays: (name) => !/(^|\.)b$/.test(name) });
    opt.step(p, { W: [[0.5]], b: [0.5], layer: { W: [0.5], b: 0.5 } });
    expect(p.W[0][0]).toBeCloseTo(0.94, 12); // decayed
    expect(p.layer.W[0]).toBeCloseTo(0.94, 12);
    expect(p.b[0]).toBeCloseTo(0.95, 12); // 1 - 0.1 * 0.5
    expect(p.layer.b).toBeCloseTo(0.95, 12);
  });
});

describe("learning-rate schedules", () => {
  it("stepDecay: 1, 1, 0.5, 0.5, 0.25 (halved every 2 steps)", () => {
    const s = stepDecay({ initial: 1, factor: 0.5, every: 2 });
    expect([0, 1, 2, 3, 4].map((t) => s.at(t))).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });

  it("exponentialDecay: 1, 0.5, 0.25 (rate 0.5 per step); every 2 steps: 1, 0.7071, 0.5", () => {
    const fast = exponentialDecay({ initial: 1, rate: 0.5 });
    expect([0, 1, 2].map((t) => fast.at(t))).toEqual([1, 0.5, 0.25]);
    const slow = exponentialDecay({ initial: 1, rate: 0.5, every: 2 });
    expect(slow.at(1)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(slow.at(2)).toBeCloseTo(0.5, 12);
  });

  it("cosineDecay over 4 steps: 1, (1 + cos(pi/4))/2 = 0.8535533906, 0.5, 0.1464466094, 0, then 0", () => {
    const s = cosineDecay({ initial: 1, steps: 4 });
    const got = [0, 1, 2, 3, 4, 5].map((t) => s.at(t));
    [1, 0.8535533906, 0.5, 0.1464466094, 0, 0].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 9));
    expect(cosineDecay({ initial: 1, steps: 2, final: 0.2 }).at(1)).toBeCloseTo(0.6, 12);
  });

  it("an optimizer asks its schedule once per step, from step 0", () => {
    // lr 1, 1, 0.5 (stepDecay every 2); dx = 1: x = 0 - 1 - 1 - 0.5 = -2.5
    const opt = new SGD({ lr: stepDecay({ initial: 1, factor: 0.5, every: 2 }) });
    const p = [0];
    for (let i = 0; i < 3; i++) opt.step(p, [1]);
    expect(p[0]).toBe(-2.5);
    expect(opt.lr).toBe(0.5);
  });

  it("a function of the step works as a schedule too", () => {
    const opt = new SGD({ lr: (step) => 1 / (step + 1) });
    const p = { x: 0 };
    for (let i = 0; i < 3; i++) opt.step(p, { x: 1 });
    expect(p.x).toBeCloseTo(-(1 + 1 / 2 + 1 / 3), 12);
  });
});

describe("errors and state", () => {
  it("says what is missing when the gradient is not shaped like the parameters", () => {
    const opt = new SGD({ lr: 0.1 });
    expect(() => opt.step({ W: [1] }, { V: [1] } as never)).toThrow(/the gradient has no 'W'.*grad\.p/);
  });

  it("says so when a parameter's size changes, and reset() starts afresh", () => {
    const opt = new Momentum({ lr: 0.1 });
    opt.step({ w: [1, 2] }, { w: [1, 1] });
    expect(() => opt.step({ w: [1, 2, 3] }, { w: [1, 1, 1] })).toThrow(/'w' had 2 numbers at the first step/);
    opt.reset();
    const p = { w: [1, 2, 3] };
    opt.step(p, { w: [1, 1, 1] });
    expect(opt.velocity.length).toBe(3);
    expect(p.w[2]).toBeCloseTo(2.9, 12);
  });

  it("rejects a bare number as the parameters (it cannot be updated in place)", () => {
    expect(() => new SGD({ lr: 1 }).step(1 as unknown as object, 1 as never)).toThrow(/a number, not an array or a record/);
  });
});

function expectSteps(got: number[], want: number[], digits = 9): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i], `step ${i + 1}`).toBeCloseTo(w, digits));
}
