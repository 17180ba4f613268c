// Logistic regression: p(y = 1 | x) = sigmoid(w . x + b), trained on the mean cross-entropy.
// `loss` is a plain function: no tag is needed to differentiate it with valueAndGrad (the plugin
// finds it through the import in train.ts); softplus, which it calls from another file, is
// tagged @differentiable there.
import { softplus } from "./activations";

export interface Model {
  w: number[];
  b: number;
}

/** Mean cross-entropy of the model on the data (labels 0 or 1). */
export function loss(m: Model, X: number[][], y: number[]): number {
  let total = 0;
  for (let i = 0; i < X.length; i++) {
    let z = m.b;
    for (let k = 0; k < m.w.length; k++) z += m.w[k] * X[i][k];
    // -log sigmoid(z) for y = 1, -log(1 - sigmoid(z)) for y = 0
    total += y[i] === 1 ? softplus(-z) : softplus(z);
  }
  return total / X.length;
}
