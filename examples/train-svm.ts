// The lectures' multiclass SVM (hinge loss + L2) on the Iris flowers, the same split as
// train-iris.ts, trained by SGD with Nesterov momentum, the lectures' optimizer, with a
// learning rate that decays along a cosine.
// Run `npx adc examples/svm.ts && npx tsx examples/train-svm.ts` (`--epochs N` to change the budget).
// Writes examples/out/svm-loss.svg.
import { Nesterov, Rng, cosineDecay, gradCheck, xavier, zeroGrad, zeros } from "adc/runtime";
import { scores, svmLoss, type Linear } from "./svm.js";
import { svmLossGrad, svmLossGradInto } from "./svm.grad.js";
import { accuracy, argmax, iris, standardize, stratifiedSplit } from "./lib/data.js";
import { lossCurveSvg } from "./lib/plot.js";
import { Progress, epochsFromArgs, percent, writeOut } from "./lib/progress.js";

const epochs = epochsFromArgs(200);
const rng = new Rng(7); // the same split as train-iris.ts
const data = iris();
const { train, test } = stratifiedSplit(data, 1 / 3, rng);
standardize(train, test);
const lambda = 0.01;
console.log(`Iris: ${train.X.length} flowers to train on, ${test.X.length} to test; hinge loss + ${lambda} * ||W||^2`);

const p: Linear = { W: xavier(data.classes.length, train.X[0].length, rng), b: zeros(data.classes.length) };
const check = gradCheck(svmLoss, svmLossGrad, [p, train.X.slice(0, 5), train.y.slice(0, 5), lambda]);
console.log(`gradient check: max relative error ${check.maxError.toExponential(1)} ${check.ok ? "ok" : "FAILED"}`);

const predict = (x: number[]) => argmax(scores(p, x));
const { grad } = svmLossGrad(p, train.X, train.y, lambda);
const opt = new Nesterov({ lr: cosineDecay({ initial: 0.05, steps: epochs, final: 0.005 }), momentum: 0.9 });
const curves = { train: [] as number[], test: [] as number[] };
const progress = new Progress("svm", epochs, 8);
for (let epoch = 1; epoch <= epochs; epoch++) {
  zeroGrad(grad);
  const loss = svmLossGradInto(p, train.X, train.y, lambda, grad);
  opt.step(p, grad.p);
  curves.train.push(loss);
  curves.test.push(svmLoss(p, test.X, test.y, lambda));
  progress.epoch(epoch, () => ({
    loss,
    lr: opt.lr,
    train: percent(accuracy(predict, train)),
    test: percent(accuracy(predict, test)),
  }));
}

writeOut(
  "svm-loss.svg",
  lossCurveSvg(
    [
      { label: "training set", values: curves.train },
      { label: "test set", values: curves.test, dashed: true },
    ],
    { title: "Iris, multiclass SVM: hinge loss + L2 (Nesterov momentum)" },
  ),
);

// how many training flowers are still inside the margin (contribute to the hinge loss)?
const inMargin = train.X.filter((x, n) => {
  const s = scores(p, x);
  return s.some((sj, j) => j !== train.y[n] && sj - s[train.y[n]] + 1 > 0);
}).length;
console.log(`\nsummary after ${epochs} epochs (${progress.ms.toFixed(0)} ms):`);
console.log(`  loss ${curves.train[epochs - 1].toFixed(4)} (training), ${curves.test[epochs - 1].toFixed(4)} (test)`);
console.log(`  training accuracy ${percent(accuracy(predict, train))}, test accuracy ${percent(accuracy(predict, test))}`);
console.log(`  ${inMargin} of ${train.X.length} training flowers are inside the margin`);
