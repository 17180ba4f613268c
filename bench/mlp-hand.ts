// Hand-written adjoints of the MLP losses (bench/mlp-functions.ts): what an expert writes for
// this network. Same contract as adc's mlpLossGradInto / mlpBatchLossGradInto: return the value
// and ADD d(seed * L)/dp into grad.p (W1, b1, W2, b2) in place; x, t (X, T) are data.
//
// Forward, per example: z_j = b1_j + sum_k W1[j][k] x_k accumulated in a scalar, h_j =
// 1 / (1 + exp(-z_j)) kept in a reused Float64Array, y_o = b2_o + sum_j W2[o][j] h_j in a
// scalar, and the output adjoint dy_o = seed (y_o - t_o) stored at once.
// Reverse: db2_o += dy_o; dW2[o][j] += dy_o h_j and dh_j += dy_o W2[o][j] in one loop body (o
// outer, j inner: W2 and dW2 row by row, h and dh in L1); dz_j = dh_j h_j (1 - h_j) (the
// sigmoid's derivative from its value, no exp stored or recomputed); db1_j += dz_j,
// dW1[j][k] += dz_j x_k.
//
// Every row (W1[j], dW1[j], W2[o], dW2[o]) and every record field is read once into a local
// outside the inner loop; the inner loops touch only flat arrays. The batch is a sum of
// per-example losses, so the hand adjoint runs each example's forward and reverse back to back
// (seed * the per-example gradient, accumulated in grad): it keeps one example's h, never the
// batch's. The buffers (h, dh, dy) are module-level, reused from call to call and grown
// (doubled) when a call needs more, never shrunk: once warm, a call allocates nothing.

export interface MLP {
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
}

export interface MLPGradRecord {
  p: MLP;
}

let hBuf = new Float64Array(128);
let dhBuf = new Float64Array(128);
let dyBuf = new Float64Array(16);

function capacityFor(have: number, need: number): number {
  let c = have;
  while (c < need) c *= 2;
  return c;
}

// Written by example(): the example's loss (a double returned from a call that V8 does not
// inline would be a boxed HeapNumber: an allocation per example).
const out = new Float64Array(1);

/** One example: its loss into out[0], and seed * its gradient added into g. Buffers sized by the caller. */
function example(p: MLP, x: number[], t: number[], g: MLP, seed: number, H: number, O: number): void {
  const W1 = p.W1;
  const b1 = p.b1;
  const W2 = p.W2;
  const b2 = p.b2;
  const h = hBuf;
  const dh = dhBuf;
  const dy = dyBuf;
  const n = x.length;
  for (let j = 0; j < H; j++) {
    const W1j = W1[j];
    let z = b1[j];
    for (let k = 0; k < n; k++) z += W1j[k] * x[k];
    h[j] = 1 / (1 + Math.exp(-z));
  }
  let L = 0;
  for (let o = 0; o < O; o++) {
    const W2o = W2[o];
    let y = b2[o];
    for (let j = 0; j < H; j++) y += W2o[j] * h[j];
    const e = y - t[o];
    L += 0.5 * e * e;
    dy[o] = seed * e;
  }
  out[0] = L;
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
    const dz = dh[j] * hj * (1 - hj);
    db1[j] += dz;
    const dW1j = dW1[j];
    for (let k = 0; k < n; k++) dW1j[k] += dz * x[k];
  }
}

/** The forward pass alone, written the same way (rows hoisted, scalar accumulators, h in the reused buffer). */
function exampleValue(p: MLP, x: number[], t: number[], H: number, O: number): void {
  const W1 = p.W1;
  const b1 = p.b1;
  const W2 = p.W2;
  const b2 = p.b2;
  const h = hBuf;
  const n = x.length;
  for (let j = 0; j < H; j++) {
    const W1j = W1[j];
    let z = b1[j];
    for (let k = 0; k < n; k++) z += W1j[k] * x[k];
    h[j] = 1 / (1 + Math.exp(-z));
  }
  let L = 0;
  for (let o = 0; o < O; o++) {
    const W2o = W2[o];
    let y = b2[o];
    for (let j = 0; j < H; j++) y += W2o[j] * h[j];
    const e = y - t[o];
    L += 0.5 * e * e;
  }
  out[0] = L;
}

function reserve(H: number, O: number): void {
  if (hBuf.length < H) {
    hBuf = new Float64Array(capacityFor(hBuf.length, H));
    dhBuf = new Float64Array(hBuf.length);
  }
  if (dyBuf.length < O) dyBuf = new Float64Array(capacityFor(dyBuf.length, O));
}

/** Value of mlpLoss; adds d(seed * mlpLoss)/dp into grad.p. */
export function mlpLossHand(p: MLP, x: number[], t: number[], grad: MLPGradRecord, seed = 1): number {
  const H = p.b1.length;
  const O = p.b2.length;
  if (O === 0) return 0;
  reserve(H, O);
  example(p, x, t, grad.p, seed, H, O);
  return out[0];
}

/** Value of mlpBatchLoss; adds d(seed * mlpBatchLoss)/dp into grad.p. */
export function mlpBatchLossHand(p: MLP, X: number[][], T: number[][], grad: MLPGradRecord, seed = 1): number {
  const H = p.b1.length;
  const O = p.b2.length;
  if (O === 0) return 0;
  reserve(H, O);
  const g = grad.p;
  let L = 0;
  for (let i = 0; i < X.length; i++) {
    example(p, X[i], T[i], g, seed, H, O);
    L += out[0];
  }
  return L;
}

/** Value of mlpLoss alone, the expert's forward pass (a reference for the cost of the forward function). */
export function mlpLossValueHand(p: MLP, x: number[], t: number[]): number {
  const H = p.b1.length;
  const O = p.b2.length;
  reserve(H, O);
  exampleValue(p, x, t, H, O);
  return out[0];
}

/** Value of mlpBatchLoss alone, the expert's forward pass. */
export function mlpBatchLossValueHand(p: MLP, X: number[][], T: number[][]): number {
  const H = p.b1.length;
  const O = p.b2.length;
  reserve(H, O);
  let L = 0;
  for (let i = 0; i < X.length; i++) {
    exampleValue(p, X[i], T[i], H, O);
    L += out[0];
  }
  return L;
}
