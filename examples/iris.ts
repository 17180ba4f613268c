// Classifiers for the Iris flowers (4 measurements, 3 species): a softmax classifier (linear
// scores, cross-entropy) and a network with one hidden layer of tanh units, both trained on the
// mean cross-entropy -log softmax(s)[y] = log sum_c e^(s_c - m) - (s_y - m), m = max_c s_c (the
// shift by m keeps exp from overflowing and cancels in the gradient).

export interface Linear {
  W: number[][];
  b: number[];
}

export interface Hidden {
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
}

/** @differentiable wrt(p) */
export function softmaxLoss(p: Linear, X: number[][], y: number[]): number {
  const C = p.b.length;
  const s = new Array(C).fill(0);
  let L = 0;
  for (let n = 0; n < X.length; n++) {
    for (let c = 0; c < C; c++) {
      let z = p.b[c];
      for (let k = 0; k < X[n].length; k++) z += p.W[c][k] * X[n][k];
      s[c] = z;
    }
    let m = s[0];
    for (let c = 1; c < C; c++) if (s[c] > m) m = s[c];
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(s[c] - m);
    L += Math.log(sum) - (s[y[n]] - m);
  }
  return L / X.length;
}

/** @differentiable wrt(p) */
export function hiddenLoss(p: Hidden, X: number[][], y: number[]): number {
  const H = p.b1.length;
  const C = p.b2.length;
  const h = new Array(H).fill(0);
  const s = new Array(C).fill(0);
  let L = 0;
  for (let n = 0; n < X.length; n++) {
    for (let j = 0; j < H; j++) {
      let a = p.b1[j];
      for (let k = 0; k < X[n].length; k++) a += p.W1[j][k] * X[n][k];
      h[j] = Math.tanh(a);
    }
    for (let c = 0; c < C; c++) {
      let z = p.b2[c];
      for (let j = 0; j < H; j++) z += p.W2[c][j] * h[j];
      s[c] = z;
    }
    let m = s[0];
    for (let c = 1; c < C; c++) if (s[c] > m) m = s[c];
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(s[c] - m);
    L += Math.log(sum) - (s[y[n]] - m);
  }
  return L / X.length;
}

/** The softmax classifier's scores for one example (plain code: the forward pass alone). */
export function linearScores(p: Linear, x: number[]): number[] {
  return p.W.map((row, c) => row.reduce((z, w, k) => z + w * x[k], p.b[c]));
}

/** The hidden-layer network's scores for one example. */
export function hiddenScores(p: Hidden, x: number[]): number[] {
  const h = p.W1.map((row, j) => Math.tanh(row.reduce((a, w, k) => a + w * x[k], p.b1[j])));
  return p.W2.map((row, c) => row.reduce((z, w, j) => z + w * h[j], p.b2[c]));
}
