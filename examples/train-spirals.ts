// Two interleaved spirals, the classify2d demo the lectures link to: 200 points on a plane, a
// network with two hidden layers learns to tell the arms apart, and a picture shows the regions
// it assigns to each class.
// Run `npx adc examples/spirals.ts && npx tsx examples/train-spirals.ts` (`--epochs N` to change the budget).
// Writes examples/out/spirals-regions.svg and examples/out/spirals-loss.svg.
import { Adam, Rng, cosineDecay, gradCheck, xavier, zeroGrad, zeros } from "adc/runtime";
import { probabilities, spiralLoss, type Net } from "./spirals.js";
import { spiralLossGrad, spiralLossGradInto } from "./spirals.grad.js";
import { accuracy, argmax, spirals } from "./lib/data.js";
import { lossCurveSvg, regionsSvg } from "./lib/plot.js";
import { Progress, epochsFromArgs, percent, writeOut } from "./lib/progress.js";

const epochs = epochsFromArgs(1000);
const rng = new Rng(2024);
const data = spirals(100, rng);
const H = 24;
const p: Net = {
  W1: xavier(H, 2, rng),
  b1: zeros(H),
  W2: xavier(H, H, rng),
  b2: zeros(H),
  W3: xavier(2, H, rng),
  b3: zeros(2),
};
console.log(
  `spirals: ${data.X.length} points, 2 classes; network 2-${H}-${H}-2 (tanh), ${epochs} epochs of full-batch Adam with weight decay`,
);

const check = gradCheck(spiralLoss, spiralLossGrad, [p, data.X.slice(0, 8), data.y.slice(0, 8)]);
console.log(`gradient check: max relative error ${check.maxError.toExponential(1)} ${check.ok ? "ok" : "FAILED"}`);

const predict = (x: number[]) => argmax(probabilities(p, x));
const { grad } = spiralLossGrad(p, data.X, data.y);
// L2 weight decay on the weights (not the biases) keeps the boundaries smooth between the arms
const opt = new Adam({
  lr: cosineDecay({ initial: 0.02, steps: epochs, final: 0.002 }),
  weightDecay: 1e-3,
  decays: (name) => name.startsWith("W"),
});
const losses: number[] = [];
const progress = new Progress("spirals", epochs, 10);
for (let epoch = 1; epoch <= epochs; epoch++) {
  zeroGrad(grad);
  const loss = spiralLossGradInto(p, data.X, data.y, grad);
  opt.step(p, grad.p);
  losses.push(loss);
  progress.epoch(epoch, () => ({ loss, accuracy: percent(accuracy(predict, data)) }));
}

const acc = accuracy(predict, data);
writeOut(
  "spirals-loss.svg",
  lossCurveSvg([{ label: `2-${H}-${H}-2 tanh network`, values: losses }], {
    title: "Spirals: mean cross-entropy (Adam, cosine-decayed rate, L2 weight decay)",
  }),
);
writeOut(
  "spirals-regions.svg",
  regionsSvg({
    title: "Two spirals: the network's decision regions",
    extent: [-6, 6],
    probabilities: (a, b) => probabilities(p, [a, b]),
    points: data.X.map((x, n) => ({ x: x[0], y: x[1], label: data.y[n] })),
    caption: `${epochs} epochs, training accuracy ${percent(acc)}; darker where the network is surer`,
  }),
);
console.log(
  `\nsummary after ${epochs} epochs (${(progress.ms / 1000).toFixed(1)} s): loss ${losses[epochs - 1].toFixed(4)}, training accuracy ${percent(acc)}`,
);
