// compiler/4-emit/pretty.ts prints adc's statements as prettier formats them, without prettier:
// each statement it prints must be exactly what prettier makes of the TypeScript printer's text
// (the fixtures' snapshots check whole files; this checks statement by statement, on more input,
// and that the fast path covers what adc emits, so the CLI stays fast).
import * as path from "node:path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { compileToStatements, parse } from "../compiler/index.js";
import { format, printModule } from "../compiler/4-emit/format.js";
import { printNumber, prettyStatement } from "../compiler/4-emit/pretty.js";
import { listFixtures } from "./helpers/fixtures.js";
import { bigFile } from "../bench/big-file.js";

const prettierOf = async (st: ts.Statement) => (await format(printModule([[st]], "//").slice("//\n\n".length))).replace(/\n$/, "");

describe("pretty.ts: prettier's output without prettier", () => {
  it("prints every statement of every fixture's output as prettier does, and nearly all without prettier", async () => {
    let total = 0;
    const fallbacks: string[] = [];
    for (const fx of listFixtures().filter((f) => f.kind === "gradient")) {
      for (const explain of [false, true]) {
        const { module } = compileToStatements(parse(path.join(fx.dir, "input.ts"), fx.source), { explain });
        for (const st of module?.groups.flat() ?? []) {
          total++;
          const fast = prettyStatement(st, (why) => fallbacks.push(`${fx.name}${explain ? " (--explain)" : ""}: ${why}`));
          if (fast !== undefined) expect(fast, fx.name).toBe(await prettierOf(st));
        }
      }
    }
    // --explain's trailing comments go to prettier; without it, (almost) everything is printed directly
    const plain = fallbacks.filter((f) => !f.includes("(--explain)"));
    expect(plain.length, plain.join("\n")).toBeLessThanOrEqual(total / 200);
  });

  // parsed statements (no emit flags: type literals and objects on several lines are left to prettier)
  const SNIPPETS = [
    "x = (a * b) / c;",
    "x = a * (b / c) * d % e;",
    "x = a - (b - c) + (d + e);",
    "x = a ** b ** c;",
    "x = (a ** b) ** c;",
    "x = (-a) ** 2 + 2 ** -a;",
    "x = -(-a) + +(-a) - -a + !(!a) + -(a + b);",
    "x = (a && b) || (c && d) || e;",
    "x = a || b && c;",
    "x = a ?? b;",
    "x = (a & b) | c ^ d;",
    "x = a + b < c === d > e;",
    "x = a % b * c + a % b;",
    "x = (a ? b : c) + (d ? e : f);",
    "x = a ? b ? c : d : e;",
    "x = (a ? b : c) ? d : e;",
    "f(a ? b : c, -d, (e));",
    "x = (a + b).c + (-a).b + (a ? b : c)[0] + (a as number) + (new X()).y;",
    "x = new X;",
    "x = a[b][c + 1].d(e)(f);",
    "x = a.b().c().d();",
    "x = Array.from({ length: n }, () => new Array(m).fill(0));",
    "x = [1, 2, [3, 4]];",
    "x = [{ a: 1, b: 2 }, { a: 3, b: 4 }];",
    "x = { a: 1, b, c: d ? e : f };",
    "const y = { a: 0 } as { a: number };",
    "let y: number[] = [];",
    "let y: readonly number[][] = a;",
    "let y: [number, number] = [0, 1];",
    "x = 1.0 + 1.50 + 1e+21 + .5 + 0.1111111111111111 + 1e-7 + 5E3 + 0xff + 1_000;",
    "x++; --y; x += 2; x **= 2;",
    "if (a) b = 1;",
    "if (a) { b = 1; } else if (c) { d = 2; } else { e = 3; }",
    "if (a) {} else { b = 1; }",
    "if (a) {}",
    "if (a) { b = 1; } else {}",
    "while (!a && b < c) { a = f(a); }",
    "for (let k = n - 1; k >= 0; k--) { s += k; }",
    "for (;;) { break; }",
    "{ const a = 1; { } }",
    "export function f(a: number, b: number[], seed = 1): number { return a * b[0] * seed; }",
    "export function fGradInto(aaaaaaaaaa: number, bbbbbbbbbbbbb: number[], ccccccccccccc: number[][], dddddddddd: number, seed = 1): number { return 0; }",
    "function g(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: number): void {}",
    'import * as adc from "adc/runtime";',
    'import { a, b as c } from "./d";',
    "const averyveryveryveryveryverylongname = averyveryveryveryveryverylongname * averyveryveryveryveryverylongname + averyveryverylongname;",
    '"use strict";',
  ];
  // where prettier would not print the flat text (or pretty.ts does not know): left to prettier
  const FALLBACKS = new Set([
    "x = a.b().c().d();",
    "x = [{ a: 1, b: 2 }, { a: 3, b: 4 }];",
    "if (a) {} else { b = 1; }",
    "if (a) {}",
    "if (a) { b = 1; } else {}",
    "function g(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: number): void {}",
    "const averyveryveryveryveryverylongname = averyveryveryveryveryverylongname * averyveryveryveryveryverylongname + averyveryverylongname;",
    '"use strict";',
    "const y = { a: 0 } as { a: number };", // parsed: the type literal has no single-line flag, so the printer writes it over lines
    "{ const a = 1; { } }",
  ]);
  // each snippet parsed, its numbers made synthetic as adc's are (a parsed one is left to prettier)
  it.each(SNIPPETS)("%s", async (source) => {
    const parsed = ts.createSourceFile("s.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const synthetic = (ctx: ts.TransformationContext) => (root: ts.SourceFile) => {
      const visit = (n: ts.Node): ts.Node =>
        ts.isNumericLiteral(n) ? ts.factory.createNumericLiteral(n.text) : ts.visitEachChild(n, visit, ctx);
      return ts.visitEachChild(root, visit, ctx);
    };
    const file = ts.transform(parsed, [synthetic]).transformed[0];
    const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
    for (const st of file.statements) {
      const fast = prettyStatement(st);
      const slow = (await format(printer.printNode(ts.EmitHint.Unspecified, st, file))).replace(/\n$/, "");
      if (FALLBACKS.has(source)) expect(fast).toBeUndefined();
      else expect(fast).toBe(slow);
    }
  });

  it("prints numbers as prettier does", async () => {
    const numbers = [
      "1",
      "1.0",
      "1.50",
      "0.5",
      ".5",
      "5.",
      "1e+21",
      "1E-7",
      "1e-07",
      "2e0",
      "1.5e+10",
      "0.1111111111111111",
      "123456789012345680000",
    ];
    const printed = numbers.map((n) => `x = ${printNumber(n)};`).join("\n");
    expect(printed + "\n").toBe(await format(numbers.map((n) => `x = ${n};`).join("\n")));
  });

  it("prints bench/compile-speed.ts's 2,000-line file without prettier, as prettier does", async () => {
    const { module } = compileToStatements(parse("big.ts", bigFile()), {});
    const statements = module!.groups.flat();
    for (const st of statements) expect(prettyStatement(st)).toBeDefined();
    // a sample of every kind of statement (stacks, Grad, GradInto of the four kinds), as prettier formats them
    for (const st of statements.filter((_, k) => k % 5 === 0)) expect(prettyStatement(st)).toBe(await prettierOf(st));
  }, 60_000);
});
