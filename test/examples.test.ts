// The README's examples, run as a newcomer runs them: adc on examples/neuron.ts, then the
// training script on the generated code (in a scratch copy, so the tree is left alone).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(__dirname, "..");
const node = process.execPath;
const adc = path.join(root, "bin", "adc.js");
const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");

describe("examples/neuron.ts", () => {
  it("adc writes neuron.grad.ts, and train-neuron.ts learns AND with it", () => {
    const scratch = fs.mkdtempSync(path.join(root, "test", "artifacts-"));
    try {
      for (const f of ["neuron.ts", "train-neuron.ts"]) fs.copyFileSync(path.join(root, "examples", f), path.join(scratch, f));
      const wrote = execFileSync(node, [adc, "neuron.ts"], { cwd: scratch, encoding: "utf8" });
      expect(wrote).toContain("wrote neuron.grad.ts (neuronGrad, neuronGradInto, neuronLossGrad, neuronLossGradInto)");
      const out = execFileSync(node, [tsx, "train-neuron.ts"], { cwd: scratch, encoding: "utf8" });
      expect(out).toContain("f = 0.73, gradient: { w0: -0.2, w1: -0.39, w2: 0.2, x0: 0.39, x1: -0.59 }");
      const and = /AND: 0 0 -> ([\d.]+), 0 1 -> ([\d.]+), 1 0 -> ([\d.]+), 1 1 -> ([\d.]+)/.exec(out);
      expect(and, out).not.toBeNull();
      const [p00, p01, p10, p11] = and!.slice(1).map(Number);
      expect(Math.max(p00, p01, p10)).toBeLessThan(0.1);
      expect(p11).toBeGreaterThan(0.9);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe("examples/mlp.ts", () => {
  it("adc writes mlp.grad.ts, and train-mlp.ts learns XOR with it", () => {
    const scratch = fs.mkdtempSync(path.join(root, "test", "artifacts-"));
    try {
      for (const f of ["mlp.ts", "train-mlp.ts"]) fs.copyFileSync(path.join(root, "examples", f), path.join(scratch, f));
      const wrote = execFileSync(node, [adc, "mlp.ts"], { cwd: scratch, encoding: "utf8" });
      expect(wrote).toContain("wrote mlp.grad.ts (batchLossGrad, batchLossGradInto)");
      const out = execFileSync(node, [tsx, "train-mlp.ts"], { cwd: scratch, encoding: "utf8" });
      const losses = [...out.matchAll(/step \d+: loss ([\d.]+)/g)].map((m) => Number(m[1]));
      expect(losses.length, out).toBe(5);
      expect(losses[4]).toBeLessThan(losses[0] / 100);
      const xor = /XOR: 0 0 -> (-?[\d.]+), 0 1 -> (-?[\d.]+), 1 0 -> (-?[\d.]+), 1 1 -> (-?[\d.]+)/.exec(out);
      expect(xor, out).not.toBeNull();
      const [p00, p01, p10, p11] = xor!.slice(1).map(Number);
      expect(Math.max(Math.abs(p00), Math.abs(p11))).toBeLessThan(0.1);
      expect(Math.min(p01, p10)).toBeGreaterThan(0.9);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
