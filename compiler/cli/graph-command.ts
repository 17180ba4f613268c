// `adc graph FILE --fn f --at '{"x":-2,"y":5,"z":-4}' -o out.svg|out.html|out.dot`: the
// computational graph of a tagged function at a point, each wire with its forward value and
// its gradient (compiler/5-graph). A thin shell: reads the file, compiles it for its IR,
// checks the point against the parameters, and writes the picture the extension asks for.
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { compile, parse } from "../index.js";
import { formatDiagnostic } from "../diagnostics/report.js";
import { draw, layoutSvg, toDot } from "../5-graph/index.js";
import { renderPage } from "../5-graph/page.js";
import type { Func, Shape } from "../ir/types.js";
import type { Io } from "./main.js";

interface Options {
  fn?: string;
  at?: string;
  out?: string;
  unroll: number;
}

const FORMATS = [".svg", ".html", ".dot"];

export async function run(argv: string[], io: Io): Promise<number> {
  const program = new Command()
    .name("adc graph")
    .description(
      "Draws the computational graph of a @differentiable function at a point: each wire with its forward value and its gradient.",
    )
    .argument("<file>", "a TypeScript file with @differentiable functions")
    .option("--fn <name>", "the function to draw (needed when the file has several)")
    .option("--at <json>", 'the point: the arguments by name, {"x": -2, "y": 5}, or in order, [-2, 5]')
    .option("-o, --out <file>", `where to write: ${FORMATS.map((f) => `*${f}`).join(", ")} (default: DOT on stdout)`)
    .option("--unroll <n>", "draw loops that run at most n times iteration by iteration (0: every loop is one node)", count, 0)
    .exitOverride()
    .showHelpAfterError("(run adc graph --help for the options)")
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .addHelpText(
      "after",
      `\nExamples:\n  adc graph circuit.ts --at '{"x":-2,"y":5,"z":-4}' -o circuit.svg\n  adc graph neuron.ts --fn neuron --at '[2,-3,-3,-1,-2]' -o neuron.html   steps through both passes`,
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
  const format = opts.out ? path.extname(opts.out).toLowerCase() : ".dot";
  if (!FORMATS.includes(format)) {
    io.err(`adc graph: -o ${opts.out}: write a ${FORMATS.join(", ")} file (the extension says which)`);
    return 2;
  }
  const input = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(input, "utf8");
  } catch (e) {
    io.err(
      `${file}: error: cannot read the file: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
    return 1;
  }
  const result = await compile(parse(input, text), { emit: false });
  for (const d of result.diagnostics) io.err(formatDiagnostic(d, file));
  if (result.diagnostics.length) return 1;
  const names = result.functions.map((f) => f.name);
  if (names.length === 0) {
    io.err(`adc graph: ${file} has no @differentiable functions`);
    return 1;
  }
  if (!opts.fn && names.length > 1) {
    io.err(`adc graph: ${file} has ${names.length} @differentiable functions (${names.join(", ")}): choose one with --fn`);
    return 2;
  }
  const fn = result.functions.find((f) => f.name === (opts.fn ?? names[0]));
  if (!fn) {
    io.err(`adc graph: ${file} has no @differentiable function '${opts.fn}' (it has ${names.join(", ")})`);
    return 1;
  }
  const args = pointOf(fn.ir, opts.at, io);
  if (!args) return 2;
  let drawing;
  try {
    drawing = draw(fn.ir, args, { unroll: opts.unroll });
  } catch (e) {
    io.err(`adc graph: cannot draw ${fn.name} at that point: ${(e as Error).message}`);
    return 1;
  }
  const dot = toDot(drawing.graph, { title: drawing.title });
  const output = format === ".dot" ? dot : format === ".svg" ? await layoutSvg(dot) : await renderPage(drawing);
  if (!opts.out) {
    io.out(output.trimEnd());
    return 0;
  }
  const target = path.resolve(io.cwd, opts.out);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, output);
  io.out(`wrote ${opts.out} (${drawing.title})`);
  return 0;
}

function count(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("a whole number, 0 or more");
  return n;
}

/** The arguments --at gives, in parameter order, each checked against its parameter's shape; undefined (said why) when they do not fit. */
function pointOf(func: Func, at: string | undefined, io: Io): unknown[] | undefined {
  const params = func.params.map((p) => p.name);
  if (at === undefined) {
    if (params.length === 0) return [];
    io.err(`adc graph: say where with --at, e.g. --at '{${params.map((p) => `"${p}": 1`).join(", ")}}'`);
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(at);
  } catch (e) {
    io.err(`adc graph: --at is not JSON: ${(e as Error).message}`);
    return undefined;
  }
  let args: unknown[];
  if (Array.isArray(parsed)) {
    if (parsed.length !== params.length) {
      io.err(`adc graph: --at gives ${parsed.length} values; ${func.name} takes ${params.length} (${params.join(", ")})`);
      return undefined;
    }
    args = parsed;
  } else if (typeof parsed === "object" && parsed !== null) {
    const record = parsed as Record<string, unknown>;
    const missing = params.filter((p) => !(p in record));
    const extra = Object.keys(record).filter((k) => !params.includes(k));
    if (missing.length || extra.length) {
      io.err(
        `adc graph: --at ${missing.length ? `lacks ${missing.map((m) => `'${m}'`).join(", ")}` : ""}${missing.length && extra.length ? " and " : ""}${extra.length ? `names ${extra.map((m) => `'${m}'`).join(", ")}, not a parameter of ${func.name}` : ""} (its parameters: ${params.join(", ")})`,
      );
      return undefined;
    }
    args = params.map((p) => record[p]);
  } else {
    io.err(`adc graph: --at must be an object by parameter name or an array in order, not ${at}`);
    return undefined;
  }
  for (const [k, p] of func.params.entries()) {
    const problem = fits(args[k], p.shape);
    if (problem) {
      io.err(`adc graph: --at: ${p.name}: ${problem}`);
      return undefined;
    }
    args[k] = typed(args[k], p.shape);
  }
  return args;
}

/** Why a JSON value does not fit a parameter's shape, or undefined when it does. */
function fits(v: unknown, shape: Shape): string | undefined {
  if (shape.kind === "number") return typeof v === "number" ? undefined : `expected a number, got ${JSON.stringify(v)}`;
  if (shape.kind === "array") {
    if (!Array.isArray(v)) return `expected an array, got ${JSON.stringify(v)}`;
    if (shape.tuple !== undefined && v.length !== shape.tuple) return `expected ${shape.tuple} elements, got ${v.length}`;
    for (const x of v) {
      const p = fits(x, shape.element);
      if (p) return p;
    }
    return undefined;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return `expected a record, got ${JSON.stringify(v)}`;
  for (const f of shape.fields) {
    if (!(f.name in v)) return `the field '${f.name}' is missing`;
    const p = fits((v as Record<string, unknown>)[f.name], f.shape);
    if (p) return `${f.name}: ${p}`;
  }
  return undefined;
}

/** JSON arrays as the parameter's container (Float64Array, Float32Array). */
function typed(v: unknown, shape: Shape): unknown {
  if (shape.kind === "array") {
    const xs = (v as unknown[]).map((x) => typed(x, shape.element));
    if (shape.container === "Float64Array") return Float64Array.from(xs as number[]);
    if (shape.container === "Float32Array") return Float32Array.from(xs as number[]);
    return xs;
  }
  if (shape.kind === "record")
    return Object.fromEntries(shape.fields.map((f) => [f.name, typed((v as Record<string, unknown>)[f.name], f.shape)]));
  return v;
}
