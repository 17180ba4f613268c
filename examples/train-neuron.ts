// Fits the neuron of neuron.ts to the AND of two inputs by gradient descent, with the
// gradient adc generated. Run `npx adc examples/neuron.ts` first, then
// `npx tsx examples/train-neuron.ts`.
import { neuronGrad, neuronLossGradInto } from "./neuron.grad.js";
import { zeroGrad } from "adc/runtime";

// The lecture's point: w = (2, -3, -3), x = (-1, -2) -> f = 0.73, dw = (-0.20, -0.39, 0.20), dx = (0.39, -0.59)
const at = neuronGrad(2, -3, -3, -1, -2);
console.log(
  `f = ${at.value.toFixed(2)}, gradient:`,
  Object.fromEntries(Object.entries(at.grad).map(([k, v]) => [k, Number(v.toFixed(2))])),
);

const data: [number, number, number][] = [
  [0, 0, 0],
  [0, 1, 0],
  [1, 0, 0],
  [1, 1, 1],
];
const w = { w0: 0.1, w1: -0.1, w2: 0 };
const grad = { w0: 0, w1: 0, w2: 0 };
for (let epoch = 0; epoch <= 2000; epoch++) {
  zeroGrad(grad);
  let loss = 0;
  for (const [x0, x1, target] of data) loss += neuronLossGradInto(w.w0, w.w1, w.w2, x0, x1, target, grad);
  w.w0 -= 2 * grad.w0;
  w.w1 -= 2 * grad.w1;
  w.w2 -= 2 * grad.w2;
  if (epoch % 500 === 0) console.log(`epoch ${epoch}: loss ${loss.toFixed(4)}`);
}
const predict = (x0: number, x1: number) => 1 / (1 + Math.exp(-(w.w0 * x0 + w.w1 * x1 + w.w2)));
console.log("AND:", data.map(([x0, x1]) => `${x0} ${x1} -> ${predict(x0, x1).toFixed(2)}`).join(", "));
