// The IR and the pipeline on random programs (fast-check): random straight-line functions
// are compiled, and the original TypeScript, the IR interpreter, the adjoint interpreter and
// the emitted code must all agree — values exactly, gradients with central differences.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileText } from "../compiler/index.js";
import { interpret } from "../compiler/ir/interpret.js";
import { interpretAdjoint } from "../compiler/ir/interpret-adjoint.js";
import { printAdjoint, printFunc } from "../compiler/ir/print.js";
import { verify } from "../compiler/ir/verify.js";
import { loadFunctions, loadModule } from "./helpers/load.js";
import { centralDifference, close } from "./helpers/numeric.js";

// Expressions that stay tame anywhere (bounded inputs to exp, positive arguments to log and
// sqrt, denominators >= 1), so central differences are a fair judge.
const UNARY = [
  (a: string) => `Math.sin(${a})`,
  (a: string) => `Math.cos(${a})`,
  (a: string) => `Math.tanh(${a})`,
  (a: string) => `Math.atan(${a})`,
  (a: string) => `Math.exp(Math.sin(${a}))`,
  (a: string) => `Math.sqrt(1 + ${a} * ${a})`,
  (a: string) => `Math.log(2 + Math.cos(${a}))`,
  (a: string) => `-(${a})`,
  (a: string) => `(${a}) ** 2`,
  (a: string) => `Math.floor(${a}) * 0.5`,
];
const BINARY = [
  (a: string, b: string) => `${a} + ${b}`,
  (a: string, b: string) => `${a} - ${b}`,
  (a: string, b: string) => `${a} * ${b}`,
  (a: string, b: string) => `${a} / (1 + ${b} * ${b})`,
  (a: string, b: string) => `Math.hypot(${a}, ${b}, 1)`,
  (a: string, b: string) => `Math.atan2(${a}, 2 + Math.cos(${b}))`,
  (a: string, b: string) => `0.3 * ${a} + ${b} * 0.7`,
];

interface Program {
  params: number;
  source: string;
  /** Names of statements never read by the result. */
  dead: string[];
}

/** An expression over the names visible so far, as a tree of depth <= 2. */
const exprOver = (names: string[]): fc.Arbitrary<string> => {
  const leaf = fc.oneof(
    fc.constantFrom(...names),
    fc.double({ min: -2, max: 2, noNaN: true }).map((v) => `${Math.round(v * 100) / 100}`),
  );
  const unary = fc.tuple(fc.nat(UNARY.length - 1), leaf).map(([k, a]) => UNARY[k](a));
  const binary = fc.tuple(fc.nat(BINARY.length - 1), leaf, fc.oneof(leaf, unary)).map(([k, a, b]) => `(${BINARY[k](a, b)})`);
  return fc.oneof(leaf, unary, binary);
};

const program: fc.Arbitrary<Program> = fc.integer({ min: 1, max: 4 }).chain((params) =>
  fc.integer({ min: 1, max: 8 }).chain((statements) => {
    const names = Array.from({ length: params }, (_, i) => `p${i}`);
    // each statement may read the parameters and every earlier local
    let arb: fc.Arbitrary<{ lines: string[]; names: string[] }> = fc.constant({ lines: [], names });
    for (let s = 0; s < statements; s++) {
      arb = arb.chain((st) =>
        fc.tuple(exprOver(st.names), fc.constantFrom("const", "let", "+=", "*=")).map(([e, form]) => {
          const last = st.names[st.names.length - 1];
          if ((form === "+=" || form === "*=") && last.startsWith("v")) {
            return { lines: [...st.lines, `${last} ${form} ${e};`], names: st.names };
          }
          const name = `v${s}`;
          return { lines: [...st.lines, `let ${name} = ${e};`], names: [...st.names, name] };
        }),
      );
    }
    return arb.chain((st) =>
      fc.tuple(exprOver(st.names), fc.boolean()).map(([ret, withDead]) => {
        const lines = [...st.lines];
        if (withDead) lines.push(`const unusedValue = Math.sin(p0) * 3;`);
        const header = Array.from({ length: params }, (_, i) => `p${i}: number`).join(", ");
        const source = `/** @differentiable */\nexport function f(${header}): number {\n  ${[...lines, `return ${ret} + v0 * 0;`].join("\n  ")}\n}\n`;
        return {
          params,
          source: st.names.includes("v0") ? source : source.replace(" + v0 * 0", ""),
          dead: withDead ? ["unusedValue"] : [],
        };
      }),
    );
  }),
);

const pointFor = (n: number) => fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: n, maxLength: n });

describe("random straight-line programs", () => {
  it("original, IR interpreter, adjoint interpreter and emitted code agree", async () => {
    await fc.assert(
      fc.asyncProperty(
        program.chain((p) => fc.tuple(fc.constant(p), pointFor(p.params))),
        async ([p, args]) => {
          const result = await compileText("random.ts", p.source);
          expect(result.diagnostics).toEqual([]);
          const { f } = loadFunctions(p.source, ["f"]);
          const gen = loadModule(result.code!, "random.grad.ts");
          const fn = result.functions[0];
          const value = f(...args);
          // the interpreter runs the same operations in the same order: bit-identical
          expect(interpret(fn.ir, args).value).toBe(value);
          const emitted = (gen.fGrad as (...a: number[]) => { value: number; grad: Record<string, number> })(...args);
          expect(emitted.value).toBe(value);
          const ir = interpretAdjoint(fn.adjoint, args);
          for (let i = 0; i < p.params; i++) {
            const name = `p${i}`;
            expect(
              close(ir.grad[name], emitted.grad[name], 1e-13, 1e-13),
              `${name}: interpreter ${ir.grad[name]} vs emitted ${emitted.grad[name]}`,
            ).toBe(true);
            const fd = centralDifference(f, args, i);
            // floor() jumps: skip points within a step of a jump (the one-sided slopes disagree)
            const h = 1e-6 * Math.max(1, Math.abs(args[i]));
            const right = (f(...args.map((a, j) => (j === i ? a + h : a))) - value) / h;
            const left = (value - f(...args.map((a, j) => (j === i ? a - h : a)))) / h;
            if (!close(left, right, 1e-4, 1e-3)) continue;
            expect(
              close(emitted.grad[name], fd, 1e-5, 1e-4),
              `d f/d ${name} at [${args}]: adc ${emitted.grad[name]}, central difference ${fd}\n${p.source}`,
            ).toBe(true);
          }
          for (const d of p.dead) expect(result.code).not.toContain(d);
        },
      ),
      { seed: 4242, numRuns: 150 },
    );
  });

  it("wrt(...) changes which entries exist, never their values", async () => {
    await fc.assert(
      fc.asyncProperty(
        program.filter((p) => p.params >= 2).chain((p) => fc.tuple(fc.constant(p), pointFor(p.params))),
        async ([p, args]) => {
          const full = await compileText("full.ts", p.source);
          const partial = await compileText("partial.ts", p.source.replace("/** @differentiable */", "/** @differentiable wrt(p1) */"));
          const a = interpretAdjoint(full.functions[0].adjoint, args).grad;
          const b = interpretAdjoint(partial.functions[0].adjoint, args).grad;
          expect(Object.keys(b)).toEqual(["p1"]);
          expect(b.p1).toBe(a.p1);
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });
});

describe("the IR printer", () => {
  it("prints one line per operation, with activity and recorded values", async () => {
    const src = `/** @differentiable wrt(x, z) */\nexport function f(x: number, y: number, z: number): number {\n  const q = x + y;\n  const k = Math.floor(y) * 2;\n  return q * z + k;\n}\n`;
    const r = await compileText("p.ts", src);
    const fn = r.functions[0];
    expect(printFunc(fn.ir)).toBe(
      [
        "func f(%x, %y (const), %z) {",
        "  %q = add %x, %y",
        "  %t1 = floor %y",
        "  %k = mul %t1, 2",
        "  %t2 = mul %q, %z",
        "  %t3 = add %t2, %k",
        "  return %t3",
        "}",
      ].join("\n"),
    );
    const annotated = printFunc(fn.ir, { active: fn.analysed.activity.active, reads: fn.analysed.reads });
    expect(annotated).toMatch(/%q = add %x, %y\s+; active\n/);
    expect(annotated).toMatch(/%t2 = mul %q, %z\s+; active {2}record: %q %z/);
    // floor(y) * 2 depends on no wrt parameter: inactive, and nothing recorded for it
    expect(annotated).toMatch(/%k = mul %t1, 2\n/);
    // the add gate's copy d%t2 = d%t3 is coalesced: %t2 is a temporary
    expect(printAdjoint(fn.adjoint)).toContain(
      [
        "  reverse:",
        "    d%t3 = seed",
        "    d%q = mul(%z, d%t3)",
        "    d%z = mul(%q, d%t3)",
        "    d%x = d%q",
        "  grad: { x: d%x, z: d%z }",
      ].join("\n"),
    );
  });
});

describe("the IR verifier", () => {
  const span = { file: "v.ts", start: 0, end: 0, line: 1, col: 1 };
  const base = () => ({
    name: "f",
    params: [{ name: "x", value: 0, wrt: true, shape: { kind: "number" as const } }],
    values: [0, 1, 2].map((id) => ({ id, hint: "", type: "number" as const, span })),
    body: [{ kind: "op" as const, result: 1, prim: "exp", args: [{ kind: "value" as const, id: 0 }], stmt: 0, span }],
    result: { kind: "value" as const, id: 1 },
    statements: [{ text: "return Math.exp(x)", span }],
    span,
  });

  it("accepts what the frontend builds", async () => {
    expect(() => verify(base())).not.toThrow();
    const r = await compileText(
      "v.ts",
      "/** @differentiable */\nfunction g(a: number) { let s = a * a; s += Math.sin(s); return s / 2; }\n",
    );
    expect(() => verify(r.functions[0].ir)).not.toThrow();
  });

  it("rejects a read before definition, a double definition and a wrong arity", () => {
    const early = base();
    early.body[0].args = [{ kind: "value", id: 2 }];
    expect(() => verify(early)).toThrow(/reads %2 where it is not defined/);
    const twice = base();
    twice.body.push({ ...twice.body[0] });
    expect(() => verify(twice)).toThrow(/defined twice/);
    const arity = base();
    arity.body[0].args.push({ kind: "value", id: 0 });
    expect(() => verify(arity)).toThrow(/exp takes 1 operands, has 2/);
  });
});

describe("large inputs", () => {
  it("a 3000-term expression compiles (inlining stops at a depth, so the printers' stacks hold)", async () => {
    const terms = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? "x" : i % 3 === 1 ? "y * x" : "Math.sin(y)")).join(" + ");
    const source = `/** @differentiable */\nexport function f(x: number, y: number): number {\n  return ${terms};\n}\n`;
    const r = await compileText("deep.ts", source);
    expect(r.diagnostics).toEqual([]);
    const g = (loadModule(r.code!, "deep.grad.ts").fGrad as (x: number, y: number) => { value: number; grad: { x: number; y: number } })(
      0.3,
      0.7,
    );
    expect(close(g.value, 1000 * 0.3 + 1000 * 0.7 * 0.3 + 1000 * Math.sin(0.7), 1e-9, 1e-12)).toBe(true);
    expect(close(g.grad.x, 1000 + 1000 * 0.7, 1e-9, 1e-12)).toBe(true);
    expect(close(g.grad.y, 1000 * 0.3 + 1000 * Math.cos(0.7), 1e-9, 1e-12)).toBe(true);
  });
});
