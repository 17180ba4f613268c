// The contract between the benchmark suite's parts (`npm run bench`, bench/suite.ts): every
// workload, its arguments and the order in which its gradient is flattened for comparisons, so
// that the adc / hand-written / forward variants (bench/suite/workloads.ts) and the comparison
// libraries (bench/suite/tfjs.ts, bench/suite/jax.ts, installed on demand under bench/) agree on
// what they compute.
//
// Workloads (all data as plain JS arrays of doubles; "differentiated" lists the gradient's parts,
// flattened in this order, each matrix row-major):
//   neuron          f(w0,w1,w2,x0,x1) = sigmoid(w0 x0 + w1 x1 + w2); args: 5 numbers;
//                   differentiated: w0, w1, w2, x0, x1
//   mlp-1           2-layer MLP 64-128-10, tanh hidden layer, softmax cross-entropy with an integer
//                   label: z = W1 x + b1, h = tanh(z), s = W2 h + b2, L = logsumexp(s) - s[label];
//                   args: (p: { W1: 128x64, b1: 128, W2: 10x128, b2: 10 }, x: 64, label: number);
//                   differentiated: p only (W1, b1, W2, b2)
//   mlp-32          the same summed over a batch: (p, X: 32x64, labels: 32 numbers); differentiated: p
//   normwx-nested   ||W x||^2 with W: number[][] 256x256, x: 256; differentiated: W, x
//   normwx-flat     the same with W a row-major Float64Array(256*256), x a Float64Array(256), n = 256;
//                   differentiated: W, x
//   logreg          logistic regression with L2, 1,000 examples of dimension 20:
//                   L = (1/N) sum_i softplus(-y_i (w . x_i + b)) + (lambda/2) ||w||^2, y_i = +-1,
//                   lambda = 0.01; args: (w: 20, b: number, X: 1000x20, y: 1000, lambda);
//                   differentiated: w, b
//   recurrence      1,000 Euler steps of x += h (a g(x) - b x^2), g = sin(x), or above 1
//                   sin(1) + cos(1) tanh(x - 1) (bench/euler-functions.ts); args: (a, b, x0, h, steps);
//                   differentiated: a, b, x0, h (steps: 0)
//   conv1d          a 1D convolution layer: input x (length 256), 8 kernels of width 5, bias per
//                   kernel, valid convolution, ReLU, then the sum of squares of the outputs times 0.5:
//                   args: (K: 8x5, bias: 8, x: 256); differentiated: K, bias, x

export type WorkloadName = "neuron" | "mlp-1" | "mlp-32" | "normwx-nested" | "normwx-flat" | "logreg" | "recurrence" | "conv1d";

export const WORKLOADS: WorkloadName[] = ["neuron", "mlp-1", "mlp-32", "normwx-nested", "normwx-flat", "logreg", "recurrence", "conv1d"];

/** A workload's arguments, as the adc / hand / forward variants take them (plain arrays, typed arrays where stated). */
export type Args = unknown[];

/** One implementation of value + gradient for a workload, ready to time. */
export interface ValueAndGrad {
  /** Computes value and gradient at args (the caller alternates two argument sets); returns the value. */
  run(args: Args): number;
  /** The gradient of the last run, flattened in the workload's order (for the agreement checks). */
  lastGradient(): Float64Array;
  /** Frees what setup made (tensors, modules). */
  dispose?(): void;
}

/**
 * A comparison library's implementations: `prepare` may be slow (loading the library, tracing,
 * converting the data to tensors once); it returns undefined for a workload the library cannot run.
 * Per call, timing includes reading the value and the gradient back into JS and disposing of
 * per-call tensors.
 */
export interface Library {
  name: string;
  prepare(workload: WorkloadName, argSets: [Args, Args]): Promise<ValueAndGrad | undefined>;
}
