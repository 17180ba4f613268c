// The learning examples of the README, run as a newcomer runs them (adc on the model file, then
// the training script), in a scratch copy and on a small step budget (`--epochs N`): each must
// pass its gradient check, learn (the loss falls, the accuracy passes a threshold) and write
// its pictures.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.join(__dirname, "..");
const node = process.execPath;
const adc = path.join(root, "bin", "adc.js");
const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(root, "test", "artifacts-learning-"));
  fs.cpSync(path.join(root, "examples", "lib"), path.join(scratch, "lib"), { recursive: true });
});

afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Copies the example's two files, runs adc on the model and the script with `--epochs`; the script's output. */
function run(model: string, epochs: number): string {
  for (const f of [`${model}.ts`, `train-${model}.ts`]) fs.copyFileSync(path.join(root, "examples", f), path.join(scratch, f));
  const wrote = execFileSync(node, [adc, `${model}.ts`], { cwd: scratch, encoding: "utf8" });
  expect(wrote).toContain(`wrote ${model}.grad.ts`);
  return execFileSync(node, [tsx, `train-${model}.ts`, "--epochs", String(epochs)], { cwd: scratch, encoding: "utf8" });
}

/** The per-epoch lines of one model: epoch, loss, and the named percentages. */
function lines(out: string, name: string): { epoch: number; loss: number; pct: Record<string, number> }[] {
  const re = new RegExp(`^${name}\\s+epoch\\s+(\\d+)/\\d+\\s+loss ([\\d.]+)(.*)$`, "gm");
  return [...out.matchAll(re)].map((m) => ({
    epoch: Number(m[1]),
    loss: Number(m[2]),
    pct: Object.fromEntries([...m[3].matchAll(/(\w+) ([\d.]+)%/g)].map((p) => [p[1], Number(p[2])])),
  }));
}

function expectGradientChecksPass(out: string, count: number): void {
  const checks = [...out.matchAll(/^gradient check.*: max relative error (\S+) (ok|FAILED)$/gm)];
  expect(checks.length, out).toBe(count);
  for (const c of checks) expect(c[2], c[0]).toBe("ok");
}

function svg(name: string): string {
  const text = fs.readFileSync(path.join(scratch, "out", name), "utf8");
  expect(text.startsWith("<svg")).toBe(true);
  expect(text.trimEnd().endsWith("</svg>")).toBe(true);
  return text;
}

describe("learning examples", () => {
  it("train-xor: the two-layer network learns XOR (100%), the perceptron cannot (at most 75%)", () => {
    const out = run("xor", 300);
    expectGradientChecksPass(out, 2);
    const two = lines(out, "two-layer");
    expect(two.at(-1)!.epoch).toBe(300);
    expect(two.at(-1)!.loss).toBeLessThan(two[0].loss / 10);
    expect(two.at(-1)!.pct.accuracy).toBe(100);
    const perceptron = lines(out, "perceptron");
    expect(perceptron.at(-1)!.loss).toBeGreaterThan(0.69); // log 2: it can do no better
    expect(perceptron.at(-1)!.pct.accuracy).toBeLessThanOrEqual(75);
    expect(out).toMatch(/two-layer: {2}loss [\d.]+, accuracy 100\.0%/);
    expect(svg("xor-loss.svg")).toContain("<polyline");
    expect(svg("xor-two-layer.svg")).toContain("accuracy 100.0%");
    svg("xor-perceptron.svg");
  });

  it("train-iris: the softmax classifier and the hidden-layer network reach 93% on the test flowers", () => {
    const out = run("iris", 150);
    expect(out).toContain("Iris: 150 flowers (setosa, versicolor, virginica), 99 to train on, 51 to test");
    expectGradientChecksPass(out, 2);
    for (const name of ["softmax", "hidden layer"]) {
      const l = lines(out, name);
      expect(l.at(-1)!.epoch).toBe(150);
      expect(l.at(-1)!.loss).toBeLessThan(l[0].loss / 3);
    }
    const acc = [...out.matchAll(/test accuracy ([\d.]+)%/g)].map((m) => Number(m[1]));
    expect(acc.length, out).toBe(2);
    for (const a of acc) expect(a).toBeGreaterThanOrEqual(93);
    expect(svg("iris-loss.svg").match(/<polyline/g)).toHaveLength(4);
  });

  it("train-svm: the multiclass SVM (hinge + L2) reaches 93% on the test flowers", () => {
    const out = run("svm", 100);
    expectGradientChecksPass(out, 1);
    const l = lines(out, "svm");
    expect(l.at(-1)!.loss).toBeLessThan(l[0].loss / 3);
    const acc = /training accuracy ([\d.]+)%, test accuracy ([\d.]+)%/.exec(out);
    expect(acc, out).not.toBeNull();
    expect(Number(acc![2])).toBeGreaterThanOrEqual(93);
    svg("svm-loss.svg");
  });

  it("train-spirals: the network separates the two spirals (95% of the training points) and draws its regions", () => {
    const out = run("spirals", 300);
    expectGradientChecksPass(out, 1);
    const l = lines(out, "spirals");
    expect(l.at(-1)!.loss).toBeLessThan(l[0].loss / 5);
    expect(l.at(-1)!.pct.accuracy).toBeGreaterThanOrEqual(95);
    const regions = svg("spirals-regions.svg");
    expect(regions.match(/<circle/g)).toHaveLength(200);
    expect(regions.match(/<rect/g)!.length).toBeGreaterThan(100);
    svg("spirals-loss.svg");
  });
});
