// Every fixture, end to end: compile input.ts, compare with the file snapshot, then check the
// generated gradient against things independent of it — the lectures' numbers, central
// differences of the original function, and the IR interpreter — and type-check it.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { compileText, type CompileResult } from "../compiler/index.js";
import { formatDiagnostic } from "../compiler/diagnostics/report.js";
import { interpret } from "../compiler/ir/interpret.js";
import { interpretAdjoint } from "../compiler/ir/interpret-adjoint.js";
import { printFunc } from "../compiler/ir/print.js";
import { listFixtures, type Fixture } from "./helpers/fixtures.js";
import { loadFunctions, loadModule } from "./helpers/load.js";
import { centralDifference, close, rng, uniform } from "./helpers/numeric.js";

type GradFn = (...args: number[]) => { value: number; grad: Record<string, number> };
type GradIntoFn = (...args: unknown[]) => number;

const fixtures = listFixtures();
const RANDOM_POINTS = 5;

describe.each(fixtures.filter((f) => f.kind === "gradient").map((f) => [f.name, f] as const))("%s", (_, fx: Fixture) => {
  let result: CompileResult;
  let generated: Record<string, unknown>;
  let original: Record<string, (...args: number[]) => number>;
  const spec = fx.spec!;
  const names = Object.keys(spec.functions);

  beforeAll(async () => {
    result = await compileText("input.ts", fx.source);
    if (result.code) generated = loadModule(result.code, "input.grad.ts");
    original = loadFunctions(fx.source, names);
  });

  it("compiles without diagnostics, to its snapshot", async () => {
    expect(result.diagnostics.map((d) => formatDiagnostic(d))).toEqual([]);
    expect(result.functions.map((f) => f.name).sort()).toEqual([...names].sort());
    await expect(result.code).toMatchFileSnapshot(path.join(fx.dir, "expected.grad.ts"));
  });

  // a few fixtures also pin the IR after analysis (the phase a reader checks first)
  if (fs.existsSync(path.join(fx.dir, "expected.ir.txt")))
    it("has the expected analysed IR", async () => {
      const text =
        result.functions.map((f) => printFunc(f.ir, { active: f.analysed.activity.active, reads: f.analysed.reads })).join("\n\n") + "\n";
      await expect(text).toMatchFileSnapshot(path.join(fx.dir, "expected.ir.txt"));
    });

  describe.each(names)("%s", (name) => {
    const fc = spec.functions[name];
    const grad = () => generated[`${name}Grad`] as GradFn;
    const gradInto = () => generated[`${name}GradInto`] as GradIntoFn;
    const wrtNames = () => result.functions.find((f) => f.name === name)!.adjoint.gradients.map((g) => g.param.name);
    const paramNames = () => result.functions.find((f) => f.name === name)!.ir.params.map((p) => p.name);
    const points = () => {
      const next = rng(fx.name.length * 7919 + name.length);
      return Array.from({ length: RANDOM_POINTS }, () => fc.domain.map(([lo, hi]) => uniform(next, lo, hi)));
    };

    if ((fc.known ?? []).length > 0)
      it("gives the known numbers", () => {
        for (const k of fc.known ?? []) {
          const tol = k.tol ?? 1e-3;
          const r = grad()(...k.args);
          if (k.value !== undefined) expect(Math.abs(r.value - k.value), `value at ${k.args} (${k.note ?? ""})`).toBeLessThanOrEqual(tol);
          for (const [p, g] of Object.entries(k.grad ?? {})) {
            expect(
              Math.abs(r.grad[p] - g),
              `grad.${p} at ${k.args}: got ${r.grad[p]}, expected ${g} (${k.note ?? ""})`,
            ).toBeLessThanOrEqual(tol);
          }
        }
      });

    if (fc.notFiniteDifferences) {
      it(`is checked by its known points (not by central differences: ${fc.notFiniteDifferences})`, () => {
        expect((fc.known ?? []).some((k) => k.grad && Object.keys(k.grad).length > 0)).toBe(true);
      });
    } else
      it("matches central differences of the original at random points", () => {
        const f = original[name];
        for (const args of points()) {
          const r = grad()(...args);
          expect(close(r.value, f(...args), 1e-12, 1e-12), `value at ${args}`).toBe(true);
          expect(Object.keys(r.grad).sort()).toEqual([...wrtNames()].sort());
          paramNames().forEach((p, i) => {
            if (!wrtNames().includes(p)) return;
            const fd = centralDifference(f, args, i);
            expect(close(r.grad[p], fd), `d${name}/d${p} at [${args}]: adc ${r.grad[p]}, central difference ${fd}`).toBe(true);
          });
        }
      });

    it("agrees with the IR interpreter (forward and adjoint)", () => {
      const fn = result.functions.find((x) => x.name === name)!;
      for (const args of points()) {
        const direct = original[name](...args);
        expect(close(interpret(fn.ir, args).value, direct, 1e-12, 1e-12), `interpreter value at ${args}`).toBe(true);
        const ir = interpretAdjoint(fn.adjoint, args);
        const r = grad()(...args);
        for (const p of wrtNames())
          expect(close(ir.grad[p], r.grad[p], 1e-12, 1e-12), `grad.${p}: interpreter ${ir.grad[p]}, emitted ${r.grad[p]}`).toBe(true);
      }
    });

    it("scales by the seed, and GradInto adds into the record", () => {
      const [args] = points();
      const base = grad()(...args);
      const seeded = grad()(...args, -2.5);
      expect(seeded.value).toBe(base.value);
      const record = Object.fromEntries(wrtNames().map((p) => [p, 1]));
      const value = gradInto()(...args, record, 2);
      expect(value).toBe(base.value);
      for (const p of wrtNames()) {
        expect(close(seeded.grad[p], -2.5 * base.grad[p], 1e-12, 1e-12)).toBe(true);
        expect(close(record[p], 1 + 2 * base.grad[p], 1e-12, 1e-12)).toBe(true);
      }
    });
  });
});

describe.each(fixtures.filter((f) => f.kind === "error").map((f) => [f.name, f] as const))("%s", (_, fx: Fixture) => {
  it("is rejected with its diagnostics, and nothing is generated", async () => {
    const result = await compileText(path.join(fx.dir, "input.ts"), fx.source);
    expect(result.code).toBeUndefined();
    expect(result.diagnostics.length).toBeGreaterThan(0);
    const text = result.diagnostics.map((d) => formatDiagnostic(d, "input.ts")).join("\n") + "\n";
    await expect(text).toMatchFileSnapshot(path.join(fx.dir, "expected.errors.txt"));
  });
});

describe("generated code", () => {
  it("type-checks under tsc --strict (every expected.grad.ts at once)", () => {
    // (a fixture without its expected.grad.ts fails its snapshot test instead)
    const files = fixtures
      .filter((f) => f.kind === "gradient")
      .map((f) => path.join(f.dir, "expected.grad.ts"))
      .filter((p) => fs.existsSync(p));
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts"],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
      skipLibCheck: true,
      noUnusedLocals: true,
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) => ts.flattenDiagnosticMessageText(d.messageText, "\n") + (d.file ? ` (${path.relative(process.cwd(), d.file.fileName)})` : ""),
      );
    expect(diagnostics).toEqual([]);
  });
});
