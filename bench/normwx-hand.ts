// Hand-written adjoints of ||W x||^2 (bench/normwx-functions.ts): what an expert writes for this
// loop nest. Same contract as adc's normWxGradInto / normWxFlatGradInto: return the value and ADD
// d(seed * f)/d(W, x) into the caller's record, in place (n, a size, has gradient 0: the flat
// record's n is left untouched).
//
// Forward: q_i = sum_j W[i][j] x[j] (stored in a reused Float64Array), s = sum_i q_i^2.
// Reverse: dq_i = 2 q_i seed; dW[i][j] += dq_i x[j]; dx[j] += sum_i dq_i W[i][j].
//
// Loop order: both sweeps run i outer, j inner, so W and dW are read row by row (row-major,
// unit stride) while x and dx (n doubles each, 2 KB at n = 256) stay in L1. The rows W[i] and
// dW[i] are read once per row into locals (no W[i][j] chain in the inner loop), as are
// dq_i, x, dx and the lengths; both updates of an element pair are one loop body, so every
// W[i][j] and x[j] is loaded once in the reverse sweep. The j-outer order for dx (a dot product
// per column) walks W by columns: a cache miss per element at n = 256, and was slower.
// Tried and not kept: unrolling the inner loop by 2 or 4 (V8 gains nothing measurable).
//
// The q buffer is module-level, reused from call to call and grown (doubled) when a call needs
// more, never shrunk: once warm, a call allocates nothing.

export interface NormWxGradRecord {
  W: number[][];
  x: number[];
}

export interface NormWxFlatGradRecord {
  W: Float64Array;
  x: Float64Array;
  n: number;
}

let qs = new Float64Array(256);
let qsFlat = new Float64Array(256);

function capacityFor(have: number, need: number): number {
  let c = have;
  while (c < need) c *= 2;
  return c;
}

/** Value of normWx; adds d(seed * normWx)/d(W, x) into grad. */
export function normWxHand(W: number[][], x: number[], grad: NormWxGradRecord, seed = 1): number {
  const m = W.length;
  const n = x.length;
  if (qs.length < m) qs = new Float64Array(capacityFor(qs.length, m));
  const q = qs;
  let s = 0;
  for (let i = 0; i < m; i++) {
    const Wi = W[i];
    let qi = 0;
    for (let j = 0; j < n; j++) qi += Wi[j] * x[j];
    q[i] = qi;
    s += qi * qi;
  }
  const dW = grad.W;
  const dx = grad.x;
  const twoSeed = 2 * seed;
  for (let i = 0; i < m; i++) {
    const dqi = twoSeed * q[i];
    const Wi = W[i];
    const dWi = dW[i];
    for (let j = 0; j < n; j++) {
      dWi[j] += dqi * x[j];
      dx[j] += dqi * Wi[j];
    }
  }
  return s;
}

/** Value of normWxFlat; adds d(seed * normWxFlat)/d(W, x) into grad (grad.n untouched: n is a size). */
export function normWxFlatHand(W: Float64Array, x: Float64Array, n: number, grad: NormWxFlatGradRecord, seed = 1): number {
  if (qsFlat.length < n) qsFlat = new Float64Array(capacityFor(qsFlat.length, n));
  const q = qsFlat;
  let s = 0;
  for (let i = 0, row = 0; i < n; i++, row += n) {
    let qi = 0;
    for (let j = 0; j < n; j++) qi += W[row + j] * x[j];
    q[i] = qi;
    s += qi * qi;
  }
  const dW = grad.W;
  const dx = grad.x;
  const twoSeed = 2 * seed;
  for (let i = 0, row = 0; i < n; i++, row += n) {
    const dqi = twoSeed * q[i];
    for (let j = 0; j < n; j++) {
      dW[row + j] += dqi * x[j];
      dx[j] += dqi * W[row + j];
    }
  }
  return s;
}
