// Run by test/optimizers-heap.test.ts in a process of its own, started with
// --no-concurrent-recompilation: V8 then optimizes a hot function on this thread at once, so
// the steps measured run optimized code whatever the machine's load (with the default, the
// optimizing compiler runs on a background thread that a loaded 2-core machine can starve,
// and until it finishes the interpreter boxes every number it reads: 16 bytes a step).
// Prints one line per optimizer: `RESULT {"name", "gcs", "grown"}`.
import * as v8 from "node:v8";
import { AdaGrad, Adam, Momentum, Nesterov, RMSProp, SGD, cosineDecay, exponentialDecay, stepDecay } from "../../dist/runtime/index.js";

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
  // up to three tries: a collection V8 finishes for earlier garbage must not count; an
  // allocation per step collects in every try
  let gcs = 0;
  let grown = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    for (let i = 0; i < 10_000; i++) opt.step(p, g); // state allocated, code optimized
    const profiler = new v8.GCProfiler();
    profiler.start();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 50_000; i++) opt.step(p, g);
    grown = process.memoryUsage().heapUsed - before;
    gcs = profiler.stop()?.statistics.length ?? 0;
    if (gcs === 0 && grown < 256 * 1024) break;
  }
  console.log(`RESULT ${JSON.stringify({ name: opt.constructor.name, gcs, grown })}`);
}
