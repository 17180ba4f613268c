// jax-js (@jax-js/jax, float32 on its "wasm" device) as a comparison library of the benchmark suite.
//
// Written as an idiomatic jax-js user would: the loss as a function of arrays (numpy-style ops:
// matmul, tanh, nn.logSoftmax, nn.softplus, lax.conv), `jit(valueAndGrad(loss, { argnums }))`
// compiled once in prepare() (tracing and kernel compilation happen on the first call, made there),
// every argument set converted to arrays once. jax-js counts references: the prepared arrays are
// passed as `.ref` (the callee takes ownership of its arguments), and run() reads the value and
// the gradients back with dataSync(), which also frees them.
//
// In Node (20), jax-js runs on its "wasm" device ("cpu" is its debugging interpreter; webgpu and
// webgl need a browser). init() must be given the device: init() with no argument probes WebGPU
// through `navigator`, which Node 20 does not define. float64 would need Float16Array (Node 22+):
// jax-js's array() tests `instanceof Float16Array` before Float64Array; float32 data never gets there.
//
// Per workload (the same formulas as bench/suite/tfjs.ts):
//   neuron          nn.sigmoid(w0 x0 + w1 x1 + w2) on five scalars
//   mlp-1, mlp-32   X [B, 64]: h = tanh(X W1^T + b1), s = h W2^T + b2,
//                   L = -sum(onehot * nn.logSoftmax(s)) = sum over rows of logsumexp(s) - s[label]
//   normwx-*        sum(square(W x))
//   logreg          mean(nn.softplus(-y (X w + b))) + lambda/2 sum(w^2)
//   recurrence      jax-js has no control-flow primitives (no lax.scan / fori_loop / cond), jit traces
//                   with abstract values and grad's tracers have no dataSync, so a JS `if` on x is
//                   impossible. Written as a JAX user writes it in jit: the loop unrolled at trace
//                   time (one jitted function per step count) and the branch as
//                   np.where(x > 1, s1 + c1 tanh(x - 1), sin(x)): both branches are computed every
//                   step (where's gradient takes the chosen branch's derivative, so the gradient is
//                   the same as the branching code's away from x == 1 exactly). NOT RUN at the
//                   suite's 1,000 steps by default (prepare returns undefined): see
//                   RECURRENCE_MAX_STEPS below for why and how to force it.
//   conv1d          lax.conv(x [1, 1, 256], K [8, 1, 5], [1], "VALID") (cross-correlation) + bias,
//                   nn.relu, 0.5 sum of squares

import {
  benchRequire,
  flat32,
  oneHot32,
  perArgSet,
  type Args,
  type Flat,
  type Library,
  type MlpParams,
  type WorkloadName,
} from "./deps.js";
import type { ValueAndGrad } from "./types.js";

// ---------------------------------------------------------------------------------------
// The parts of jax-js used here, typed loosely (the package lives in bench/node_modules only).

export interface JArray {
  readonly ref: JArray;
  readonly shape: number[];
  readonly size: number;
  dispose(): void;
  dataSync(): Float32Array | Float64Array | Int32Array;
  add(o: JArray | number): JArray;
  sub(o: JArray | number): JArray;
  mul(o: JArray | number): JArray;
  neg(): JArray;
  greater(o: JArray | number): JArray;
  sum(axis?: number | number[]): JArray;
  mean(axis?: number | number[]): JArray;
  transpose(perm?: number[]): JArray;
  reshape(shape: number[]): JArray;
}
type A = JArray;
type Fn = (...args: any[]) => any;

export interface Jax {
  init(...devices: string[]): Promise<string[]>;
  defaultDevice(device?: string): string;
  jit<F extends Fn>(f: F, opts?: { staticArgnums?: number[] }): F & { dispose(): void };
  valueAndGrad(f: Fn, opts?: { argnums?: number | number[] }): Fn;
  numpy: {
    float32: unknown;
    array(values: Float32Array | number, opts?: { shape?: number[]; dtype?: unknown }): A;
    matmul(a: A, b: A): A;
    dot(a: A, b: A): A;
    tanh(a: A): A;
    sin(a: A): A;
    square(a: A): A;
    where(c: A, x: A | number, y: A | number): A;
  };
  nn: { sigmoid(a: A): A; logSoftmax(a: A, axis?: number): A; softplus(a: A): A; relu(a: A): A };
  lax: { conv(lhs: A, rhs: A, strides: number[], padding: "VALID" | "SAME"): A };
}

const DEVICE = "wasm";

/**
 * The recurrence is left out (prepare returns undefined) above this many steps unless
 * ADC_BENCH_JAX_RECURRENCE=1. Measured here (Node 20, 2 cores, loaded): jit compiles the unrolled
 * loop in time superlinear in its length (most of it in jax-js's JitProgram.insertFreeSteps, which
 * scans the whole program for every buffer): 100 steps 1.6 s, 400 steps 8.7 s, 1,000 steps 17-60 s,
 * then 0.3 s per call at 1,000 steps; unrolled in one piece, 1,000 steps overflow the stack (a
 * recursive dispose), hence the chunks below. Without jit, valueAndGrad is worse still: 12.6 s per
 * call at 100 steps, 41 s at 200, and out of memory at 1,000 (also with jitted chunks inside).
 */
const RECURRENCE_MAX_STEPS = 100;

let jaxPromise: Promise<Jax> | undefined;

/** Loads jax-js and initializes its wasm device (once). */
function loadJax(): Promise<Jax> {
  jaxPromise ??= (async () => {
    const jax = benchRequire("@jax-js/jax") as Jax;
    const devices = await jax.init(DEVICE);
    if (!devices.includes(DEVICE)) throw new Error(`jax-js: the ${DEVICE} device did not initialize (got ${devices.join(", ") || "none"})`);
    jax.defaultDevice(DEVICE);
    return jax;
  })();
  return jaxPromise;
}

/** Loads jax-js (throws, with the reason, if it cannot run here) and returns its library. */
export async function loadJaxLibraries(_log: (s: string) => void = console.log): Promise<Library[]> {
  const jax = await loadJax();
  // a smoke test: a gradient on the device
  const [v, g] = jax.valueAndGrad((x: A) => x.ref.mul(x).sum())(jax.numpy.array(Float32Array.of(1, 2, 3)));
  const ok = (v as A).dataSync()[0] === 14 && (g as A).dataSync()[2] === 6;
  if (!ok) throw new Error("jax-js: wrong gradient of sum(x^2) in the smoke test");
  return libraries;
}

export const libraries: Library[] = [
  {
    name: "jax-js",
    async prepare(workload, argSets) {
      const jax = await loadJax();
      return makeWorkload(jax, workload, argSets);
    },
  },
];

// ---------------------------------------------------------------------------------------
// The workloads.

/**
 * The common frame: per argument set, the differentiated arrays (`inputs`, in the gradient's
 * order), the data arrays and a static key (the recurrence's step count: valueAndGrad turns every
 * argument into an array, so a static has to be closed over); one jitted valueAndGrad of
 * `lossFor(key)(...inputs, ...data)` differentiated in the inputs, per key. The first calls
 * (tracing, compiling) are made here.
 */
function frame(
  jax: Jax,
  argSets: [Args, Args],
  nInputs: number,
  lossFor: (key: number) => (...xs: any[]) => A,
  make: (args: Args) => { inputs: A[]; data: A[]; key?: number },
): ValueAndGrad {
  const argnums = Array.from({ length: nInputs }, (_, i) => i);
  const compiled = new Map<number, Fn & { dispose(): void }>();
  const vgFor = (key: number) => {
    let vg = compiled.get(key);
    if (!vg) compiled.set(key, (vg = jax.jit(jax.valueAndGrad(lossFor(key), { argnums }))));
    return vg;
  };
  const free = (s: { inputs: A[]; data: A[] }) => [...s.inputs, ...s.data].forEach((a) => a.dispose());
  const sets = perArgSet(argSets, make, free);
  const sizes = sets.get(argSets[0]).inputs.map((a) => a.size);
  const total = sizes.reduce((n, s) => n + s, 0);
  let grad = new Float64Array(total);
  const run = (args: Args): number => {
    const s = sets.get(args);
    const [value, grads] = vgFor(s.key ?? 0)(...s.inputs.map((a) => a.ref), ...s.data.map((a) => a.ref)) as [A, A[]];
    const g = new Float64Array(total);
    let k = 0;
    grads.forEach((a, i) => {
      g.set(a.dataSync(), k);
      k += sizes[i];
    });
    const v = value.dataSync()[0];
    sets.release(s);
    grad = g;
    return v;
  };
  run(argSets[0]); // trace and compile now
  run(argSets[1]);
  return {
    run,
    lastGradient: () => grad.slice(),
    dispose: () => {
      sets.dispose();
      compiled.forEach((vg) => vg.dispose());
    },
  };
}

function makeWorkload(jax: Jax, workload: WorkloadName, argSets: [Args, Args]): ValueAndGrad | undefined {
  const np = jax.numpy;
  const { nn, lax } = jax;
  const arr = (f: Flat): A => np.array(f.data, { shape: f.shape });
  const t = (v: unknown, shape?: number[]) => arr(flat32(v, shape));
  const scalar = (v: number) => arr(flat32(v));
  switch (workload) {
    case "neuron":
      return frame(
        jax,
        argSets,
        5,
        () => (w0: A, w1: A, w2: A, x0: A, x1: A) => nn.sigmoid(w0.mul(x0).add(w1.mul(x1)).add(w2)),
        (args) => ({ inputs: (args as number[]).slice(0, 5).map(scalar), data: [] }),
      );

    case "mlp-1":
    case "mlp-32":
      return frame(
        jax,
        argSets,
        4,
        () => (W1: A, b1: A, W2: A, b2: A, X: A, onehot: A) => {
          const h = np.tanh(np.matmul(X, W1.transpose()).add(b1));
          const s = np.matmul(h, W2.transpose()).add(b2);
          return nn.logSoftmax(s, -1).mul(onehot).sum().neg();
        },
        (args) => {
          const p = args[0] as MlpParams;
          const single = workload === "mlp-1";
          const X = single ? t(args[1], [1, (args[1] as number[]).length]) : t(args[1]);
          const labels = single ? [args[2] as number] : (args[2] as number[]);
          return { inputs: [t(p.W1), t(p.b1), t(p.W2), t(p.b2)], data: [X, arr(oneHot32(labels, p.b2.length))] };
        },
      );

    case "normwx-nested":
    case "normwx-flat":
      return frame(
        jax,
        argSets,
        2,
        () => (W: A, x: A) => np.square(np.dot(W, x)).sum(),
        (args) => {
          const n = (args[1] as ArrayLike<number>).length;
          return { inputs: [t(args[0], [n, n]), t(args[1])], data: [] };
        },
      );

    case "logreg":
      return frame(
        jax,
        argSets,
        2,
        () => (w: A, b: A, X: A, y: A, halfLambda: A) => {
          const margin = y.mul(np.dot(X, w.ref).add(b));
          return nn
            .softplus(margin.neg())
            .mean()
            .add(halfLambda.mul(np.square(w).sum()));
        },
        (args) => {
          const [w, b, X, y, lambda] = args as [number[], number, number[][], number[], number];
          return { inputs: [t(w), scalar(b)], data: [t(X), t(y), scalar(lambda / 2)] };
        },
      );

    case "recurrence": {
      const steps = argSets.map((a) => Math.round(a[4] as number));
      if (Math.max(...steps) > RECURRENCE_MAX_STEPS && process.env.ADC_BENCH_JAX_RECURRENCE !== "1") return undefined;
      const s1 = Math.sin(1);
      const c1 = Math.cos(1);
      // CHUNK steps per inner jitted function (calling a jitted function inside jit is inlined; the
      // chunks only keep jax-js's recursion shallow: unrolled in one piece, 1,000 steps overflow the stack)
      const CHUNK = 50;
      const chunk = (m: number) =>
        jax.jit((a: A, b: A, h: A, x: A) => {
          for (let i = 0; i < m; i++) {
            const g = np.where(x.ref.greater(1), np.tanh(x.ref.sub(1)).mul(c1).add(s1), np.sin(x.ref));
            x = x.ref.add(h.ref.mul(a.ref.mul(g).sub(b.ref.mul(x.ref).mul(x))));
          }
          a.dispose();
          b.dispose();
          h.dispose();
          return x;
        });
      const chunks = new Map<number, Fn & { dispose(): void }>();
      const chunkOf = (m: number) => {
        let f = chunks.get(m);
        if (!f) chunks.set(m, (f = chunk(m)));
        return f;
      };
      const vg = frame(
        jax,
        argSets,
        4,
        (n) => (a: A, b: A, x0: A, h: A) => {
          let x = x0;
          for (let done = 0; done < n; done += CHUNK) x = chunkOf(Math.min(CHUNK, n - done))(a.ref, b.ref, h.ref, x) as A;
          a.dispose();
          b.dispose();
          h.dispose();
          return x;
        },
        (args) => {
          const [a, b, x0, h, n] = args as number[];
          return { inputs: [a, b, x0, h].map(scalar), data: [], key: Math.round(n) };
        },
      );
      return {
        ...vg,
        dispose: () => {
          vg.dispose?.();
          chunks.forEach((f) => f.dispose());
        },
      };
    }

    case "conv1d":
      return frame(
        jax,
        argSets,
        3,
        () => (K: A, bias: A, x: A) => {
          const [C, k] = K.shape;
          const n = x.shape[0];
          const y = lax.conv(x.reshape([1, 1, n]), K.reshape([C, 1, k]), [1], "VALID");
          const z = nn.relu(y.add(bias.reshape([1, C, 1])));
          return np.square(z).sum().mul(0.5);
        },
        (args) => {
          const [K, bias, x] = args as [number[][], number[], number[]];
          return { inputs: [t(K), t(bias), t(x)], data: [] };
        },
      );
  }
  return undefined;
}
