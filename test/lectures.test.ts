// The lectures' first exercise, intuition for gradient updates, checked on adc's gradient of
// f = (x + y) * z at x = -2, y = 5, z = -4 (f = -12, gradient (-4, -4, 3)):
//   "What happens to f when we add 2 to z?"   z + 2 -> f + 2 * 3  = f + 6
//   "How can we adjust x so that f is -16?"   x + 1 -> f + 1 * -4 = f - 4
//   "How can we adjust y so that f is 0?"     y - 3 -> f - 3 * -4 = f + 12
// f is linear in each input alone, so the gradient's prediction is exact here.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileText } from "../compiler/index.js";
import { loadFunctions, loadModule } from "./helpers/load.js";

const source = fs.readFileSync(path.join(__dirname, "..", "fixtures", "lectures", "add-mul-circuit", "input.ts"), "utf8");
type Grad = (x: number, y: number, z: number) => { value: number; grad: { x: number; y: number; z: number } };

describe("the lecture's vary-the-inputs exercise", () => {
  let addMulGrad: Grad;
  let addMul: (x: number, y: number, z: number) => number;
  beforeAll(async () => {
    addMulGrad = loadModule((await compileText("input.ts", source)).code!).addMulGrad as Grad;
    addMul = loadFunctions(source, ["addMul"]).addMul;
  });

  const cases: [string, [number, number, number], number][] = [
    ["add 2 to z: f + 6", [0, 0, 2], -6],
    ["add 1 to x: f - 4, so f = -16", [1, 0, 0], -16],
    ["take 3 from y: f + 12, so f = 0", [0, -3, 0], 0],
  ];
  it.each(cases)("%s", (_, [dx, dy, dz], expected) => {
    const { value, grad } = addMulGrad(-2, 5, -4);
    const predicted = value + grad.x * dx + grad.y * dy + grad.z * dz;
    // (toEqual: 0 * -4 is -0, and -0 is the lecture's 0)
    expect(predicted).toEqual(expected);
    expect(addMul(-2 + dx, 5 + dy, -4 + dz) + 0).toEqual(expected);
  });
});
