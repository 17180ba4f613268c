// What the loops of generated code keep, counted: so storage cannot silently grow. For the
// Euler fixture, per step the reverse sweep needs x (for x*x and the branch's partial), g (for
// a*g) and, on the tanh branch, tanh(x - 1). The branch decision x > 1 is recomputed from x
// (no bit), and everything else (b*x, a*g - b*x*x, …) from those values, not stored. After a
// call every stack is empty again.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileText } from "../compiler/index.js";
import { loadFunctions, loadModule } from "./helpers/load.js";

interface Stack {
  length: number;
  peak: number;
  peakBytes: number;
  resetPeak(): void;
}

const dir = path.join(__dirname, "..", "fixtures", "control-flow", "euler-integration");
const source = fs.readFileSync(path.join(dir, "input.ts"), "utf8");

describe("the Euler loop's value stacks", () => {
  let stacks: Record<string, Stack>;
  let eulerGrad: (...args: number[]) => { value: number; grad: Record<string, number> };
  let euler: (...args: number[]) => number;

  beforeAll(async () => {
    const generated = loadModule((await compileText("input.ts", source)).code!, "input.grad.ts");
    stacks = generated.eulerGradStacks as Record<string, Stack>;
    eulerGrad = generated.eulerGrad as typeof eulerGrad;
    euler = loadFunctions(source, ["euler"]).euler;
  });

  it("are exactly: x, g and tanh(x - 1) per step; the branch is decided again from x", () => {
    expect(Object.keys(stacks).sort()).toEqual(["stack_g", "stack_t4", "stack_x"]);
  });

  it("hold one entry per step (tanh only on the steps that take its branch), and are empty after the call", () => {
    const steps = 12;
    // a = 3 pushes x above 1 after a few steps: both branches are taken
    const args = [3, 0.5, 0.2, 0.1, steps];
    let x = args[2];
    let above = 0;
    for (let i = 0; i < steps; i++) {
      if (x > 1) above++;
      const g = x > 1 ? Math.sin(1) + Math.cos(1) * Math.tanh(x - 1) : Math.sin(x);
      x = x + args[3] * (args[0] * g - args[1] * x * x);
    }
    expect(above).toBeGreaterThan(0);
    expect(above).toBeLessThan(steps);
    for (const s of Object.values(stacks)) s.resetPeak();
    const r = eulerGrad(...args);
    expect(r.value).toBe(euler(...args));
    expect(stacks.stack_x.peak).toBe(steps);
    expect(stacks.stack_g.peak).toBe(steps);
    expect(stacks.stack_t4.peak).toBe(above);
    // 8 bytes per stored value
    const bytes = Object.values(stacks).reduce((sum, s) => sum + s.peakBytes, 0);
    expect(bytes).toBe(8 * (2 * steps + above));
    for (const [name, s] of Object.entries(stacks)) expect(s.length, `${name} after the call`).toBe(0);
  });
});
