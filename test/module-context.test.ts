// shadowedGlobals: the names among Math, Infinity, NaN a file declares for itself (it skips the
// walk over the file when every occurrence is a member access like `Math.sin`).
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { shadowedGlobals } from "../compiler/1-frontend/module-context.js";

const shadowed = (text: string) => [...shadowedGlobals(ts.createSourceFile("m.ts", text, ts.ScriptTarget.ES2022, true))].sort();

describe("shadowedGlobals", () => {
  it.each([
    ["export const f = (x: number) => Math.sin(x) * Math.PI;", []],
    ["export const f = (x: number) => (x > 0 ? Infinity : NaN);", []],
    ["const Math = { exp: (t: number) => t * 2 };", ["Math"]],
    ["import * as Math from './m';", ["Math"]],
    ["import { Infinity } from './m';", ["Infinity"]],
    ["function f(NaN: number) { return NaN; }", ["NaN"]],
    ["namespace Math.Inner { export const k = 1; }", ["Math"]],
    ["const \\u004Dath = 1; Math.sin(1);", ["Math"]],
    ["function g() { let Math = 1; return Math; }", ["Math"]],
  ])("%s", (text, names) => {
    expect(shadowed(text)).toEqual(names);
  });
});
