// A step of an optimizer allocates nothing: many steps run without a garbage collection, and the
// heap does not grow. In a file of its own, so that V8's feedback is a training program's (one
// parameter record, one gradient record), not that of the many shapes optimizers.test.ts tries.
import * as v8 from "node:v8";
import { describe, expect, it } from "vitest";
import { AdaGrad, Adam, Momentum, Nesterov, RMSProp, SGD, cosineDecay, exponentialDecay, stepDecay } from "../runtime/index.js";

describe("a step allocates nothing", () => {
  it("50,000 steps of each optimizer on a 2-layer network's record: no garbage collection, heap flat", async () => {
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
      // Up to five tries, each after a warm-up and a pause. A new optimizer class deoptimizes
      // step() (its call to apply sees a new class); V8 optimizes it again on a background
      // thread, which on a loaded 2-core machine can take longer than the warm-up, and until
      // then the interpreter boxes numbers it reads. A collection V8 finishes for earlier
      // garbage must not count either. An allocation per step in optimized code shows in
      // every try.
      let gcs = 0;
      let grown = 0;
      for (let attempt = 0; attempt < 5; attempt++) {
        for (let i = 0; i < 10_000; i++) opt.step(p, g); // state allocated, step() hot again
        await new Promise((resolve) => setTimeout(resolve, 50)); // for the optimizing compiler
        const profiler = new v8.GCProfiler();
        profiler.start();
        const before = process.memoryUsage().heapUsed;
        for (let i = 0; i < 50_000; i++) opt.step(p, g);
        grown = process.memoryUsage().heapUsed - before;
        gcs = profiler.stop()?.statistics.length ?? 0;
        if (gcs === 0 && grown < 256 * 1024) break;
      }
      // even one boxed number per step would be 0.8 MB here
      expect(gcs, opt.constructor.name).toBe(0);
      expect(grown, opt.constructor.name).toBeLessThan(256 * 1024);
    }
  });
});
