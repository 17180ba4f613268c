// Calls into another file adc processes: `import { sigmoid } from "./neuron"` where neuron.ts
// has @differentiable functions. compile() reads and compiles the imported file (here through
// the readFile hook, so the test needs no disk); the generated file imports the function from
// "./neuron" and its GradInto from "./neuron.grad". Checked against central differences of the
// original, and against the adjoint interpreter running the imported function's adjoint.
import { beforeAll, describe, expect, it } from "vitest";
import { compileText, type CompileResult } from "../compiler/index.js";
import { interpretAdjoint } from "../compiler/ir/interpret-adjoint.js";
import { loadModule } from "./helpers/load.js";

const NEURON = `/** @differentiable */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** @differentiable wrt(w) */
export function dot(w: number[], x: number[]): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * x[i];
  return s;
}
`;

const MODEL = `import { sigmoid, dot as inner } from "./neuron";

/** @differentiable wrt(w, b) */
export function neuronLoss(w: number[], b: number, x: number[], t: number): number {
  const y = sigmoid(inner(w, x) + b);
  return 0.5 * (y - t) * (y - t);
}
`;

const files: Record<string, string> = { "/project/neuron.ts": NEURON, "/project/model.ts": MODEL };
const readFile = (p: string) => files[p];

type Loss = (w: number[], b: number, x: number[], t: number) => number;
type LossGrad = (w: number[], b: number, x: number[], t: number) => { value: number; grad: { w: number[]; b: number } };

describe("calls into another file adc processes", () => {
  let model: CompileResult;
  let generated: Record<string, unknown>;
  let original: Loss;

  beforeAll(async () => {
    const neuron = await compileText("/project/neuron.ts", NEURON);
    model = await compileText("/project/model.ts", MODEL, { readFile });
    const neuronSource = loadModule(NEURON, "neuron.ts");
    const neuronGrad = loadModule(neuron.code!, "neuron.grad.ts");
    generated = loadModule(model.code ?? "", "model.grad.ts", [], { "./neuron": neuronSource, "./neuron.grad": neuronGrad });
    original = loadModule(MODEL, "model.ts", [], { "./neuron": neuronSource }).neuronLoss as Loss;
  });

  it("compiles, importing the function and its GradInto", () => {
    expect(model.diagnostics).toEqual([]);
    expect(model.code).toContain(`import { dot as inner, sigmoid } from "./neuron";`);
    expect(model.code).toContain(`import { dotGradInto, sigmoidGradInto } from "./neuron.grad";`);
  });

  it("matches central differences of the original, and the adjoint interpreter", () => {
    const grad = generated.neuronLossGrad as LossGrad;
    const points: [number[], number, number[], number][] = [
      [[0.3, -0.7, 1.1], 0.2, [1, 2, -0.5], 0.9],
      [[-1.2, 0.4, 0.05], -0.6, [0.3, -1, 2], 0.1],
    ];
    for (const [w, b, x, t] of points) {
      const r = grad(w, b, x, t);
      expect(r.value).toBe(original(w, b, x, t));
      const h = 1e-6;
      const central = (f: (e: number) => number) => (f(h) - f(-h)) / (2 * h);
      expect(r.grad.b).toBeCloseTo(
        central((e) => original(w, b + e, x, t)),
        8,
      );
      w.forEach((_, i) => {
        const at = (e: number) =>
          original(
            w.map((v, j) => (j === i ? v + e : v)),
            b,
            x,
            t,
          );
        expect(r.grad.w[i]).toBeCloseTo(central(at), 8);
      });
      const ir = interpretAdjoint(model.functions[0].adjoint, [w, b, x, t] as unknown as number[]);
      expect((ir.grad.w as unknown as number[]).map((v, i) => v - r.grad.w[i]).every((d) => Math.abs(d) < 1e-14)).toBe(true);
      expect(Math.abs(ir.grad.b - r.grad.b)).toBeLessThan(1e-14);
    }
  });

  it("reports an imported function that does not compile, at the import", async () => {
    const broken: Record<string, string> = {
      ...files,
      "/project/neuron.ts": NEURON.replace("return 1 / (1 + Math.exp(-z));", "var q = z;\n  return q;"),
    };
    const r = await compileText("/project/model.ts", MODEL, { readFile: (p) => broken[p] });
    expect(r.diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.message.slice(0, 8)}`)).toEqual(["1:10 ADC1061:"]);
  });

  it("leaves alone imports of files without tags, and files it cannot read", async () => {
    const plain = `import { helper } from "./plain";\nimport { other } from "./missing";\n/** @differentiable */\nexport function f(x: number): number {\n  return x * x;\n}\n`;
    const r = await compileText("/project/f.ts", plain, {
      readFile: (p) => (p === "/project/plain.ts" ? "export const helper = 1;" : undefined),
    });
    expect(r.diagnostics).toEqual([]);
  });
});
