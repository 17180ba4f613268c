// The lectures' two-layer network, z = W1 x + b1, h = sigmoid(z), y = W2 h + b2, with the
// squared error L = 1/2 ||t - y||^2, summed over a batch. The parameters are one record; the
// tag's wrt(p) differentiates it alone (the data X and T cost nothing in the reverse sweep).

export interface MLP {
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
}

/** @differentiable wrt(p) */
export function batchLoss(p: MLP, X: number[][], T: number[][]): number {
  const H = p.b1.length;
  const O = p.b2.length;
  const h = new Array(H).fill(0);
  let L = 0;
  for (let n = 0; n < X.length; n++) {
    for (let j = 0; j < H; j++) {
      let z = p.b1[j];
      for (let k = 0; k < X[n].length; k++) z += p.W1[j][k] * X[n][k];
      h[j] = 1 / (1 + Math.exp(-z));
    }
    for (let o = 0; o < O; o++) {
      let y = p.b2[o];
      for (let j = 0; j < H; j++) y += p.W2[o][j] * h[j];
      const e = T[n][o] - y;
      L += 0.5 * e * e;
    }
  }
  return L;
}
