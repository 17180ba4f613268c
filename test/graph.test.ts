// adc graph (compiler/5-graph): the lectures' pictures carry the lectures' numbers; the graph's
// engine agrees with the IR interpreters on every fixture (values with interpret, gradients
// with interpretAdjoint), and so does the rule table printed as JavaScript for the HTML page;
// loops fold or unroll; the command's options and errors.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main, type Io } from "../compiler/cli/main.js";
import { compileText } from "../compiler/index.js";
import { draw, layoutSvg, toDot } from "../compiler/5-graph/index.js";
import { backpropTrace, traceProgram, type Prims } from "../compiler/5-graph/engine.js";
import { nodePrims, primsSource } from "../compiler/5-graph/prims.js";
import { toProgram } from "../compiler/5-graph/program.js";
import { interpret } from "../compiler/ir/interpret.js";
import { interpretAdjoint } from "../compiler/ir/interpret-adjoint.js";
import { argsFromJson, FIXTURES, listFixtures } from "./helpers/fixtures.js";
import { compareLeaves } from "./helpers/numeric.js";

async function compiled(fixture: string, fn: string) {
  const file = path.join(FIXTURES, fixture, "input.ts");
  const r = await compileText(file, fs.readFileSync(file, "utf8"));
  const f = r.functions.find((x) => x.name === fn);
  if (!f) throw new Error(`${fixture} has no ${fn}`);
  return f;
}

/** Each wire's two labels in the SVG (value, gradient), by the wire's id. */
function wireLabels(svg: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of svg.matchAll(/<g id="e_([^"]+)" class="edge">([\s\S]*?)<\/g>/g))
    out.set(
      m[1],
      [...m[2].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]),
    );
  return out;
}

/** The labels of the wire from the input `from` (a parameter's name) or into the output ("out"). */
function labelsOf(d: ReturnType<typeof draw>, svg: string, from: string): string[] {
  const labels = wireLabels(svg);
  const node = d.graph.nodes.find((n) => n.name === from && n.kind === "input");
  const edge = from === "out" ? d.graph.edges.find((e) => e.to === "out") : d.graph.edges.find((e) => e.from === node?.id);
  if (!edge) throw new Error(`no wire from ${from}`);
  return labels.get(edge.id)!;
}

function io(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: (s) => lines.push(s), err: (s) => errors.push(s), cwd: path.join(__dirname, ".."), lines, errors };
}

describe("the lectures' pictures", () => {
  it("(x + y) * z at (-2, 5, -4): -12 at the output, gradients -4, -4, 3 on the inputs", async () => {
    const f = await compiled("lectures/add-mul-circuit", "addMul");
    const d = draw(f.ir, [-2, 5, -4]);
    const svg = await layoutSvg(toDot(d.graph, { title: d.title }));
    expect(labelsOf(d, svg, "x")).toEqual(["-2", "-4"]);
    expect(labelsOf(d, svg, "y")).toEqual(["5", "-4"]);
    expect(labelsOf(d, svg, "z")).toEqual(["-4", "3"]);
    expect(labelsOf(d, svg, "out")).toEqual(["-12", "1"]);
    // q = x + y = 3 carries df/dq = z = -4 (mul switches)
    const q = d.graph.edges.find((e) => e.source && d.graph.nodes.find((n) => n.id === e.from)?.name === "q")!;
    expect(wireLabels(svg).get(q.id)).toEqual(["3", "-4"]);
    // the gates, as the slides draw them
    expect(d.graph.nodes.filter((n) => n.kind === "gate").map((n) => n.label)).toEqual(["+", "*"]);
    expect(svg).toContain("addMul(x = -2, y = 5, z = -4) = -12");
  });

  it("the sigmoid neuron at w = (2, -3, -3), x = (-1, -2): 0.73, dw = (-0.20, -0.39, 0.20), dx = (0.39, -0.59)", async () => {
    const f = await compiled("lectures/sigmoid-neuron", "neuron");
    const d = draw(f.ir, [2, -3, -3, -1, -2]);
    const svg = await layoutSvg(toDot(d.graph, { title: d.title }));
    expect(labelsOf(d, svg, "w0")).toEqual(["2", "-0.20"]);
    expect(labelsOf(d, svg, "w1")).toEqual(["-3", "-0.39"]);
    expect(labelsOf(d, svg, "w2")).toEqual(["-3", "0.20"]);
    expect(labelsOf(d, svg, "x0")).toEqual(["-1", "0.39"]);
    expect(labelsOf(d, svg, "x1")).toEqual(["-2", "-0.59"]);
    expect(labelsOf(d, svg, "out")).toEqual(["0.73", "1"]);
    // the chain along the gates, as on the slide: *-1, exp, +1, 1/x
    expect(d.graph.nodes.filter((n) => n.kind === "gate").map((n) => n.label)).toEqual(["*", "*", "+", "+", "*-1", "exp", "+1", "1/x"]);
    const along = [...wireLabels(svg).values()].map((l) => l.join(" "));
    for (const pair of ["4 0.20", "1 0.20", "-1 -0.20", "0.37 -0.53", "1.37 -0.53"]) expect(along).toContain(pair);
    // inputs top to bottom in the order the graph reads them: w0, x0, w1, x1, w2
    expect(d.graph.nodes.filter((n) => n.kind === "input").map((n) => n.name)).toEqual(["w0", "x0", "w1", "x1", "w2"]);
  });

  it("gradients add at a branch: exp(u1 + u1²) shows the sum beside u1", async () => {
    const f = await compiled("lectures/exp-paths", "expPaths");
    const d = draw(f.ir, [-1.2]);
    const dot = toDot(d.graph, { title: d.title });
    expect(dot).toContain("Σ -1.78");
    expect(d.graph.edges.filter((e) => e.from === "p0")).toHaveLength(2);
  });
});

describe("the graph's engine agrees with the IR interpreters on every fixture", () => {
  // the page's rule table: the same templates, printed as JavaScript
  const fixtures = listFixtures().filter((f) => f.kind === "gradient");
  for (const fx of fixtures) {
    it(fx.name, async () => {
      const r = await compileText(path.join(fx.dir, "input.ts"), fx.source);
      const pagePrims = new Function(`return ${primsSource(r.functions.map((f) => toProgram(f.ir)))};`)() as Prims;
      let checked = 0;
      for (const fn of r.functions) {
        const spec = fx.spec!.functions[fn.name];
        if (!spec?.known?.length || [...(fn.ir.callees?.values() ?? [])].some((c) => !c.func)) continue;
        for (const known of spec.known) {
          const args = argsFromJson(
            spec.domain,
            known.args,
            fn.ir.params.map((p) => p.name),
          );
          const program = toProgram(fn.ir);
          const trace = traceProgram(program, args, nodePrims);
          const bp = backpropTrace(trace, nodePrims);
          const ref = interpret(fn.ir, args as number[]); // (arrays and records ride in the number slots)
          expect(trace.value).toBe(ref.value);
          // every value outside loops is the interpreter's
          for (const n of trace.nodes) if (n.kind === "op" && n.path.length === 0) expect(n.value).toEqual(ref.values.get(n.id!));
          const adjoint = interpretAdjoint(fn.adjoint, args as number[]);
          const grad = Object.fromEntries(
            fn.ir.params.flatMap((p, i) => (p.wrt ? [[p.name, bp.adjoint.get(`p${i}`) ?? zeros(args[i])]] : [])),
          );
          expect(compareLeaves(grad, adjoint.grad, { abs: 1e-12, rel: 1e-9 })).toEqual([]);
          // the page's table computes the same numbers
          const pageTrace = traceProgram(program, JSON.parse(JSON.stringify(args, typedAsPlain)), pagePrims);
          const pageBp = backpropTrace(pageTrace, pagePrims);
          expect(pageTrace.value).toBe(trace.value);
          for (const [key, g] of bp.adjoint) expect(compareLeaves(pageBp.adjoint.get(key), g, { abs: 1e-12, rel: 1e-12 })).toEqual([]);
          checked++;
        }
      }
      if (checked === 0) return; // (only functions with derivatives the user wrote)
    });
  }
});

function zeros(x: unknown): unknown {
  if (typeof x === "number") return 0;
  if (x instanceof Float64Array || x instanceof Float32Array) return Array.from(x, () => 0);
  if (Array.isArray(x)) return x.map(zeros);
  return Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, zeros(v)]));
}

function typedAsPlain(_key: string, v: unknown): unknown {
  return v instanceof Float64Array || v instanceof Float32Array ? Array.from(v) : v;
}

describe("loops: folded, or unrolled when small", () => {
  it("a dot product's loop is one node with its trip count; its wires carry vectors with their shapes", async () => {
    const f = await compiled("arrays/float64-dot", "dot");
    const d = draw(f.ir, [Float64Array.from([1, 2]), Float64Array.from([3, 4])]);
    const loops = d.graph.nodes.filter((n) => n.kind === "loop");
    expect(loops.map((n) => n.label)).toEqual(["loop ×2"]);
    expect(d.graph.nodes.filter((n) => n.kind === "input").map((n) => n.label)).toEqual(["a [2]", "b [2]"]);
    const dot = toDot(d.graph, { title: d.title });
    // a's wire: its value [1, 2] and its gradient b = [3, 4]
    expect(dot).toMatch(/"p0" -> "L1" \[[^\]]*\[1, 2\]<\/font><br\/><font color="#cf222e">\[3, 4\]/);
    expect(dot).toContain("for (let i = 0; i &lt; a.length; i++)");
  });

  it("--unroll 2 draws the two iterations: reads of elements, products, sums", async () => {
    const f = await compiled("arrays/float64-dot", "dot");
    const d = draw(f.ir, [Float64Array.from([1, 2]), Float64Array.from([3, 4])], { unroll: 2 });
    expect(d.graph.nodes.some((n) => n.kind === "loop")).toBe(false);
    expect(d.graph.nodes.filter((n) => n.kind === "gate").map((n) => n.label)).toEqual(["[0]", "[0]", "*", "+0", "[1]", "[1]", "*", "+"]);
    const svg = await layoutSvg(toDot(d.graph, { title: d.title }));
    expect(labelsOf(d, svg, "out")).toEqual(["11", "1"]);
  });

  it("a loop that runs longer than --unroll stays folded", async () => {
    const f = await compiled("arrays/float64-dot", "dot");
    const d = draw(f.ir, [Float64Array.from([1, 2, 3]), Float64Array.from([3, 4, 5])], { unroll: 2 });
    expect(d.graph.nodes.filter((n) => n.kind === "loop").map((n) => n.label)).toEqual(["loop ×3"]);
  });
});

describe("adc graph", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "adc-graph-"));
  const circuit = path.join(FIXTURES, "lectures", "add-mul-circuit", "input.ts");

  it("prints DOT without -o, writes .dot and .svg files by their extension", async () => {
    const a = io();
    expect(await main(["graph", circuit, "--at", '{"x":-2,"y":5,"z":-4}'], a)).toBe(0);
    const dot = a.lines.join("\n");
    expect(dot).toMatch(/^digraph "addMul" \{/);
    expect(dot).toContain("rankdir=LR");
    const b = io();
    expect(await main(["graph", circuit, "--fn", "addMul", "--at", "[-2, 5, -4]", "-o", path.join(tmp, "c.dot")], b)).toBe(0);
    expect(fs.readFileSync(path.join(tmp, "c.dot"), "utf8")).toBe(dot + "\n");
    expect(b.lines).toEqual([`wrote ${path.join(tmp, "c.dot")} (addMul(x = -2, y = 5, z = -4) = -12)`]);
    expect(await main(["graph", circuit, "--at", "[-2, 5, -4]", "-o", path.join(tmp, "c.svg")], io())).toBe(0);
    expect(fs.readFileSync(path.join(tmp, "c.svg"), "utf8")).toMatch(/<svg[\s\S]*-12[\s\S]*<\/svg>/);
  });

  it("says what is wrong with the point, the function or the output", async () => {
    const cases: [string[], number, string][] = [
      [["graph", circuit], 2, `adc graph: say where with --at, e.g. --at '{"x": 1, "y": 1, "z": 1}'`],
      [["graph", circuit, "--at", '{"x":1,"y":2}'], 2, "adc graph: --at lacks 'z' (its parameters: x, y, z)"],
      [
        ["graph", circuit, "--at", '{"x":1,"y":2,"z":3,"w":4}'],
        2,
        "adc graph: --at names 'w', not a parameter of addMul (its parameters: x, y, z)",
      ],
      [["graph", circuit, "--at", "[1, 2]"], 2, "adc graph: --at gives 2 values; addMul takes 3 (x, y, z)"],
      [["graph", circuit, "--at", "{x: 1}"], 2, "adc graph: --at is not JSON: "],
      [["graph", circuit, "--at", '{"x":1,"y":2,"z":[3]}'], 2, "adc graph: --at: z: expected a number, got [3]"],
      [["graph", circuit, "--fn", "nope", "--at", "[1,2,3]"], 1, "adc graph: "],
      [
        ["graph", circuit, "--at", "[1,2,3]", "-o", "x.png"],
        2,
        "adc graph: -o x.png: write a .svg, .html, .dot file (the extension says which)",
      ],
      [
        ["graph", path.join(FIXTURES, "lectures", "sigmoid-helper", "input.ts"), "--at", "[1]"],
        2,
        "has 2 @differentiable functions (neuronSigmoid, sigmoidGate): choose one with --fn",
      ],
      [["graph", path.join(tmp, "missing.ts"), "--at", "[1]"], 1, "error: cannot read the file: no such file"],
    ];
    for (const [argv, code, message] of cases) {
      const x = io();
      expect(await main(argv, x), argv.join(" ")).toBe(code);
      expect(x.errors.join("\n")).toContain(message);
    }
  });

  it("reports a file's diagnostics as the main command does", async () => {
    const file = path.join(FIXTURES, "errors", "math-random", "input.ts");
    const x = io();
    expect(await main(["graph", file, "--at", "[1]"], x)).toBe(1);
    expect(x.errors[0]).toMatch(/input\.ts:\d+:\d+: error ADC\d+/);
  });
});
