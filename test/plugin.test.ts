// The build plugin, as a user runs it: tspc (ts-patch's tsc, no global install) builds
// examples/plugin-app, whose tsconfig lists { "transform": "adc/plugin" }; the output trains
// logistic regression with valueAndGrad and checks grad against central differences. Broken
// uses are TypeScript errors with their file and line; the output maps back to the sources.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.join(__dirname, "..");
const tspc = path.join(root, "node_modules", "ts-patch", "bin", "tspc.js");
// inside the package, so that `adc` resolves to it in the built output
const scratch = fs.mkdtempSync(path.join(root, "test", "artifacts-plugin-"));

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function build(project: string, outDir: string): { status: number; output: string } {
  const r = spawnSync(process.execPath, [tspc, "-p", project, "--outDir", outDir], { cwd: root, encoding: "utf8" });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

describe("the adc plugin (tspc)", () => {
  it("builds examples/plugin-app; the built program trains and its gradient matches central differences", () => {
    const out = path.join(scratch, "app");
    const { status, output } = build(path.join(root, "examples", "plugin-app"), out);
    expect(output).toBe("");
    expect(status).toBe(0);
    const run = execFileSync(process.execPath, [path.join(out, "train.js")], { encoding: "utf8" });
    const losses = [...run.matchAll(/step \d+: loss ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(losses.length, run).toBe(4);
    expect(losses[0]).toBeCloseTo(Math.log(2), 4); // w = 0, b = 0: every p = 1/2
    expect(losses[3]).toBeLessThan(losses[0] / 10);
    const diff = /max difference ([\d.e+-]+)/.exec(run);
    expect(diff, run).not.toBeNull();
    expect(Number(diff![1])).toBeLessThan(1e-7);
    expect(run).toContain("vjp: pullback(0.5) is half the gradient: true");
    // the call was compiled away: the built file holds the generated gradient, not a call of grad
    const js = fs.readFileSync(path.join(out, "train.js"), "utf8");
    expect(js).toContain("lossGradInto");
    expect(js).not.toMatch(/\bvalueAndGrad\)\(/);
    // and its source map points into model.ts, where the function came from
    const map = JSON.parse(fs.readFileSync(path.join(out, "train.js.map"), "utf8")) as { sources: string[] };
    expect(map.sources.some((s) => s.endsWith("model.ts"))).toBe(true);
  }, 60_000);

  it("reports what it cannot compile as TypeScript errors with file and line", () => {
    const dir = path.join(scratch, "broken");
    fs.mkdirSync(path.join(dir, "src"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "es2022",
          module: "node16",
          moduleResolution: "node16",
          strict: true,
          types: [],
          rootDir: "src",
          plugins: [{ transform: "adc/plugin" }],
        },
        include: ["src"],
      }),
    );
    fs.writeFileSync(
      path.join(dir, "src", "main.ts"),
      [
        `import { grad, valueAndGrad } from "adc";`,
        `export function old(x: number): number {`,
        `  var y = x * 2;`,
        `  return y;`,
        `}`,
        `export function two(x: number, y: number): number { return x * y; }`,
        `const fns = [(x: number) => x * x];`,
        `export const a = grad(old);`,
        `export const b = valueAndGrad(fns[0]);`,
        `export const c = grad(two, { wrt: [2] });`,
        ``,
      ].join("\n"),
    );
    const { status, output } = build(dir, path.join(scratch, "broken-out"));
    expect(status).not.toBe(0);
    const lines = output
      .trim()
      .split("\n")
      .map((l) => l.replace(/\r$/, ""));
    expect(lines).toEqual([
      expect.stringMatching(/^.*src\/main\.ts\(3,3\): error TS91017: adc: ADC1017: 'var' is not supported/),
      expect.stringMatching(
        /^.*src\/main\.ts\(9,31\): error TS91062: adc: ADC1062: valueAndGrad\(f\) needs f to name a function declared at the top level/,
      ),
      expect.stringMatching(
        /^.*src\/main\.ts\(10,28\): error TS91063: adc: ADC1063: cannot read the options: position 2 is not a parameter \(the function has 2\)/,
      ),
    ]);
  }, 60_000);
});
