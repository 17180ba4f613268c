// The lectures' multiclass SVM: linear scores s = W x + b, and for each example the hinge loss
// sum over the wrong classes j of max(0, s_j - s_y + 1) (the right class's score should beat
// every other by a margin of 1), averaged over the examples, plus the L2 penalty lambda * sum W^2
// on the weights (not the biases).

export interface Linear {
  W: number[][];
  b: number[];
}

/** @differentiable wrt(p) */
export function svmLoss(p: Linear, X: number[][], y: number[], lambda: number): number {
  const C = p.b.length;
  const s = new Array(C).fill(0);
  let data = 0;
  for (let n = 0; n < X.length; n++) {
    for (let c = 0; c < C; c++) {
      let z = p.b[c];
      for (let k = 0; k < X[n].length; k++) z += p.W[c][k] * X[n][k];
      s[c] = z;
    }
    for (let j = 0; j < C; j++) {
      if (j === y[n]) continue;
      data += Math.max(0, s[j] - s[y[n]] + 1);
    }
  }
  let reg = 0;
  for (let c = 0; c < C; c++) for (let k = 0; k < p.W[c].length; k++) reg += p.W[c][k] * p.W[c][k];
  return data / X.length + lambda * reg;
}

/** The scores of one example (plain code: the forward pass alone). */
export function scores(p: Linear, x: number[]): number[] {
  return p.W.map((row, c) => row.reduce((z, w, k) => z + w * x[k], p.b[c]));
}
