// A step of an optimizer allocates nothing: many steps run without a garbage collection, and the
// heap does not grow. In a file of its own, so that V8's feedback is a training program's (one
// parameter record, one gradient record), not that of the many shapes optimizers.test.ts tries.
import * as v8 from "node:v8";
import { describe, expect, it } from "vitest";
import { AdaGrad, Adam, Momentum, Nesterov, RMSProp, SGD, cosineDecay, exponentialDecay, stepDecay } from "../runtime/index.js";

describe("a step allocates nothing", () => {
  it("50,000 steps of each optimizer on a 2-layer network's record: no garbage collection, heap flat", () => {
    const p = {
      W1: Array.from({ length: 8 }, () => new Array(4).fill(0.1)),
      b1: new Array(8).fill(0),
      W2: [new Float64Array(8).fill(0.1)],
      b2: 0,
    };
    const g = {
      W1: Array.from({ length: 8 }, () => new Array(4).fill(1e-3)),
      b1: new Array(8).fill(1e-3),
      W2: [new Float64Array(8).fill(1e-3)],
      b2: 1e-3,
    };
    for (const opt of [
      new SGD({ lr: 1e-3, weightDecay: 1e-4 }),
      new Momentum({ lr: 1e-3 }),
      new Nesterov({ lr: 1e-3 }),
      new AdaGrad({ lr: 1e-3 }),
      new RMSProp({ lr: 1e-3 }),
      new Adam({ lr: cosineDecay({ initial: 1e-3, steps: 200_000 }) }),
      new SGD({ lr: stepDecay({ initial: 1e-3, factor: 0.5, every: 1000 }) }),
      new Momentum({ lr: exponentialDecay({ initial: 1e-3, rate: 0.999 }) }),
    ]) {
      for (let i = 0; i < 10_000; i++) opt.step(p, g); // warm up: state allocated, code optimized
      // up to three tries: a collection V8 finishes for earlier garbage (a loaded machine, other
      // tests in this worker) must not count; an allocation per step collects in every try
      let gcs = 0;
      let before = 0;
      let after = 0;
      for (let attempt = 0; attempt < 3; attempt++) {
        const profiler = new v8.GCProfiler();
        profiler.start();
        before = process.memoryUsage().heapUsed;
        for (let i = 0; i < 50_000; i++) opt.step(p, g);
        after = process.memoryUsage().heapUsed;
        gcs = profiler.stop()?.statistics.length ?? 0;
        if (gcs === 0) break;
      }
      // even one boxed number per step would be 0.8 MB here
      expect(gcs, opt.constructor.name).toBe(0);
      expect(after - before, opt.constructor.name).toBeLessThan(256 * 1024);
    }
  });
});
