// The Iris flowers: a softmax classifier and a network with one hidden layer, trained on two
// thirds of the flowers and tested on the other third (a stratified split, the same every run).
// Run `npx adc examples/iris.ts && npx tsx examples/train-iris.ts` (`--epochs N` to change the budget).
// Writes examples/out/iris-loss.svg.
import { Adam, Rng, gradCheck, xavier, zeroGrad, zeros } from "adc/runtime";
import { hiddenLoss, hiddenScores, linearScores, softmaxLoss, type Hidden, type Linear } from "./iris.js";
import { hiddenLossGrad, hiddenLossGradInto, softmaxLossGrad, softmaxLossGradInto } from "./iris.grad.js";
import { accuracy, argmax, iris, standardize, stratifiedSplit, type Dataset } from "./lib/data.js";
import { lossCurveSvg, type Series } from "./lib/plot.js";
import { Progress, epochsFromArgs, percent, writeOut } from "./lib/progress.js";

const epochs = epochsFromArgs(300);
const rng = new Rng(7);
const data = iris();
const { train, test } = stratifiedSplit(data, 1 / 3, rng);
standardize(train, test);
console.log(`Iris: ${data.X.length} flowers (${data.classes.join(", ")}), ${train.X.length} to train on, ${test.X.length} to test`);

const C = data.classes.length;
const D = train.X[0].length;
const H = 8;
const linear: Linear = { W: xavier(C, D, rng), b: zeros(C) };
const hidden: Hidden = { W1: xavier(H, D, rng), b1: zeros(H), W2: xavier(C, H, rng), b2: zeros(C) };

// the generated gradients against central differences, on a few flowers
const few = [train.X.slice(0, 5), train.y.slice(0, 5)];
for (const [name, report] of [
  ["softmax", gradCheck(softmaxLoss, softmaxLossGrad, [linear, ...few])],
  ["hidden layer", gradCheck(hiddenLoss, hiddenLossGrad, [hidden, ...few])],
] as const)
  console.log(`gradient check (${name}): max relative error ${report.maxError.toExponential(1)} ${report.ok ? "ok" : "FAILED"}`);

/**
 * Full-batch training: `step` computes the training loss and its gradient and takes one step of
 * the optimizer; the training and test losses of every epoch are kept for the picture.
 */
function fit(name: string, step: () => number, testLoss: () => number, predict: (x: number[]) => number) {
  const curves = { train: [] as number[], test: [] as number[] };
  const progress = new Progress(name, epochs, 6);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const loss = step();
    curves.train.push(loss);
    curves.test.push(testLoss());
    progress.epoch(epoch, () => ({
      loss,
      "test loss": curves.test[epoch - 1],
      train: percent(accuracy(predict, train)),
      test: percent(accuracy(predict, test)),
    }));
  }
  return { ...curves, ms: progress.ms };
}

const softmaxRun = (() => {
  const { grad } = softmaxLossGrad(linear, train.X, train.y); // a gradient record shaped like the parameters, made once
  const opt = new Adam({ lr: 0.05 });
  const step = () => {
    zeroGrad(grad);
    const loss = softmaxLossGradInto(linear, train.X, train.y, grad);
    opt.step(linear, grad.p);
    return loss;
  };
  return fit(
    "softmax     ",
    step,
    () => softmaxLoss(linear, test.X, test.y),
    (x) => argmax(linearScores(linear, x)),
  );
})();

const hiddenRun = (() => {
  const { grad } = hiddenLossGrad(hidden, train.X, train.y);
  const opt = new Adam({ lr: 0.02, weightDecay: 1e-3 });
  const step = () => {
    zeroGrad(grad);
    const loss = hiddenLossGradInto(hidden, train.X, train.y, grad);
    opt.step(hidden, grad.p);
    return loss;
  };
  return fit(
    "hidden layer",
    step,
    () => hiddenLoss(hidden, test.X, test.y),
    (x) => argmax(hiddenScores(hidden, x)),
  );
})();

const series: Series[] = [
  { label: "softmax, training", values: softmaxRun.train, color: "#1f77b4" },
  { label: "softmax, test", values: softmaxRun.test, color: "#1f77b4", dashed: true },
  { label: `${H} tanh hidden units, training`, values: hiddenRun.train, color: "#ff7f0e" },
  { label: `${H} tanh hidden units, test`, values: hiddenRun.test, color: "#ff7f0e", dashed: true },
];
writeOut("iris-loss.svg", lossCurveSvg(series, { title: "Iris: mean cross-entropy (Adam, full batch)" }));

/** Rows: the true species; columns: the predicted one. */
function confusion(scores: (x: number[]) => number[], set: Dataset): string {
  const m = data.classes.map(() => new Array<number>(C).fill(0));
  set.X.forEach((x, n) => m[set.y[n]][argmax(scores(x))]++);
  const w = Math.max(...data.classes.map((c) => c.length));
  return m.map((row, c) => `    ${data.classes[c].padEnd(w)}  ${row.map((v) => String(v).padStart(3)).join("")}`).join("\n");
}

console.log(`\nsummary after ${epochs} epochs:`);
for (const [name, run, params, scores] of [
  ["softmax classifier", softmaxRun, linear, linearScores],
  [`hidden layer (${H} tanh)`, hiddenRun, hidden, hiddenScores],
] as const) {
  const s = (x: number[]) => (scores as (p: unknown, x: number[]) => number[])(params, x);
  const predict = (x: number[]) => argmax(s(x));
  console.log(
    `  ${name}: training loss ${run.train[epochs - 1].toFixed(4)}, test loss ${run.test[epochs - 1].toFixed(4)}, ` +
      `training accuracy ${percent(accuracy(predict, train))}, test accuracy ${percent(accuracy(predict, test))} (${run.ms.toFixed(0)} ms)`,
  );
  console.log(`  test set, true species (rows) by predicted (columns):\n${confusion(s, test)}`);
}
