// The types of grad, valueAndGrad and vjp: exact, with no plugin. test/types/must-compile.ts
// must type-check and test/types/must-not-compile.ts must fail on exactly its `error:` lines
// (tsc run in-process on them). And what the API does when the plugin did not compile a call:
// throw, saying how to set it up.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { grad, valueAndGrad, vjp } from "../runtime/api.js";

function errorsOf(file: string): { line: number; text: string }[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    line: d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0,
    text: `${d.file ? path.basename(d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
  }));
}

describe("the API's types", () => {
  it("type-checks the uses that must compile", () => {
    expect(errorsOf(path.join(__dirname, "types", "must-compile.ts")).map((e) => `${e.line}: ${e.text}`)).toEqual([]);
  }, 30_000);

  it("rejects each use that must not compile, and nothing else", () => {
    const file = path.join(__dirname, "types", "must-not-compile.ts");
    const expected = fs
      .readFileSync(file, "utf8")
      .split("\n")
      .flatMap((l, i) => (l.includes("// error:") ? [i + 1] : []));
    const lines = [...new Set(errorsOf(file).map((e) => e.line))].sort((a, b) => a - b);
    expect(lines).toEqual(expected);
  }, 30_000);
});

describe("without the plugin", () => {
  it("grad, valueAndGrad and vjp throw, naming the function and the tsconfig entry", () => {
    const square = (x: number) => x * x;
    for (const api of [() => grad(square), () => valueAndGrad(square), () => vjp(square)])
      expect(api).toThrow(/adc: (grad|valueAndGrad|vjp)\(square\) was not compiled.*"transform": "adc\/plugin"/);
  });
});
