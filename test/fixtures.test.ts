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
import { argsFromJson, checkDomainEntry, isIntLeaf, listFixtures, samplePoint, type ArgValue, type Fixture } from "./helpers/fixtures.js";
import { loadFunctions, loadModule } from "./helpers/load.js";
import {
  EXACT_TOLERANCE,
  EXACT_TOLERANCE_F32,
  FD_TOLERANCE,
  FD_TOLERANCE_F32,
  centralDifferences,
  close,
  compareLeaves,
  containers,
  deepClone,
  describeMismatches,
  differencesExact,
  formatPath,
  getAt,
  kindOf,
  leaves,
  mapLeaves,
  rng,
  shapeDifferences,
  type LeafPath,
} from "./helpers/numeric.js";

// Parameters are numbers, number[] (any depth), Float64Array, Float32Array or records of these;
// gradients have the same shape (DESIGN.md, "The contract of generated code").
type Fn = (...args: unknown[]) => number;
type GradFn = (...args: unknown[]) => { value: number; grad: Record<string, unknown> };
type GradIntoFn = (...args: unknown[]) => number;
type Compiled = CompileResult["functions"][number];
// The interpreters take any JS values for the parameters and return the gradient record nested
// like the arguments (wrt parameters only); the casts keep this file independent of how their
// signatures spell that.
const runForward = interpret as unknown as (f: Compiled["ir"], args: unknown[]) => { value: number };
const runAdjoint = interpretAdjoint as unknown as (
  a: Compiled["adjoint"],
  args: unknown[],
) => { value: number; grad: Record<string, unknown> };

const fixtures = listFixtures();
const RANDOM_POINTS = 5;

/** An argument list for messages: numbers in full, typed arrays by name, long ones cut. */
function show(args: readonly unknown[]): string {
  const one = (v: unknown): string => {
    if (typeof v === "number") return String(v);
    if (Array.isArray(v)) return `[${v.map(one).join(", ")}]`;
    if (ArrayBuffer.isView(v)) return `${kindOf(v)}[${Array.from(v as unknown as ArrayLike<number>).join(", ")}]`;
    if (typeof v === "object" && v !== null)
      return `{ ${Object.entries(v)
        .map(([k, e]) => `${k}: ${one(e)}`)
        .join(", ")} }`;
    return String(v);
  };
  const text = args.map(one).join(", ");
  return `[${text.length > 300 ? `${text.slice(0, 300)}...` : text}]`;
}

interface Point {
  args: ArgValue[];
  /** "random point #2 [..]" or "known point #0 (note) [..]" */
  label: string;
}

describe.each(fixtures.filter((f) => f.kind === "gradient").map((f) => [f.name, f] as const))("%s", (_, fx: Fixture) => {
  let result: CompileResult;
  let generated: Record<string, unknown>;
  let original: Record<string, Fn>;
  const spec = fx.spec!;
  const names = Object.keys(spec.functions);

  beforeAll(async () => {
    result = await compileText("input.ts", fx.source);
    // the generated file imports the source for the derivatives the user wrote
    const source = loadModule(fx.source, "input.ts");
    if (result.code) generated = loadModule(result.code, "input.grad.ts", [], { "./input": source });
    original = loadFunctions(fx.source, names) as Record<string, Fn>;
    // the interpreters run those derivatives as JavaScript
    for (const fn of result.functions)
      for (const [callee, c] of fn.ir.callees ?? [])
        if (c.custom) c.js = { value: source[callee] as Fn, gradInto: source[c.custom.gradInto] as (...args: unknown[]) => number };
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
    const compiled = () => result.functions.find((f) => f.name === name)!;
    const wrtNames = () => compiled().adjoint.gradients.map((g) => g.param.name);
    const paramNames = () => compiled().ir.params.map((p) => p.name);
    // every call gets its own deep copy of the arguments: no function can disturb another's inputs
    const callGrad = (args: readonly unknown[], ...extra: unknown[]) => grad()(...deepClone([...args]), ...extra);
    const callOriginal = (args: readonly unknown[]) => original[name](...deepClone([...args]));
    const points = (): Point[] => {
      const next = rng(fx.name.length * 7919 + name.length);
      return Array.from({ length: RANDOM_POINTS }, (_, i) => {
        const args = samplePoint(fc.domain, next);
        return { args, label: `random point #${i} ${show(args)}` };
      });
    };
    const knownPoints = (): Point[] =>
      (fc.known ?? []).map((k, i) => {
        const args = argsFromJson(fc.domain, k.args, paramNames());
        return { args, label: `known point #${i}${k.note ? ` (${k.note})` : ""} ${show(args)}` };
      });
    /** What fGrad's `grad` must look like at args: the wrt parameters' values, by name. */
    const gradShape = (args: readonly ArgValue[]) => Object.fromEntries(wrtNames().map((p) => [p, args[paramNames().indexOf(p)]]));
    /** args path [i, ...rest] -> grad path [name of parameter i, ...rest] */
    const toGradPath = (p: LeafPath): LeafPath => [paramNames()[p[0] as number], ...p.slice(1)];

    it("has a case.json that fits its parameters", () => {
      const params = paramNames();
      expect(fc.domain.length, `${name}: one domain entry per parameter (${params.join(", ")})`).toBe(params.length);
      fc.domain.forEach((e, i) => checkDomainEntry(e, `${name} domain[${i}] (${params[i]})`));
      for (const [i, k] of (fc.known ?? []).entries()) {
        argsFromJson(
          fc.domain,
          k.args,
          params.map((p) => `${name} known[${i}].args ${p}`),
        );
        for (const p of Object.keys(k.grad ?? {}))
          expect(wrtNames(), `${name} known[${i}].grad.${p}: not a differentiated parameter`).toContain(p);
      }
    });

    if ((fc.known ?? []).length > 0)
      it("gives the known numbers", () => {
        const problems: string[] = [];
        knownPoints().forEach(({ args, label }, i) => {
          const k = fc.known![i];
          const tol = k.tol ?? 1e-3;
          const r = callGrad(args);
          if (k.value !== undefined && !(Math.abs(r.value - k.value) <= tol))
            problems.push(`value at ${label}: got ${r.value}, expected ${k.value} (tol ${tol})`);
          const expected = k.grad ?? {};
          const actual = Object.fromEntries(Object.keys(expected).map((p) => [p, r.grad[p]]));
          for (const line of describeMismatches(compareLeaves(actual, expected, { abs: tol, rel: 0 }), "grad", "got", "expected"))
            problems.push(`${line} at ${label} (tol ${tol})`);
        });
        expect(problems, `${name}: the known numbers`).toEqual([]);
      });

    it("returns its value, and gradients shaped like its parameters", () => {
      const problems: string[] = [];
      for (const { args, label } of [...points(), ...knownPoints()]) {
        const passed = deepClone(args);
        const r = grad()(...passed);
        const direct = callOriginal(args);
        if (!close(r.value, direct, 1e-12, 1e-12)) problems.push(`value at ${label}: adc ${r.value}, original ${direct}`);
        if (kindOf(r.grad) !== "object") {
          problems.push(`grad at ${label} is ${kindOf(r.grad)}, not an object`);
          continue;
        }
        for (const d of shapeDifferences(r.grad, gradShape(args), "grad")) problems.push(`${d} at ${label}`);
        // the gradient owns its containers: none is an argument, none appears twice
        const inputs = new Map<object, string>();
        passed.forEach((a, i) => containers(a).forEach((c) => inputs.set(c.value, formatPath(c.path, paramNames()[i]))));
        const seen = new Map<object, string>();
        for (const c of containers(r.grad).slice(1)) {
          const where = formatPath(c.path, "grad");
          if (inputs.has(c.value)) problems.push(`${where} is the argument ${inputs.get(c.value)} itself at ${label}`);
          if (seen.has(c.value)) problems.push(`${where} and ${seen.get(c.value)} are the same ${kindOf(c.value)} at ${label}`);
          seen.set(c.value, where);
        }
        // integer parameters (sizes, indices) have gradient exactly 0
        for (const l of leaves(args)) {
          if (!isIntLeaf(fc.domain, l.path) || !wrtNames().includes(paramNames()[l.path[0] as number])) continue;
          const g = getAt(r.grad, toGradPath(l.path));
          if (g !== 0)
            problems.push(`${formatPath(toGradPath(l.path), "grad")} at ${label}: ${String(g)}, but an integer parameter's gradient is 0`);
        }
      }
      expect(problems, `${name}Grad: value and gradient shape`).toEqual([]);
    });

    it("does not mutate its inputs (Grad and GradInto)", () => {
      const problems: string[] = [];
      for (const { args, label } of [...points(), ...knownPoints()]) {
        const check = (what: string, passed: ArgValue[]) =>
          passed.forEach((a, i) => {
            for (const d of differencesExact(a, args[i], paramNames()[i])) problems.push(`${what} changed its input ${d} at ${label}`);
          });
        const viaGrad = deepClone(args);
        grad()(...viaGrad);
        check(`${name}Grad`, viaGrad);
        const viaInto = deepClone(args);
        gradInto()(
          ...viaInto,
          mapLeaves(gradShape(args), () => 0),
          1,
        );
        check(`${name}GradInto`, viaInto);
      }
      expect(problems, `${name}: inputs are read-only`).toEqual([]);
    });

    if (fc.notFiniteDifferences) {
      it(`is checked by its known points (not by central differences: ${fc.notFiniteDifferences})`, () => {
        expect((fc.known ?? []).some((k) => k.grad && Object.keys(k.grad).length > 0)).toBe(true);
      });
    } else
      it("matches central differences of the original at random points", () => {
        const f = original[name];
        const wrt = new Set(wrtNames());
        const problems: string[] = [];
        for (const { args, label } of points()) {
          const r = callGrad(args);
          const direct = callOriginal(args);
          expect(close(r.value, direct, 1e-12, 1e-12), `value at ${label}: adc ${r.value}, original ${direct}`).toBe(true);
          expect(Object.keys(r.grad).sort()).toEqual([...wrt].sort());
          // every numeric leaf of every wrt parameter but the integer ones (checked to be 0 above)
          const skip = (p: LeafPath) => !wrt.has(paramNames()[p[0] as number]) || isIntLeaf(fc.domain, p);
          for (const d of centralDifferences(f, args, { skip })) {
            const at = toGradPath(d.path);
            const g = getAt(r.grad, at);
            const t = d.float32 ? FD_TOLERANCE_F32 : FD_TOLERANCE;
            if (typeof g !== "number" || !close(g, d.fd, t.abs, t.rel))
              problems.push(
                `d${name}/d${formatPath(at)} (${formatPath(at, "grad")}) at ${label}: adc ${String(g)}, central difference ${d.fd}`,
              );
          }
        }
        expect(problems, `${name}Grad vs central differences`).toEqual([]);
      });

    it("agrees with the IR interpreter (forward and adjoint)", () => {
      const fn = compiled();
      const problems: string[] = [];
      for (const { args, label } of [...points(), ...knownPoints()]) {
        const direct = callOriginal(args);
        const forward = runForward(fn.ir, deepClone(args)).value;
        if (!close(forward, direct, 1e-12, 1e-12))
          problems.push(`interpreter value at ${label}: interpreter ${forward}, original ${direct}`);
        const ir = runAdjoint(fn.adjoint, deepClone(args));
        const r = callGrad(args);
        const fromIR = Object.fromEntries(wrtNames().map((p) => [p, ir.grad[p]]));
        for (const line of describeMismatches(
          compareLeaves(r.grad, fromIR, EXACT_TOLERANCE, EXACT_TOLERANCE_F32),
          "grad",
          "emitted",
          "interpreter",
        ))
          problems.push(`${line} at ${label}`);
      }
      expect(problems, `${name}: interpreter vs emitted code`).toEqual([]);
    });

    it("scales by the seed, and GradInto adds into the record", () => {
      const [{ args, label }] = points();
      const base = callGrad(args);
      const seeded = callGrad(args, -2.5);
      expect(seeded.value).toBe(base.value);
      const problems: string[] = [];
      const scaled = mapLeaves(base.grad, (g) => -2.5 * g, "grad");
      for (const line of describeMismatches(
        compareLeaves(seeded.grad, scaled, EXACT_TOLERANCE, EXACT_TOLERANCE_F32),
        "grad",
        "seed -2.5",
        "-2.5 x seed 1",
      ))
        problems.push(`${line} at ${label}`);
      // the caller's record, every leaf 1, containers of the parameters' types: GradInto adds 2 g in place
      const record = mapLeaves(gradShape(args), () => 1);
      const before = containers(record);
      const value = gradInto()(...deepClone(args), record, 2);
      expect(value).toBe(base.value);
      for (const d of shapeDifferences(record, gradShape(args), "record")) problems.push(`GradInto left ${d}`);
      for (const c of before.slice(1))
        if (getAt(record, c.path) !== c.value)
          problems.push(`GradInto replaced the caller's ${formatPath(c.path, "record")} (${kindOf(c.value)}) instead of adding into it`);
      const expected = mapLeaves(base.grad, (g) => 1 + 2 * g, "grad");
      for (const line of describeMismatches(
        compareLeaves(record, expected, EXACT_TOLERANCE, EXACT_TOLERANCE_F32),
        "record",
        "GradInto",
        "1 + 2 g",
      ))
        problems.push(`${line} at ${label}`);
      expect(problems, `${name}: seed and GradInto`).toEqual([]);
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
