// The workloads of the benchmark suite (`npm run bench`, bench/suite.ts; the contract is
// bench/suite/types.ts), written as a user writes them and compiled by adc at suite start-up
// into bench/suite/functions.grad.ts, so the current compiler is what is measured.
//
// neuron, normWx, normWxFlat and euler are copied from bench/functions.ts,
// bench/normwx-functions.ts and bench/euler-functions.ts; mlpLoss / mlpBatchLoss (tanh hidden
// layer, softmax cross-entropy with an integer label), logreg and conv1d are new here.

/** The lectures' sigmoid neuron. @differentiable */
export function neuron(w0: number, w1: number, w2: number, x0: number, x1: number): number {
  return 1 / (1 + Math.exp(-(w0 * x0 + w1 * x1 + w2)));
}

export interface MLP {
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
}

/**
 * A 2-layer MLP on one example: z = W1 x + b1, h = tanh(z), s = W2 h + b2, and the softmax
 * cross-entropy of the scores with the integer label, L = logsumexp(s) - s[label], computed
 * stably as m + log(sum_o exp(s_o - m)) - s[label] with m the largest score (found in the loop
 * that computes the scores; its gradient cancels analytically).
 * @differentiable wrt(p)
 */
export function mlpLoss(p: MLP, x: number[], label: number): number {
  const H = p.b1.length;
  const O = p.b2.length;
  const h = new Array(H).fill(0);
  const s = new Array(O).fill(0);
  for (let j = 0; j < H; j++) {
    let z = p.b1[j];
    for (let k = 0; k < x.length; k++) z += p.W1[j][k] * x[k];
    h[j] = Math.tanh(z);
  }
  let m = -Infinity;
  for (let o = 0; o < O; o++) {
    let y = p.b2[o];
    for (let j = 0; j < H; j++) y += p.W2[o][j] * h[j];
    s[o] = y;
    if (y > m) m = y;
  }
  let sum = 0;
  for (let o = 0; o < O; o++) sum += Math.exp(s[o] - m);
  return m + Math.log(sum) - s[label];
}

/**
 * mlpLoss summed over a batch: X holds one example per row, labels one integer per example. The
 * local arrays are allocated once per call and overwritten for every example.
 * @differentiable wrt(p)
 */
export function mlpBatchLoss(p: MLP, X: number[][], labels: number[]): number {
  const H = p.b1.length;
  const O = p.b2.length;
  const h = new Array(H).fill(0);
  const s = new Array(O).fill(0);
  let L = 0;
  for (let i = 0; i < X.length; i++) {
    for (let j = 0; j < H; j++) {
      let z = p.b1[j];
      for (let k = 0; k < X[i].length; k++) z += p.W1[j][k] * X[i][k];
      h[j] = Math.tanh(z);
    }
    let m = -Infinity;
    for (let o = 0; o < O; o++) {
      let y = p.b2[o];
      for (let j = 0; j < H; j++) y += p.W2[o][j] * h[j];
      s[o] = y;
      if (y > m) m = y;
    }
    let sum = 0;
    for (let o = 0; o < O; o++) sum += Math.exp(s[o] - m);
    L += m + Math.log(sum) - s[labels[i]];
  }
  return L;
}

/** ||W x||^2, W an array of rows (fixtures/arrays/norm-wx). @differentiable */
export function normWx(W: number[][], x: number[]): number {
  let s = 0;
  for (let i = 0; i < W.length; i++) {
    let q = 0;
    for (let j = 0; j < x.length; j++) q += W[i][j] * x[j];
    s += q * q;
  }
  return s;
}

/** ||W x||^2, W row-major in a Float64Array (W[i * n + j]); n a size. @differentiable */
export function normWxFlat(W: Float64Array, x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let j = 0; j < n; j++) q += W[i * n + j] * x[j];
    s += q * q;
  }
  return s;
}

/**
 * Logistic regression with L2: (1/N) sum_i softplus(-y_i (w . x_i + b)) + (lambda/2) ||w||^2,
 * labels y_i = +-1. softplus(m) = log(1 + e^m), written stably: m + log1p(e^-m) above 0.
 * @differentiable wrt(w, b)
 */
export function logreg(w: number[], b: number, X: number[][], y: number[], lambda: number): number {
  const N = X.length;
  const D = w.length;
  let data = 0;
  for (let i = 0; i < N; i++) {
    let z = b;
    for (let k = 0; k < D; k++) z += w[k] * X[i][k];
    const m = -y[i] * z;
    if (m > 0) {
      data += m + Math.log1p(Math.exp(-m));
    } else {
      data += Math.log1p(Math.exp(m));
    }
  }
  let reg = 0;
  for (let k = 0; k < D; k++) reg += w[k] * w[k];
  return data / N + 0.5 * lambda * reg;
}

/**
 * Explicit Euler for x' = a g(x) - b x^2 over `steps` steps, g = sin(x) up to 1 and a saturating
 * continuation above (fixtures/control-flow/euler-integration, bench/euler-functions.ts).
 * @differentiable
 */
export function euler(a: number, b: number, x0: number, h: number, steps: number): number {
  const n = Math.round(steps);
  const s1 = Math.sin(1);
  const c1 = Math.cos(1);
  let x = x0;
  for (let i = 0; i < n; i++) {
    let g = 0;
    if (x > 1) {
      g = s1 + c1 * Math.tanh(x - 1);
    } else {
      g = Math.sin(x);
    }
    x = x + h * (a * g - b * x * x);
  }
  return x;
}

/**
 * A 1D convolution layer: F kernels of width W (the rows of K) slid over x (valid positions
 * only), a bias per kernel, ReLU, and half the sum of squares of the outputs.
 * @differentiable
 */
export function conv1d(K: number[][], bias: number[], x: number[]): number {
  const F = K.length;
  const W = K[0].length;
  const n = x.length - W + 1;
  let L = 0;
  for (let f = 0; f < F; f++) {
    for (let i = 0; i < n; i++) {
      let a = bias[f];
      for (let k = 0; k < W; k++) a += K[f][k] * x[i + k];
      const r = Math.max(0, a);
      L += r * r;
    }
  }
  return 0.5 * L;
}
