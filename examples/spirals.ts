// The classify2d demo's network for two interleaved spirals: two hidden layers of tanh units
// (the demo uses 6 and 2; train-spirals.ts uses 24 and 24, which learn the spirals in a few
// hundred epochs), softmax cross-entropy on top.

export interface Net {
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
  W3: number[][];
  b3: number[];
}

/** @differentiable wrt(p) */
export function spiralLoss(p: Net, X: number[][], y: number[]): number {
  const h1 = new Array(p.b1.length).fill(0);
  const h2 = new Array(p.b2.length).fill(0);
  const s = new Array(p.b3.length).fill(0);
  let L = 0;
  for (let n = 0; n < X.length; n++) {
    for (let j = 0; j < h1.length; j++) {
      let a = p.b1[j];
      for (let k = 0; k < X[n].length; k++) a += p.W1[j][k] * X[n][k];
      h1[j] = Math.tanh(a);
    }
    for (let j = 0; j < h2.length; j++) {
      let a = p.b2[j];
      for (let k = 0; k < h1.length; k++) a += p.W2[j][k] * h1[k];
      h2[j] = Math.tanh(a);
    }
    for (let c = 0; c < s.length; c++) {
      let z = p.b3[c];
      for (let k = 0; k < h2.length; k++) z += p.W3[c][k] * h2[k];
      s[c] = z;
    }
    let m = s[0];
    for (let c = 1; c < s.length; c++) if (s[c] > m) m = s[c];
    let sum = 0;
    for (let c = 0; c < s.length; c++) sum += Math.exp(s[c] - m);
    L += Math.log(sum) - (s[y[n]] - m);
  }
  return L / X.length;
}

/** The class probabilities at a point (plain code: the forward pass and a softmax). */
export function probabilities(p: Net, x: number[]): number[] {
  const layer = (W: number[][], b: number[], v: number[]) => W.map((row, j) => row.reduce((a, w, k) => a + w * v[k], b[j]));
  const h1 = layer(p.W1, p.b1, x).map(Math.tanh);
  const h2 = layer(p.W2, p.b2, h1).map(Math.tanh);
  const s = layer(p.W3, p.b3, h2);
  const m = Math.max(...s);
  const e = s.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / sum);
}
