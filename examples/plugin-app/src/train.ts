// Trains the model of model.ts by gradient descent with valueAndGrad, compiled by the adc plugin
// at build time (`npx tspc -p examples/plugin-app`, then `node examples/plugin-app/dist/train.js`).
import { grad, valueAndGrad, vjp } from "adc";
import { loss, type Model } from "./model";

// two clouds of points, labelled 0 and 1 (a fixed pseudo-random sequence)
let state = 7;
const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
const X: number[][] = [];
const y: number[] = [];
for (let i = 0; i < 40; i++) {
  const label = i % 2;
  X.push([label * 2 - 1 + 0.8 * random(), label - 0.5 + 0.8 * random()]);
  y.push(label);
}

const lossAndGrad = valueAndGrad(loss);
const m: Model = { w: [0, 0], b: 0 };
for (let step = 0; step <= 300; step++) {
  const [value, g] = lossAndGrad(m, X, y);
  for (let k = 0; k < m.w.length; k++) m.w[k] -= 0.5 * g.w[k];
  m.b -= 0.5 * g.b;
  if (step % 100 === 0) console.log(`step ${step}: loss ${value.toFixed(4)}`);
}

// the gradient against central differences of the loss, at the trained model
const g = grad(loss)(m, X, y);
const h = 1e-6;
const central = (change: (e: number) => Model) => (loss(change(h), X, y) - loss(change(-h), X, y)) / (2 * h);
const fd = [
  ...m.w.map((_, k) => central((e) => ({ w: m.w.map((v, j) => (j === k ? v + e : v)), b: m.b }))),
  central((e) => ({ w: m.w, b: m.b + e })),
];
const mine = [...g.w, g.b];
console.log(`gradient vs central differences: max difference ${Math.max(...mine.map((v, k) => Math.abs(v - fd[k]))).toExponential(1)}`);

// vjp: the value, and a pullback that scales the gradient by its seed; wrt picks parameters by position
const [value, pullback] = vjp(loss)(m, X, y);
const half = pullback(0.5);
const [gm] = grad(loss, { wrt: [0] })(m, X, y);
const same = half.w.every((v, k) => v === 0.5 * gm.w[k]) && half.b === 0.5 * gm.b && value === loss(m, X, y);
console.log(`vjp: pullback(0.5) is half the gradient: ${same}`);
