// XOR, the lectures' point about depth: a perceptron (one linear unit and a sigmoid) cannot
// separate XOR's classes, because no line does; a network with one hidden layer can. Both are
// trained on the mean binary cross-entropy, written with the logit z (s the sigmoid):
// -[t log s(z) + (1 - t) log(1 - s(z))] = softplus(z) - t z, softplus(z) = log(1 + e^z),
// computed without overflow by a branch. (Not as `Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))`:
// that has two kinks at z = 0 whose subgradients do not cancel, and z is exactly 0 at the start.)

export interface Perceptron {
  w: number[];
  b: number;
}

export interface TwoLayer {
  W1: number[][];
  b1: number[];
  w2: number[];
  b2: number;
}

/** @differentiable wrt(p) */
export function perceptronLoss(p: Perceptron, X: number[][], t: number[]): number {
  let L = 0;
  for (let n = 0; n < X.length; n++) {
    let z = p.b;
    for (let k = 0; k < p.w.length; k++) z += p.w[k] * X[n][k];
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    L += softplus - t[n] * z;
  }
  return L / X.length;
}

/** @differentiable wrt(p) */
export function twoLayerLoss(p: TwoLayer, X: number[][], t: number[]): number {
  const h = new Array(p.b1.length).fill(0);
  let L = 0;
  for (let n = 0; n < X.length; n++) {
    for (let j = 0; j < p.b1.length; j++) {
      let a = p.b1[j];
      for (let k = 0; k < X[n].length; k++) a += p.W1[j][k] * X[n][k];
      h[j] = Math.tanh(a);
    }
    let z = p.b2;
    for (let j = 0; j < h.length; j++) z += p.w2[j] * h[j];
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    L += softplus - t[n] * z;
  }
  return L / X.length;
}

/** The perceptron's probability of class 1 (plain code: the forward pass alone). */
export function perceptronOutput(p: Perceptron, x: number[]): number {
  let z = p.b;
  for (let k = 0; k < p.w.length; k++) z += p.w[k] * x[k];
  return 1 / (1 + Math.exp(-z));
}

/** The two-layer network's probability of class 1. */
export function twoLayerOutput(p: TwoLayer, x: number[]): number {
  let z = p.b2;
  for (let j = 0; j < p.b1.length; j++) {
    let a = p.b1[j];
    for (let k = 0; k < x.length; k++) a += p.W1[j][k] * x[k];
    z += p.w2[j] * Math.tanh(a);
  }
  return 1 / (1 + Math.exp(-z));
}
