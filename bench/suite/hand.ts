// Hand-written adjoints of the suite's workloads (bench/suite/functions.ts): what an expert
// writes. Same contract as adc's fGradInto: return the value and ADD d(seed * f) into the
// caller's record, in place; parameters that are data, sizes or counts get nothing.
//
// Reused from the earlier benchmarks where the workload is the same: the neuron
// (bench/hand.ts), ||W x||^2 nested and flat (bench/normwx-hand.ts) and the Euler recurrence
// (bench/euler-hand.ts: eulerHand, which keeps x and g per step and recovers tanh(x - 1) from g).
// New here, in the style of bench/mlp-hand.ts (every row and record field read once into a
// local outside the inner loop, sums in scalars, module-level buffers reused from call to call
// and grown by doubling, so a warm call allocates nothing):
//
// - the tanh / softmax-cross-entropy MLP: per example, the forward pass keeps h (H values) and
//   e_o = exp(s_o - m) (O values); the output adjoint is dy_o = seed (e_o / sum - [o = label]);
//   the reverse pass adds dy h^T into dW2 and W2^T dy into dh in one loop body, then
//   dz = dh (1 - h^2) (tanh's derivative from its value), db1 += dz, dW1 += dz x^T. The batch
//   is a sum of per-example losses: each example's forward and reverse run back to back, so
//   only one example's h is ever kept.
// - logistic regression: the loss is a sum over examples whose adjoint, seed / N, is known
//   before the loop, so each example's gradient is added as soon as its margin is known, in the
//   same loop: z = b + w . x_i; m = -y_i z; softplus(m) from one exp (e^-m above 0, e^m below);
//   sigma(m) = 1 / (1 + e^-m) or e^m / (1 + e^m) from the same exp; dz = -y_i (seed / N) sigma(m);
//   db += dz, dw += dz x_i. X is read once; nothing is stored. The L2 term adds seed lambda w.
// - conv1d: likewise a sum of per-output terms 0.5 relu(a)^2 with adjoint seed relu(a): each
//   output's adjoint is added as soon as the output is known (nothing stored): for a > 0,
//   dbias_f += seed a, dK_f[k] += seed a x[i + k], dx[i + k] += seed a K_f[k].
// The forward parts evaluate the source's expressions in the source's order, so every value is
// bitwise the forward function's.

import type { MLP } from "./functions.js";

export { neuronHand, type NeuronGradRecord } from "../hand.js";
export { normWxHand, normWxFlatHand, type NormWxGradRecord, type NormWxFlatGradRecord } from "../normwx-hand.js";
export { eulerHand, type EulerGradRecord } from "../euler-hand.js";

export interface MLPGradRecord {
  p: MLP;
}

export interface LogregGradRecord {
  w: number[];
  b: number;
}

export interface Conv1dGradRecord {
  K: number[][];
  bias: number[];
  x: number[];
}

function capacityFor(have: number, need: number): number {
  let c = have;
  while (c < need) c *= 2;
  return c;
}

// ---------------------------------------------------------------------------------------
// The MLP: tanh hidden layer, softmax cross-entropy.

let hBuf = new Float64Array(128);
let dhBuf = new Float64Array(128);
let eBuf = new Float64Array(16);

function reserve(H: number, O: number): void {
  if (hBuf.length < H) {
    hBuf = new Float64Array(capacityFor(hBuf.length, H));
    dhBuf = new Float64Array(hBuf.length);
  }
  if (eBuf.length < O) eBuf = new Float64Array(capacityFor(eBuf.length, O));
}

// Written by example(): the example's loss (a double returned from a call V8 does not inline
// would be a boxed HeapNumber: an allocation per example).
const out = new Float64Array(1);

/** One example: its loss into out[0], seed * its gradient added into g. Buffers sized by the caller; O >= 1. */
function example(p: MLP, x: number[], label: number, g: MLP, seed: number, H: number, O: number): void {
  const W1 = p.W1;
  const b1 = p.b1;
  const W2 = p.W2;
  const b2 = p.b2;
  const h = hBuf;
  const dh = dhBuf;
  const e = eBuf; // the scores first, then exp(s_o - m), then the output adjoints
  const n = x.length;
  for (let j = 0; j < H; j++) {
    const W1j = W1[j];
    let z = b1[j];
    for (let k = 0; k < n; k++) z += W1j[k] * x[k];
    h[j] = Math.tanh(z);
  }
  let m = -Infinity;
  for (let o = 0; o < O; o++) {
    const W2o = W2[o];
    let y = b2[o];
    for (let j = 0; j < H; j++) y += W2o[j] * h[j];
    e[o] = y;
    if (y > m) m = y;
  }
  const sLabel = e[label];
  let sum = 0;
  for (let o = 0; o < O; o++) {
    const eo = Math.exp(e[o] - m);
    e[o] = eo;
    sum += eo;
  }
  out[0] = m + Math.log(sum) - sLabel;
  const r = seed / sum;
  for (let o = 0; o < O; o++) e[o] *= r;
  e[label] -= seed;
  const dy = e;
  const dW1 = g.W1;
  const db1 = g.b1;
  const dW2 = g.W2;
  const db2 = g.b2;
  // o = 0 writes dh (no zeroing pass), the other outputs add into it
  {
    const dyo = dy[0];
    const W2o = W2[0];
    const dW2o = dW2[0];
    db2[0] += dyo;
    for (let j = 0; j < H; j++) {
      dW2o[j] += dyo * h[j];
      dh[j] = dyo * W2o[j];
    }
  }
  for (let o = 1; o < O; o++) {
    const dyo = dy[o];
    const W2o = W2[o];
    const dW2o = dW2[o];
    db2[o] += dyo;
    for (let j = 0; j < H; j++) {
      dW2o[j] += dyo * h[j];
      dh[j] += dyo * W2o[j];
    }
  }
  for (let j = 0; j < H; j++) {
    const hj = h[j];
    const dz = dh[j] * (1 - hj * hj);
    db1[j] += dz;
    const dW1j = dW1[j];
    for (let k = 0; k < n; k++) dW1j[k] += dz * x[k];
  }
}

/** Value of mlpLoss; adds d(seed * mlpLoss)/dp into grad.p. */
export function mlpLossHand(p: MLP, x: number[], label: number, grad: MLPGradRecord, seed = 1): number {
  const H = p.b1.length;
  const O = p.b2.length;
  reserve(H, O);
  example(p, x, label, grad.p, seed, H, O);
  return out[0];
}

/** Value of mlpBatchLoss; adds d(seed * mlpBatchLoss)/dp into grad.p. */
export function mlpBatchLossHand(p: MLP, X: number[][], labels: number[], grad: MLPGradRecord, seed = 1): number {
  const H = p.b1.length;
  const O = p.b2.length;
  reserve(H, O);
  const g = grad.p;
  let L = 0;
  for (let i = 0; i < X.length; i++) {
    example(p, X[i], labels[i], g, seed, H, O);
    L += out[0];
  }
  return L;
}

// ---------------------------------------------------------------------------------------
// Logistic regression with L2.

/** Value of logreg; adds d(seed * logreg)/d(w, b) into grad. */
export function logregHand(w: number[], b: number, X: number[][], y: number[], lambda: number, grad: LogregGradRecord, seed = 1): number {
  const N = X.length;
  const D = w.length;
  const dw = grad.w;
  const dData = seed / N;
  const b0 = +b; // a number from the start: z's loop phi then stays an unboxed double (else a HeapNumber per example)
  let data = 0;
  let db = 0;
  for (let i = 0; i < N; i++) {
    const Xi = X[i];
    let z = b0;
    for (let k = 0; k < D; k++) z += w[k] * Xi[k];
    const yi = y[i];
    const m = -yi * z;
    let sigma: number; // d softplus(m) / dm
    if (m > 0) {
      const t = Math.exp(-m);
      data += m + Math.log1p(t);
      sigma = 1 / (1 + t);
    } else {
      const t = Math.exp(m);
      data += Math.log1p(t);
      sigma = t / (1 + t);
    }
    const dz = -yi * dData * sigma;
    db += dz;
    for (let k = 0; k < D; k++) dw[k] += dz * Xi[k];
  }
  let reg = 0;
  const dReg = seed * lambda;
  for (let k = 0; k < D; k++) {
    const wk = w[k];
    reg += wk * wk;
    dw[k] += dReg * wk;
  }
  grad.b += db;
  return data / N + 0.5 * lambda * reg;
}

// ---------------------------------------------------------------------------------------
// The 1D convolution layer.

/** Value of conv1d; adds d(seed * conv1d)/d(K, bias, x) into grad. */
export function conv1dHand(K: number[][], bias: number[], x: number[], grad: Conv1dGradRecord, seed = 1): number {
  const F = K.length;
  const W = K[0].length;
  const n = x.length - W + 1;
  const dK = grad.K;
  const dbias = grad.bias;
  const dx = grad.x;
  let L = 0;
  for (let f = 0; f < F; f++) {
    const Kf = K[f];
    const dKf = dK[f];
    const bf = bias[f];
    let dbf = 0;
    for (let i = 0; i < n; i++) {
      let a = bf;
      for (let k = 0; k < W; k++) a += Kf[k] * x[i + k];
      const r = Math.max(0, a);
      L += r * r;
      if (a > 0) {
        const da = seed * a;
        dbf += da;
        for (let k = 0; k < W; k++) {
          dKf[k] += da * x[i + k];
          dx[i + k] += da * Kf[k];
        }
      }
    }
    dbias[f] += dbf;
  }
  return 0.5 * L;
}
