// XOR: a perceptron cannot learn it, a network with one hidden layer can (the lectures' point).
// Run `npx adc examples/xor.ts && npx tsx examples/train-xor.ts` (`--epochs N` to change the budget).
// Writes examples/out/xor-loss.svg and the two models' decision regions, xor-perceptron.svg and xor-two-layer.svg.
import { Adam, Rng, gradCheck, xavier, zeroGrad } from "adc/runtime";
import { perceptronLoss, perceptronOutput, twoLayerLoss, twoLayerOutput, type Perceptron, type TwoLayer } from "./xor.js";
import { perceptronLossGrad, perceptronLossGradInto, twoLayerLossGrad, twoLayerLossGradInto } from "./xor.grad.js";
import { XOR, accuracy } from "./lib/data.js";
import { lossCurveSvg, regionsSvg } from "./lib/plot.js";
import { Progress, epochsFromArgs, percent, writeOut } from "./lib/progress.js";

const epochs = epochsFromArgs(500);
const rng = new Rng(1);
const { X, y } = XOR;

const perceptron: Perceptron = { w: [rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5)], b: 0 };
const twoLayer: TwoLayer = { W1: xavier(4, 2, rng), b1: [0, 0, 0, 0], w2: xavier(1, 4, rng)[0], b2: 0 };

// first, the generated gradients against the lectures' numerical gradient
for (const [name, report] of [
  ["perceptron", gradCheck(perceptronLoss, perceptronLossGrad, [perceptron, X, y])],
  ["two-layer", gradCheck(twoLayerLoss, twoLayerLossGrad, [twoLayer, X, y])],
] as const)
  console.log(`gradient check (${name}): max relative error ${report.maxError.toExponential(1)} ${report.ok ? "ok" : "FAILED"}`);

const perceptronPredict = (x: number[]) => (perceptronOutput(perceptron, x) > 0.5 ? 1 : 0);
const twoLayerPredict = (x: number[]) => (twoLayerOutput(twoLayer, x) > 0.5 ? 1 : 0);

// both trained the same way: full batch, Adam
const curves = { perceptron: [] as number[], twoLayer: [] as number[] };
{
  const { grad } = perceptronLossGrad(perceptron, X, y);
  const opt = new Adam({ lr: 0.05 });
  const progress = new Progress("perceptron", epochs, 5);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    zeroGrad(grad);
    const loss = perceptronLossGradInto(perceptron, X, y, grad);
    opt.step(perceptron, grad.p);
    curves.perceptron.push(loss);
    progress.epoch(epoch, () => ({ loss, accuracy: percent(accuracy(perceptronPredict, XOR)) }));
  }
}
{
  const { grad } = twoLayerLossGrad(twoLayer, X, y);
  const opt = new Adam({ lr: 0.05 });
  const progress = new Progress("two-layer ", epochs, 5);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    zeroGrad(grad);
    const loss = twoLayerLossGradInto(twoLayer, X, y, grad);
    opt.step(twoLayer, grad.p);
    curves.twoLayer.push(loss);
    progress.epoch(epoch, () => ({ loss, accuracy: percent(accuracy(twoLayerPredict, XOR)) }));
  }
}

writeOut(
  "xor-loss.svg",
  lossCurveSvg(
    [
      { label: "perceptron", values: curves.perceptron },
      { label: "two-layer network (4 tanh)", values: curves.twoLayer },
    ],
    { title: "XOR: mean cross-entropy while training (Adam, lr 0.05)" },
  ),
);
const points = X.map((x, n) => ({ x: x[0], y: x[1], label: y[n] }));
for (const [file, title, output, predict] of [
  [
    "xor-perceptron.svg",
    "XOR, perceptron: no line separates the classes",
    (x: number[]) => perceptronOutput(perceptron, x),
    perceptronPredict,
  ],
  [
    "xor-two-layer.svg",
    "XOR, two-layer network: the hidden layer bends the boundary",
    (x: number[]) => twoLayerOutput(twoLayer, x),
    twoLayerPredict,
  ],
] as const) {
  writeOut(
    file,
    regionsSvg({
      title,
      extent: [-0.5, 1.5],
      probabilities: (a, b) => {
        const p = output([a, b]);
        return [1 - p, p];
      },
      points,
      pointRadius: 8,
      caption: `outputs ${X.map((x) => output(x).toFixed(2)).join(", ")} for (0,0), (0,1), (1,0), (1,1); accuracy ${percent(accuracy(predict, XOR))}`,
    }),
  );
}

const show = (f: (x: number[]) => number) => X.map((x) => `${x[0]} ${x[1]} -> ${f(x).toFixed(2)}`).join(", ");
console.log(`\nsummary after ${epochs} epochs:`);
console.log(
  `  perceptron: loss ${curves.perceptron[epochs - 1].toFixed(4)}, accuracy ${percent(accuracy(perceptronPredict, XOR))} (${show((x) => perceptronOutput(perceptron, x))})`,
);
console.log(`              no line separates XOR: the best the perceptron's loss can do is log 2 = 0.6931, 0.50 everywhere`);
console.log(
  `  two-layer:  loss ${curves.twoLayer[epochs - 1].toFixed(4)}, accuracy ${percent(accuracy(twoLayerPredict, XOR))} (${show((x) => twoLayerOutput(twoLayer, x))})`,
);
