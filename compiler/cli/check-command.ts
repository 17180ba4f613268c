// `adc check FILE`: the gradient check, for every tagged function of a file. The file is
// compiled in memory (nothing is written); the original module and the generated one are
// loaded (TypeScript transpiled to CommonJS, "adc" and "adc/runtime" mapped to this package's
// runtime); each function is checked with the runtime's gradCheck (central differences of the
// original against the generated fGrad) at a few random points, and a table says, per
// parameter, the largest relative error and the verdict. Exit 1 when a check fails.
//
// The points: from `--at '<json>'` (the arguments), from a generator module (`--gen file.ts`
// exporting `<fn>Args(rng)`, or such an export of the checked file itself), or made from the
// parameters' types: numbers in [-1, 1], arrays of `--size` numbers (default 3), records field
// by field. A number used as an index (`s[y]`, labels `y[n]` in `s[y[n]]`) is an integer in
// [0, size). A point where f is not finite is drawn again, later from positive numbers.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";
import { Command, CommanderError } from "commander";
import ts from "typescript";
import * as api from "../../runtime/api.js";
import * as runtime from "../../runtime/index.js";
import { gradCheck, type GradCheckReport } from "../../runtime/grad-check.js";
import { Rng } from "../../runtime/init.js";
import { compileText, compileUnformatted, parse, type CompiledFunction } from "../index.js";
import { formatDiagnostic } from "../diagnostics/report.js";
import { gradName } from "../4-emit/to-ts.js";
import { opsOf, type Func, type Operand, type Shape, type ValueId } from "../ir/types.js";
import type { Io } from "./main.js";

interface Options {
  at?: string;
  gen?: string;
  points: string;
  size: string;
  seed: string;
  function?: string[];
  tolerance: string;
  maxEntries: string;
  timeout: string;
}

type Module = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

export async function run(argv: string[], io: Io): Promise<number> {
  const program = new Command()
    .name("adc check")
    .description(
      "Checks the gradient of each /** @differentiable */ function of <file> against central finite differences of the function, at random points, and prints a table.",
    )
    .argument("<file>", "a TypeScript file with @differentiable functions")
    .option("--at <json>", "the arguments to check at, as JSON: an array (one function), or an object of arrays by function name")
    .option("--gen <module>", "a module exporting <fn>Args(rng) for the functions, returning their arguments")
    .option("--points <n>", "random points per function", "3")
    .option("--size <n>", "the length of generated arrays", "3")
    .option("--seed <n>", "seed of the random points", "1")
    .option("-f, --function <names...>", "check only these functions")
    .option("--tolerance <x>", "the largest relative error that passes", "1e-4")
    .option("--max-entries <n>", "check at most this many numbers of each parameter (a random subset)", "200")
    .option("--timeout <ms>", "give up on a point after this many milliseconds (a loop that does not end there)", "5000")
    .exitOverride()
    .showHelpAfterError("(run adc check --help for the options)")
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .addHelpText(
      "after",
      `\nExamples:\n  adc check examples/mlp.ts\n  adc check circuit.ts --at '[-2, 5, -4]'\n  adc check model.ts --gen model.points.ts --points 10`,
    );
  let file: string;
  let opts: Options;
  try {
    program.parse(argv, { from: "user" });
    file = program.args[0];
    opts = program.opts<Options>();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const points = positiveInteger(opts.points, "--points", io);
  const size = positiveInteger(opts.size, "--size", io);
  const maxEntries = positiveInteger(opts.maxEntries, "--max-entries", io);
  const timeout = positiveInteger(opts.timeout, "--timeout", io);
  const tolerance = Number(opts.tolerance);
  if (points === undefined || size === undefined || maxEntries === undefined || timeout === undefined) return 2;
  if (!(tolerance > 0)) {
    io.err(`adc check: --tolerance must be a positive number, not '${opts.tolerance}'`);
    return 2;
  }

  const input = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(input, "utf8");
  } catch (e) {
    io.err(`${file}: error: cannot read the file: ${(e as Error).message}`);
    return 1;
  }
  const result = await compileText(input, text);
  for (const d of result.diagnostics) io.err(formatDiagnostic(d, file));
  if (result.diagnostics.length) return 1;
  if (!result.code) {
    io.out(`${file}: no @differentiable functions; nothing to check`);
    return 0;
  }
  let functions = result.functions;
  if (opts.function) {
    const unknown = opts.function.filter((n) => !functions.some((f) => f.name === n));
    if (unknown.length) {
      io.err(`adc check: ${file} has no tagged function ${unknown.map((n) => `'${n}'`).join(", ")}`);
      return 2;
    }
    functions = functions.filter((f) => opts.function!.includes(f.name));
  }

  let original: Module;
  let generated: Module;
  let generator: Module | undefined;
  let at: unknown;
  try {
    const loader = new Loader();
    original = loader.load(input);
    generated = loader.loadText(input.replace(/\.([cm]?ts)$/, ".grad.$1"), result.code);
    if (opts.gen) generator = loader.load(path.resolve(io.cwd, opts.gen));
    at = opts.at === undefined ? undefined : JSON.parse(opts.at);
  } catch (e) {
    io.err(`adc check: ${(e as Error).message}`);
    return 1;
  }
  if (at !== undefined && Array.isArray(at) && functions.length > 1) {
    io.err(
      `adc check: --at with an array gives the arguments of one function; ${file} has ${functions.length} (${functions.map((f) => f.name).join(", ")}): choose one with -f, or pass an object of arrays by function name`,
    );
    return 2;
  }

  const rng = new Rng(Number(opts.seed) >>> 0);
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const fn of functions) {
    const f = original[fn.name] as Fn | undefined;
    const fGrad = generated[gradName(fn.name)] as Fn;
    if (typeof f !== "function") {
      notes.push(`${fn.name}: not exported from ${file}, so it cannot be called; export it to check it`);
      rows.push({ fn: fn.name, param: "-", entries: 0, checked: 0, maxError: NaN, verdict: "not exported" });
      continue;
    }
    const names = fn.ir.params.map((p) => p.name);
    const given = at === undefined ? undefined : Array.isArray(at) ? at : (at as Record<string, unknown>)[fn.name];
    const made = generator?.[`${fn.name}Args`] ?? original[`${fn.name}Args`];
    const draw = (positive: boolean): unknown[] => {
      if (given !== undefined) return coerce(given as unknown[], fn);
      if (typeof made === "function") return (made as Fn)(rng) as unknown[];
      return randomArgs(fn, size, rng, positive);
    };
    const fixed = given !== undefined;
    const reports: GradCheckReport[] = [];
    let problem: string | undefined;
    let positive = false;
    let timeouts = 0;
    for (let k = 0; k < (fixed ? 1 : points) && timeouts < 2; k++) {
      // a point where f is finite: up to 20 draws, later ones of positive numbers (for log, sqrt, ...)
      for (let attempt = 0; attempt < (fixed ? 1 : 20) && timeouts < 2; attempt++) {
        if (attempt >= 10) positive = true;
        try {
          const args = draw(positive);
          const report = withTimeout(timeout, () => gradCheck(f, fGrad, args, { names, tolerance, maxEntries, seed: rng.int(2 ** 31) }));
          if (report.problem && !report.params.length) {
            problem = report.problem;
            continue;
          }
          reports.push(report);
          break;
        } catch (e) {
          const timedOut = /timed out/.test((e as Error).message);
          if (timedOut) {
            // a loop that does not end at this point (Newton's method on a negative number): try positive numbers
            timeouts++;
            positive = true;
          }
          problem = timedOut ? `it did not finish within ${timeout} ms at a generated point` : `it threw: ${(e as Error).message}`;
        }
      }
    }
    if (reports.length === 0) {
      rows.push({ fn: fn.name, param: "-", entries: 0, checked: 0, maxError: NaN, verdict: "no point" });
      notes.push(
        `${fn.name}: no point to check at (${problem}); give one with --at '<json>' or a generator (--gen, exporting ${fn.name}Args(rng))`,
      );
      continue;
    }
    for (const r of reports) if (r.problem) notes.push(`${fn.name}: ${r.problem}`);
    if (timeouts > 0)
      notes.push(
        `${fn.name}: a generated point did not finish within ${timeout} ms (a loop that does not end there?); checked at positive numbers`,
      );
    rows.push(...rowsOf(fn.name, reports));
  }

  const source = at !== undefined ? "at the point given" : opts.gen ? `at ${points} points from ${opts.gen}` : `at ${points} random points`;
  io.out(`adc check ${file}: adc's gradients against central differences, ${source}`);
  io.out("");
  io.out(table(rows));
  for (const n of notes) io.out(`\n${n}`);
  const failed = rows.filter((r) => r.verdict !== "ok");
  if (failed.length && /\bstopGradient\b/.test(text))
    io.out(
      `\nnote: ${file} uses stopGradient, which blocks gradient paths on purpose; central differences of the function see through it, so they differ there`,
    );
  io.out(
    `\n${failed.length === 0 ? "all gradients check" : `${failed.length} of ${rows.length} parameter${rows.length === 1 ? "" : "s"} failed`} (tolerance ${tolerance})`,
  );
  return failed.length === 0 ? 0 : 1;
}

interface Row {
  fn: string;
  param: string;
  entries: number;
  checked: number;
  maxError: number;
  verdict: string;
  worst?: string;
}

/** One row per parameter (per field of a record parameter), the worst over the points. */
function rowsOf(fn: string, reports: GradCheckReport[]): Row[] {
  const rows = new Map<string, Row>();
  for (const r of reports)
    for (const p of r.params) {
      const row = rows.get(p.name) ?? { fn, param: p.name, entries: p.entries, checked: 0, maxError: 0, verdict: "ok" };
      row.checked += p.checked;
      if (p.maxError >= row.maxError && p.worst)
        row.worst = `${p.worst.at}: adc ${p.worst.analytic.toPrecision(6)}, central differences ${p.worst.numeric.toPrecision(6)}`;
      row.maxError = Math.max(row.maxError, p.maxError);
      if (!p.ok) row.verdict = "FAILED";
      rows.set(p.name, row);
    }
  const out = [...rows.values()];
  if (reports.some((r) => r.problem)) out.forEach((r) => (r.verdict = "FAILED"));
  if (out.length === 0)
    out.push({ fn, param: "(none: no parameter is differentiated)", entries: 0, checked: 0, maxError: 0, verdict: "ok" });
  return out;
}

function table(rows: Row[]): string {
  const head = ["function", "parameter", "numbers", "checked", "max rel. error", "verdict"];
  const cells = rows.map((r) => [
    r.fn,
    r.param,
    String(r.entries),
    String(r.checked),
    Number.isNaN(r.maxError) ? "-" : r.maxError === 0 ? "0" : r.maxError.toExponential(1),
    r.verdict,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const right = [false, false, true, true, true, false];
  const line = (c: string[]) =>
    c
      .map((s, i) => (right[i] ? s.padStart(widths[i]) : s.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const out = [line(head)];
  rows.forEach((r, k) => {
    out.push(line(cells[k]));
    if (r.verdict === "FAILED" && r.worst) out.push(`  worst: ${r.worst}`);
  });
  return out.join("\n");
}

/** Arguments from the parameters' shapes: numbers in [-1, 1] (or [0.1, 2]), arrays of `size`, indices as integers below `size`. */
function randomArgs(fn: CompiledFunction, size: number, rng: Rng, positive: boolean): unknown[] {
  const indices = indexParams(fn.ir);
  const number = () => (positive ? rng.uniform(0.1, 2) : rng.uniform(-1, 1));
  const make = (shape: Shape, index: boolean): unknown => {
    if (shape.kind === "number") return index ? rng.int(size) : number();
    if (shape.kind === "record") return Object.fromEntries(shape.fields.map((f) => [f.name, make(f.shape, false)]));
    const n = shape.tuple ?? size;
    if (shape.container === "Float64Array") return Float64Array.from({ length: n }, () => make(shape.element, index) as number);
    if (shape.container === "Float32Array") return Float32Array.from({ length: n }, () => make(shape.element, index) as number);
    return Array.from({ length: n }, () => make(shape.element, index));
  };
  return fn.ir.params.map((p) => make(p.shape, indices.has(p.value)));
}

/**
 * The parameters whose numbers are used as indices: a number parameter (`s[y]`), or an array
 * parameter whose elements are (`s[y[n]]`), also through a local array literal (`[y0, y1][i]`).
 */
function indexParams(f: Func): Set<ValueId> {
  const defs = new Map<ValueId, { prim: string; args: Operand[] }>();
  for (const op of opsOf(f.body)) defs.set(op.result, op);
  const params = new Set(f.params.map((p) => p.value));
  const found = new Set<ValueId>();
  const root = (a: Operand, depth = 0): void => {
    if (a.kind !== "value" || depth > 8) return;
    if (params.has(a.id)) {
      found.add(a.id);
      return;
    }
    const def = defs.get(a.id);
    if (!def) return;
    if (def.prim === "index" || def.prim === "load" || def.prim === "field") root(def.args[0], depth + 1);
    else if (def.prim === "arrayLiteral") def.args.forEach((x) => root(x, depth + 1));
  };
  for (const op of opsOf(f.body)) if ((op.prim === "index" || op.prim === "load" || op.prim === "store") && op.args[1]) root(op.args[1]);
  return found;
}

/** JSON arguments in the containers the parameters declare (arrays become Float64Arrays where the type says so). */
function coerce(args: unknown[], fn: CompiledFunction): unknown[] {
  if (!Array.isArray(args) || args.length !== fn.ir.params.length)
    throw new Error(
      `--at for ${fn.name} must be an array of its ${fn.ir.params.length} arguments (${fn.ir.params.map((p) => p.name).join(", ")})`,
    );
  const to = (v: unknown, shape: Shape): unknown => {
    if (shape.kind === "number" || v === null || typeof v !== "object") return v;
    if (shape.kind === "record")
      return Object.fromEntries(shape.fields.map((f) => [f.name, to((v as Record<string, unknown>)[f.name], f.shape)]));
    const items = (v as unknown[]).map((x) => to(x, shape.element));
    if (shape.container === "Float64Array") return Float64Array.from(items as number[]);
    if (shape.container === "Float32Array") return Float32Array.from(items as number[]);
    return items;
  };
  return args.map((a, i) => to(a, fn.ir.params[i].shape));
}

/**
 * Loads TypeScript modules in-process: transpiled to CommonJS and evaluated with a require that
 * maps "adc" and "adc/runtime" to this package's runtime, compiles `./x.grad` imports from
 * `./x.ts` in memory, loads relative `.ts` imports the same way, and leaves the rest to Node.
 */
class Loader {
  private readonly cache = new Map<string, Module>();

  load(file: string): Module {
    const cached = this.cache.get(file);
    if (cached) return cached;
    return this.loadText(file, fs.readFileSync(file, "utf8"));
  }

  loadText(file: string, text: string): Module {
    const js = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const module = { exports: {} as Module };
    this.cache.set(file, module.exports);
    const nodeRequire = createRequire(file);
    const require = (name: string): unknown => {
      if (name === "adc") return api;
      if (name === "adc/runtime") return runtime;
      if (name.startsWith(".")) {
        const base = path.resolve(path.dirname(file), name.replace(/\.[cm]?js$/, ""));
        if (/\.grad$/.test(base)) return this.generated(base.replace(/\.grad$/, ".ts"));
        const ts = [`${base}.ts`, `${base}.mts`, `${base}.cts`, path.join(base, "index.ts"), base].find(
          (p) => /\.[cm]?ts$/.test(p) && fs.existsSync(p),
        );
        if (ts) return this.load(ts);
      }
      return nodeRequire(name);
    };
    new Function("exports", "require", "module", "__filename", "__dirname", js)(module.exports, require, module, file, path.dirname(file));
    this.cache.set(file, module.exports);
    return module.exports;
  }

  /** The generated module of another source file (a cross-file callee), compiled now. */
  private generated(source: string): Module {
    const target = source.replace(/\.ts$/, ".grad.ts");
    const cached = this.cache.get(target);
    if (cached) return cached;
    // compileText is asynchronous (prettier); the code before formatting is the same program
    return this.loadText(target, compileUnformattedSync(source));
  }
}

function compileUnformattedSync(source: string): string {
  const result = compileUnformatted(parse(source, fs.readFileSync(source, "utf8")));
  if (!result.code)
    throw new Error(`cannot compile ${source} for its gradients: ${result.diagnostics.map((d) => formatDiagnostic(d)).join("; ")}`);
  return result.code;
}

/**
 * Runs `f`, stopping it after `ms` milliseconds (node:vm's watchdog ends whatever JavaScript
 * runs inside the call, so a loop that never ends at a point cannot hang the command).
 */
function withTimeout<T>(ms: number, f: () => T): T {
  return vm.runInNewContext("run()", { run: f }, { timeout: ms }) as T;
}

function positiveInteger(text: string, option: string, io: Io): number | undefined {
  const n = Number(text);
  if (Number.isInteger(n) && n > 0) return n;
  io.err(`adc check: ${option} must be a positive whole number, not '${text}'`);
  return undefined;
}
