// The workload of the MLP benchmark (`npx tsx bench/mlp.ts`), compiled by adc at bench start-up
// into bench/mlp-functions.grad.ts.
//
// The lectures' two-layer MLP, 64-128-10 in the benchmark: z = W1 x + b1, h = sigmoid(z),
// y = W2 h + b2, L = 0.5 * ||t - y||^2, parameters in one record, differentiated only in it
// (x, t are data). Written as a user would with local arrays: z, h and y are allocated once per
// call with new Array(n).fill(0) and filled by element writes; the batch allocates them once,
// outside the example loop, and overwrites them for every example.

interface MLP {
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
}

/** @differentiable wrt(p) */
export function mlpLoss(p: MLP, x: number[], t: number[]): number {
  const H = p.b1.length;
  const O = p.b2.length;
  const z = new Array(H).fill(0);
  const h = new Array(H).fill(0);
  const y = new Array(O).fill(0);
  for (let j = 0; j < H; j++) {
    z[j] = p.b1[j];
    for (let k = 0; k < x.length; k++) z[j] += p.W1[j][k] * x[k];
    h[j] = 1 / (1 + Math.exp(-z[j]));
  }
  for (let o = 0; o < O; o++) {
    y[o] = p.b2[o];
    for (let j = 0; j < H; j++) y[o] += p.W2[o][j] * h[j];
  }
  let L = 0;
  for (let o = 0; o < O; o++) {
    const e = t[o] - y[o];
    L += 0.5 * e * e;
  }
  return L;
}

/** @differentiable wrt(p) */
export function mlpBatchLoss(p: MLP, X: number[][], T: number[][]): number {
  const H = p.b1.length;
  const O = p.b2.length;
  const z = new Array(H).fill(0);
  const h = new Array(H).fill(0);
  const y = new Array(O).fill(0);
  let L = 0;
  for (let i = 0; i < X.length; i++) {
    for (let j = 0; j < H; j++) {
      z[j] = p.b1[j];
      for (let k = 0; k < X[i].length; k++) z[j] += p.W1[j][k] * X[i][k];
      h[j] = 1 / (1 + Math.exp(-z[j]));
    }
    for (let o = 0; o < O; o++) {
      y[o] = p.b2[o];
      for (let j = 0; j < H; j++) y[o] += p.W2[o][j] * h[j];
    }
    for (let o = 0; o < O; o++) {
      const e = T[i][o] - y[o];
      L += 0.5 * e * e;
    }
  }
  return L;
}
