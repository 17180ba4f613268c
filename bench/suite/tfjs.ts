// TensorFlow.js (@tensorflow/tfjs 4.22.0, float32) as a comparison library of the benchmark suite:
// "tfjs-cpu" on the pure-JS cpu backend and "tfjs-wasm" on the WebAssembly backend
// (@tensorflow/tfjs-backend-wasm, its .wasm files loaded from the package's dist folder: offline).
//
// Written as an idiomatic tfjs user would: vectorized ops (matMul, tanh, softmaxCrossEntropy, softplus,
// conv1d), `tf.valueAndGrads` for value and gradient, `tf.tidy` around each call. prepare() converts
// every argument set to tensors once (data and parameters alike); run() computes value and
// gradient and reads them back into JS with dataSync; all per-call tensors are freed by tf.tidy.
//
// Per workload:
//   neuron          five scalar tensors; sigmoid(w0 x0 + w1 x1 + w2)
//   mlp-1, mlp-32   x (or X) as a [B, 64] matrix, the labels as one-hot rows; h = tanh(x W1^T + b1),
//                   s = h W2^T + b2, L = tf.losses.softmaxCrossEntropy(onehot, s) with Reduction.SUM
//                   (= sum over rows of logsumexp(s) - s[label]); gradients W1, b1, W2, b2
//   normwx-*        W [256, 256], x as a [256, 1] column: sum(square(matMul(W, x)))
//   logreg          mean(softplus(-y (X w + b))) + lambda/2 sum(w^2), X [1000, 20]
//   recurrence      a scalar loop of `steps` steps on scalar tensors; the branch is taken in JS on
//                   the value of x read with dataSync every step (as a tfjs user must: tfjs records
//                   the taken branch on its tape). tf.where would compute both branches every step
//                   instead; we keep the data-dependent control flow of the workload.
//   conv1d          tf.conv1d of x [1, 256, 1] with K^T as the filter [5, 1, 8] (cross-correlation,
//                   valid), + bias, relu, 0.5 sum of squares. On the wasm backend tfjs has no
//                   Conv2DBackpropFilter kernel (the filter gradient of conv1d), so there the
//                   convolution is written as a matMul of K [8, 5] with the [5, 252] matrix of
//                   shifted slices of x (im2col by hand), which every backend can differentiate.

import * as path from "node:path";
import {
  benchRequire,
  flat32,
  oneHot32,
  oneLine,
  perArgSet,
  type Args,
  type Flat,
  type Library,
  type MlpParams,
  type WorkloadName,
} from "./deps.js";
import type { ValueAndGrad } from "./types.js";

// ---------------------------------------------------------------------------------------
// The parts of tfjs used here, typed loosely (the package lives in bench/node_modules only).

export interface Tensor {
  readonly shape: number[];
  readonly size: number;
  dataSync(): Float32Array | Int32Array | Uint8Array;
  dispose(): void;
}
type T = Tensor;
type TN = Tensor | number;

export interface TF {
  version_core: string;
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  ready(): Promise<void>;
  enableProdMode(): void;
  memory(): { numTensors: number };
  tensor(values: Float32Array, shape: number[], dtype?: "float32"): T;
  scalar(v: number): T;
  tidy<R>(f: () => R): R;
  dispose(t: T | T[]): void;
  valueAndGrads(f: (...xs: T[]) => T): (xs: T[]) => { value: T; grads: T[] };
  add(a: TN, b: TN): T;
  sub(a: TN, b: TN): T;
  mul(a: TN, b: TN): T;
  neg(a: T): T;
  sigmoid(a: T): T;
  tanh(a: T): T;
  sin(a: T): T;
  relu(a: T): T;
  square(a: T): T;
  softplus(a: T): T;
  sum(a: T, axis?: number | number[]): T;
  mean(a: T, axis?: number | number[]): T;
  matMul(a: T, b: T, transposeA?: boolean, transposeB?: boolean): T;
  reshape(a: T, shape: number[]): T;
  transpose(a: T, perm?: number[]): T;
  slice(a: T, begin: number | number[], size?: number | number[]): T;
  stack(ts: T[], axis?: number): T;
  conv1d(x: T, filter: T, stride: number, pad: "valid" | "same"): T;
  losses: { softmaxCrossEntropy(onehot: T, logits: T, weights?: T, labelSmoothing?: number, reduction?: number): T };
  Reduction: { SUM: number };
}

interface TfWasm {
  setWasmPaths(prefix: string | Record<string, string>, usePlatformFetch?: boolean): void;
  getThreadsCount(): number;
}

let tfPromise: Promise<{ tf: TF; backends: string[]; notes: string[] }> | undefined;

/** Loads tfjs and initializes the cpu and wasm backends (once). */
function loadTf(): Promise<{ tf: TF; backends: string[]; notes: string[] }> {
  tfPromise ??= (async () => {
    const tf = benchRequire("@tensorflow/tfjs") as TF;
    // prod mode: no debug checks, and no "install tfjs-node" banner on the cpu backend's first use
    tf.enableProdMode();
    const backends: string[] = [];
    const notes: string[] = [];
    if (await tf.setBackend("cpu")) backends.push("cpu");
    else notes.push("tfjs cpu backend did not initialize");
    try {
      const wasm = benchRequire("@tensorflow/tfjs-backend-wasm") as TfWasm;
      const dist = path.join(path.dirname(benchRequire.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep;
      wasm.setWasmPaths(dist);
      if (await tf.setBackend("wasm")) backends.push("wasm");
      else notes.push("tfjs wasm backend did not initialize");
    } catch (e) {
      notes.push(`tfjs wasm backend: ${oneLine(e)}`);
    }
    return { tf, backends, notes };
  })();
  return tfPromise;
}

/** Loads tfjs and returns the libraries whose backend initialized (the others are logged). */
export async function loadTfjsLibraries(log: (s: string) => void = console.log): Promise<Library[]> {
  const { backends, notes } = await loadTf();
  for (const n of notes) log(`bench: ${n}`);
  return libraries.filter((l) => backends.includes(l.name.slice("tfjs-".length)));
}

function tfjsLibrary(backend: "cpu" | "wasm"): Library {
  return {
    name: `tfjs-${backend}`,
    async prepare(workload, argSets) {
      const { tf, backends } = await loadTf();
      if (!backends.includes(backend)) return undefined;
      await tf.setBackend(backend);
      // switching to an initialized backend is synchronous (tfjs sets it before its first await)
      const use = () => {
        if (tf.getBackend() !== backend) void tf.setBackend(backend);
      };
      return makeWorkload(tf, backend, workload, argSets, use);
    },
  };
}

export const libraries: Library[] = [tfjsLibrary("cpu"), tfjsLibrary("wasm")];

// ---------------------------------------------------------------------------------------
// The workloads.

const tensor = (tf: TF, f: Flat): T => tf.tensor(f.data, f.shape, "float32");

/**
 * The common frame: per argument set, `inputs` (the differentiated tensors, in the gradient's
 * order) and a loss closing over that set's data tensors; run() calls valueAndGrads in a tidy and
 * copies value and gradients back into JS.
 */
function frame(
  tf: TF,
  argSets: [Args, Args],
  use: () => void,
  make: (args: Args) => { inputs: T[]; data: T[]; loss: (...xs: T[]) => T },
): ValueAndGrad {
  const sets = perArgSet(
    argSets,
    (args) => {
      const s = make(args);
      return { ...s, vg: tf.valueAndGrads(s.loss) };
    },
    (s) => tf.dispose([...s.inputs, ...s.data]),
  );
  const probe = sets.get(argSets[0]);
  const total = probe.inputs.reduce((n, t) => n + t.size, 0);
  let grad = new Float64Array(total);
  return {
    run(args) {
      use();
      const s = sets.get(args);
      const g = new Float64Array(total);
      const value = tf.tidy(() => {
        const { value, grads } = s.vg(s.inputs);
        let k = 0;
        for (const t of grads) {
          g.set(t.dataSync(), k);
          k += t.size;
        }
        return value.dataSync()[0];
      });
      sets.release(s);
      grad = g;
      return value;
    },
    lastGradient: () => grad.slice(),
    dispose: () => sets.dispose(),
  };
}

function makeWorkload(tf: TF, backend: string, workload: WorkloadName, argSets: [Args, Args], use: () => void): ValueAndGrad | undefined {
  const t = (v: unknown, shape?: number[]) => tensor(tf, flat32(v, shape));
  switch (workload) {
    case "neuron":
      return frame(tf, argSets, use, (args) => ({
        inputs: (args as number[]).slice(0, 5).map((v) => tf.scalar(v)),
        data: [],
        loss: (w0, w1, w2, x0, x1) => tf.sigmoid(tf.add(tf.add(tf.mul(w0, x0), tf.mul(w1, x1)), w2)),
      }));

    case "mlp-1":
    case "mlp-32":
      return frame(tf, argSets, use, (args) => {
        const p = args[0] as MlpParams;
        const batch = workload === "mlp-1";
        const X = batch ? t(args[1], [1, (args[1] as number[]).length]) : t(args[1]);
        const labels = batch ? [args[2] as number] : (args[2] as number[]);
        const onehot = tensor(tf, oneHot32(labels, p.b2.length));
        return {
          inputs: [t(p.W1), t(p.b1), t(p.W2), t(p.b2)],
          data: [X, onehot],
          loss: (W1, b1, W2, b2) => {
            const h = tf.tanh(tf.add(tf.matMul(X, W1, false, true), b1));
            const s = tf.add(tf.matMul(h, W2, false, true), b2);
            return tf.losses.softmaxCrossEntropy(onehot, s, undefined, 0, tf.Reduction.SUM);
          },
        };
      });

    case "normwx-nested":
    case "normwx-flat":
      return frame(tf, argSets, use, (args) => {
        const x = args[1] as ArrayLike<number>;
        const n = x.length;
        return {
          inputs: [t(args[0], [n, n]), t(x, [n, 1])],
          data: [],
          loss: (W, xc) => tf.sum(tf.square(tf.matMul(W, xc))),
        };
      });

    case "logreg":
      return frame(tf, argSets, use, (args) => {
        const [w, b, X, y, lambda] = args as [number[], number, number[][], number[], number];
        const Xt = t(X);
        const yt = t(y, [y.length, 1]);
        const half = lambda / 2;
        return {
          inputs: [t(w, [w.length, 1]), tf.scalar(b)],
          data: [Xt, yt],
          loss: (wc, bt) => {
            const margin = tf.mul(yt, tf.add(tf.matMul(Xt, wc), bt));
            return tf.add(tf.mean(tf.softplus(tf.neg(margin))), tf.mul(half, tf.sum(tf.square(wc))));
          },
        };
      });

    case "recurrence":
      return frame(tf, argSets, use, (args) => {
        const [a, b, x0, h, steps] = args as number[];
        const n = Math.round(steps);
        const one = tf.scalar(1);
        const s1 = tf.scalar(Math.sin(1));
        const c1 = tf.scalar(Math.cos(1));
        return {
          inputs: [tf.scalar(a), tf.scalar(b), tf.scalar(x0), tf.scalar(h)],
          data: [one, s1, c1],
          loss: (at, bt, x0t, ht) => {
            let x = x0t;
            for (let i = 0; i < n; i++) {
              // the branch on the current value: a read-back per step
              const g = x.dataSync()[0] > 1 ? tf.add(s1, tf.mul(c1, tf.tanh(tf.sub(x, one)))) : tf.sin(x);
              x = tf.add(x, tf.mul(ht, tf.sub(tf.mul(at, g), tf.mul(bt, tf.mul(x, x)))));
            }
            return x;
          },
        };
      });

    case "conv1d":
      return frame(tf, argSets, use, (args) => {
        const [K, bias, x] = args as [number[][], number[], number[]];
        const C = K.length;
        const k = K[0].length;
        const n = x.length;
        const m = n - k + 1;
        return {
          inputs: [t(K), t(bias), t(x)],
          data: [],
          loss:
            backend === "wasm"
              ? (Kt, bt, xt) => {
                  // no Conv2DBackpropFilter on wasm: the convolution as K [C, k] times the [k, m] shifted slices of x
                  const cols = tf.stack(Array.from({ length: k }, (_, j) => tf.slice(xt, j, m)));
                  const y = tf.relu(tf.add(tf.matMul(Kt, cols), tf.reshape(bt, [C, 1])));
                  return tf.mul(0.5, tf.sum(tf.square(y)));
                }
              : (Kt, bt, xt) => {
                  const filter = tf.reshape(tf.transpose(Kt), [k, 1, C]);
                  const y = tf.relu(tf.add(tf.conv1d(tf.reshape(xt, [1, n, 1]), filter, 1, "valid"), bt));
                  return tf.mul(0.5, tf.sum(tf.square(y)));
                },
        };
      });
  }
  return undefined;
}
