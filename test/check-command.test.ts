// `adc check FILE`: the gradient check of every tagged function of a file, in-process (the
// subcommand's run()) on files in a scratch folder, and once through the real binary.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../compiler/cli/check-command.js";

const root = path.join(__dirname, "..");
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "adc-check-"));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function check(files: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd: dir });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** The table's rows: function, parameter, numbers, checked, error, verdict. */
function rows(out: string): string[][] {
  const lines = out.split("\n");
  const start = lines.findIndex((l) => l.startsWith("function"));
  const body: string[][] = [];
  for (const l of lines.slice(start + 1)) {
    if (l === "") break;
    if (!l.startsWith("  ")) body.push(l.trim().split(/\s{2,}/));
  }
  return body;
}

const MODEL = `
export interface Layer { W: number[][]; b: number[] }

/** The multiclass hinge loss of one example; y is a label, an index into the scores. */
/** @differentiable wrt(s) */
export function hinge(s: number[], y: number): number {
  let L = 0;
  for (let j = 0; j < s.length; j++) {
    if (j === y) continue;
    L += Math.max(0, s[j] - s[y] + 1);
  }
  return L;
}

/** @differentiable wrt(p) */
export function layerLoss(p: Layer, X: number[][], labels: number[]): number {
  const s = new Array(p.b.length).fill(0);
  let L = 0;
  for (let n = 0; n < X.length; n++) {
    for (let c = 0; c < p.b.length; c++) {
      let z = p.b[c];
      for (let k = 0; k < X[n].length; k++) z += p.W[c][k] * X[n][k];
      s[c] = Math.tanh(z);
    }
    L += -s[labels[n]];
  }
  return L;
}
`;

describe("adc check", () => {
  it("checks every tagged function at random points, one row per parameter field, and exits 0", async () => {
    const r = await check({ "model.ts": MODEL }, "model.ts");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("adc check model.ts: adc's gradients against central differences, at 3 random points");
    // labels and y are used as indices: drawn as integers in [0, 3), so every point is valid
    expect(rows(r.out).map((c) => [c[0], c[1], c[2], c[3], c[5]])).toEqual([
      ["hinge", "s", "3", "9", "ok"],
      ["layerLoss", "p.W", "9", "27", "ok"],
      ["layerLoss", "p.b", "3", "9", "ok"],
    ]);
    for (const c of rows(r.out)) expect(Number(c[4])).toBeLessThan(1e-6);
    expect(r.out).toMatch(/all gradients check \(tolerance 0\.0001\)$/);
  });

  it("fails, exit 1, on a wrong derivative the user supplied, and shows the worst number", async () => {
    const wrong = `
export function cube(x: number): number {
  return x * x * x;
}

/** @derivativeOf cube */
export function cubeGradInto(x: number, grad: { x: number }, seed = 1): number {
  grad.x += seed * 2 * x * x; // should be 3 x^2
  return cube(x);
}

/** @differentiable */
export function f(x: number, y: number): number {
  return cube(x) + 2 * y;
}
`;
    const r = await check({ "wrong.ts": wrong }, "wrong.ts", "--at", "[2, 1]");
    expect(r.code).toBe(1);
    expect(r.out).toContain("adc check wrong.ts: adc's gradients against central differences, at the point given");
    const [x, y] = rows(r.out);
    expect(x).toEqual(["f", "x", "1", "1", expect.stringMatching(/e-1$/), "FAILED"]);
    expect(y[5]).toBe("ok");
    // at x = 2: adc 2 * 4 = 8, central differences 3 * 4 = 12
    expect(r.out).toMatch(/ {2}worst: x: adc 8\.00000, central differences 12\.0000/);
    expect(r.out).toMatch(/1 of 2 parameters failed/);
  });

  it("--at: an array for one function (coerced to Float64Array where the type says), an object by name for several", async () => {
    const typed = `/** @differentiable */\nexport function norm(v: Float64Array): number {\n  let s = 0;\n  for (let i = 0; i < v.length; i++) s += v[i] * v[i];\n  return Math.sqrt(s);\n}\n`;
    const one = await check({ "typed.ts": typed }, "typed.ts", "--at", "[[3, 4]]");
    expect(one.code).toBe(0);
    expect(rows(one.out)).toEqual([["norm", "v", "2", "2", expect.any(String), "ok"]]);
    const several = await check({ "model.ts": MODEL }, "model.ts", "--at", '{"hinge": [[1, 2, 0.5], 0]}');
    expect(several.code).toBe(0);
    expect(rows(several.out).map((c) => c[0])).toEqual(["hinge", "layerLoss", "layerLoss"]);
    const wrongArity = await check({ "typed.ts": typed }, "typed.ts", "--at", "[1, 2]");
    expect(wrongArity.code).toBe(1);
    expect(wrongArity.out).toContain("--at for norm must be an array of its 1 arguments (v)");
    const ambiguous = await check({ "model.ts": MODEL }, "model.ts", "--at", "[[1], 0]");
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toContain("choose one with -f, or pass an object of arrays by function name");
  });

  it("--gen: a module exporting <fn>Args(rng) gives the points; -f picks functions", async () => {
    const gen = `import type { Rng } from "adc/runtime";\nexport function layerLossArgs(rng: Rng) {\n  const row = () => [rng.normal(), rng.normal()];\n  return [{ W: [row(), row(), row(), row()], b: [0, 0, 0, 0] }, [row(), row()], [3, 1]];\n}\n`;
    const r = await check({ "model.ts": MODEL, "points.ts": gen }, "model.ts", "--gen", "points.ts", "-f", "layerLoss", "--points", "2");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("at 2 points from points.ts");
    expect(rows(r.out).map((c) => [c[1], c[2], c[3]])).toEqual([
      ["p.W", "8", "16"],
      ["p.b", "4", "8"],
    ]);
  });

  it("draws again where f is not finite, and stops a point whose loop never ends (then uses positive numbers)", async () => {
    const newton = `/** @differentiable */\nexport function newtonSqrt(a: number): number {\n  let x = 0.5 * (a + 1);\n  while (true) {\n    const next = 0.5 * (x + a / x);\n    if (Math.abs(next - x) < 1e-12 * next) return next;\n    x = next;\n  }\n}\n\n/** @differentiable */\nexport function logOf(x: number): number {\n  return Math.log(x);\n}\n`;
    const r = await check({ "newton.ts": newton }, "newton.ts", "--timeout", "300", "--seed", "3");
    expect(r.code).toBe(0);
    expect(rows(r.out).map((c) => [c[0], c[5]])).toEqual([
      ["newtonSqrt", "ok"],
      ["logOf", "ok"],
    ]);
  });

  it("follows imports: a tagged function from another file, and the runtime", async () => {
    const layers = `/** @differentiable */\nexport function dot(w: number[], x: number[]): number {\n  let s = 0;\n  for (let i = 0; i < w.length; i++) s += w[i] * x[i];\n  return s;\n}\n`;
    const net = `import { dot } from "./layers";\nimport { stopGradient } from "adc";\n/** @differentiable wrt(w) */\nexport function score(w: number[], x: number[]): number {\n  return Math.tanh(dot(w, x)) + 0 * stopGradient(1);\n}\n`;
    const r = await check({ "layers.ts": layers, "net.ts": net }, "net.ts");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(rows(r.out)).toEqual([["score", "w", "3", "9", expect.any(String), "ok"]]);
  });

  it("says what it cannot check: functions not exported, files with errors or without tags, bad options", async () => {
    const hidden = `/** @differentiable */\nfunction inner(x: number): number {\n  return x * x;\n}\n`;
    const r = await check({ "hidden.ts": hidden }, "hidden.ts");
    expect(r.code).toBe(1);
    expect(r.out).toContain("inner: not exported from hidden.ts, so it cannot be called; export it to check it");
    const bad = await check(
      { "bad.ts": `/** @differentiable */\nexport function f(x: number): number {\n  var y = x;\n  return y;\n}\n` },
      "bad.ts",
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^bad\.ts:3:3: error ADC\d+/);
    const none = await check({ "plain.ts": "export const x = 1;\n" }, "plain.ts");
    expect(none).toEqual({ code: 0, out: "plain.ts: no @differentiable functions; nothing to check", err: "" });
    expect((await check({}, "model.ts", "--points", "0")).code).toBe(2);
    expect((await check({}, "model.ts", "-f", "nope")).err).toContain("model.ts has no tagged function 'nope'");
  });

  it("runs from the command line: node bin/adc.js check", async () => {
    fs.writeFileSync(path.join(dir, "cli.ts"), MODEL);
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(root, "bin", "adc.js"), "check", "cli.ts", "-f", "hinge"],
        { cwd: dir, encoding: "utf8" },
        (e, stdout) => resolve({ code: e ? Number(e.code) : 0, stdout }),
      );
    });
    expect(result.code).toBe(0);
    expect(rows(result.stdout)).toEqual([["hinge", "s", "3", "9", expect.any(String), "ok"]]);
  });
});
