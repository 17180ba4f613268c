// Trains the network of mlp.ts on XOR by gradient descent, with the gradient adc generated.
// Run `npx adc examples/mlp.ts` first, then `npx tsx examples/train-mlp.ts`.
import { zeroGrad } from "adc/runtime";
import type { MLP } from "./mlp.js";
import { batchLossGrad, batchLossGradInto } from "./mlp.grad.js";

const X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const T = [[0], [1], [1], [0]];

// a small deterministic start (a linear congruential generator), 2 inputs, 8 hidden, 1 output
let seed = 42;
const random = () => ((seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296) * 2 - 1;
const matrix = (rows: number, cols: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, random));
const p: MLP = { W1: matrix(8, 2), b1: new Array(8).fill(0), W2: matrix(1, 8), b2: [0] };

// one training step: the gradient of the batch loss, then p -= rate * gradient
const { grad } = batchLossGrad(p, X, T); // a gradient record shaped like p, made once
const rate = 0.2;
for (let step = 0; step <= 2000; step++) {
  zeroGrad(grad);
  const loss = batchLossGradInto(p, X, T, grad);
  for (const key of ["W1", "W2"] as const)
    p[key].forEach((row, i) => row.forEach((_, j) => (row[j] -= rate * grad.p[key][i][j])));
  for (const key of ["b1", "b2"] as const) p[key].forEach((_, i) => (p[key][i] -= rate * grad.p[key][i]));
  if (step % 500 === 0) console.log(`step ${step}: loss ${loss.toFixed(5)}`);
}

const predict = (x: number[]) => {
  const h = p.W1.map((row, j) => 1 / (1 + Math.exp(-(p.b1[j] + row[0] * x[0] + row[1] * x[1]))));
  return p.b2[0] + p.W2[0].reduce((s, w, j) => s + w * h[j], 0);
};
console.log("XOR:", X.map((x) => `${x[0]} ${x[1]} -> ${predict(x).toFixed(2)}`).join(", "));
