// The pipeline on random programs WITH control flow (fast-check): random functions of 1-3
// parameters made of let / const declarations, reassignments (=, +=, -=, *=, /=, ++), boolean
// flags, if / else if / else, ternaries, switch, counted for loops (K in 0..6, up, down, by 2),
// while / do-while / while (true) / for (;;) loops with a data-dependent trip count (a counter
// always ends them), a loop variable that is an active value, nested loops, break and continue
// under a condition, early returns (in loops, ifs, switch cases), shadowing, max / min / abs.
// For each program at a random point:
//   - the IR interpreter, interpretAdjoint and the emitted fGrad / fGradInto give the original's
//     value exactly (the same operations in the same order);
//   - interpretAdjoint's gradient equals the emitted one to 1e-12 (relative);
//   - the emitted gradient matches central differences (|a - b| <= 1e-5 + 1e-4 max), judged only
//     where the control-flow path (every comparison, switch value and max / min / abs choice, traced
//     by running a second copy of the original) is the same at args +- h for that parameter;
//   - fGradInto(..., grad, 2) adds 2 x the gradient into a non-zero record;
//   - every stack in <name>GradStacks is empty after each call;
//   - a second compile tagged wrt(subset) gives the same value and the same entries, bit for bit;
// and the generated modules type-check under tsc --strict as the fixtures' do. Fixed seeds, 150
// programs; ADC_CF_SEED / ADC_CF_RUNS / ADC_CF_BIG=1 explore further. The bugs this found are
// shrunk into regression tests at the end of the file.
import * as path from "node:path";
import * as fc from "fast-check";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { compileText, type CompileResult } from "../compiler/index.js";
import { interpret } from "../compiler/ir/interpret.js";
import { interpretAdjoint } from "../compiler/ir/interpret-adjoint.js";
import { loadFunctions, loadModule, type Module } from "./helpers/load.js";
import { centralDifference, close } from "./helpers/numeric.js";

// ---- the program generator --------------------------------------------------------------------

// A comparison is written between markers, and so is a switch's discriminant, so that one generated
// text renders two ways: plain (what adc compiles) and traced (every comparison the original
// evaluates and every switch value is recorded, with every max / min / abs choice, so the paths
// taken at nearby points can be compared).
const OPEN = "\u0001";
const SEP = "\u0002";
const CLOSE = "\u0003";
const SW_OPEN = "\u0004";
const SW_CLOSE = "\u0005";
const NOT_MARK = `[^${OPEN}${SEP}${CLOSE}${SW_OPEN}${SW_CLOSE}]*`;
const COMPARISON = new RegExp(`${OPEN}(${NOT_MARK})${SEP}(${NOT_MARK})${SEP}(${NOT_MARK})${CLOSE}`, "g");
const DISCRIMINANT = new RegExp(`${SW_OPEN}(${NOT_MARK})${SW_CLOSE}`, "g");

const plain = (text: string) => text.replace(COMPARISON, (_, l, op, r) => `${l} ${op} ${r}`).replace(DISCRIMINANT, (_, e) => e);
const traced = (text: string) =>
  text
    .replace(COMPARISON, (_, l, op, r) => `__c(${l}, "${op}", ${r})`)
    .replace(DISCRIMINANT, (_, e) => `__s(${e})`)
    .replace(/Math\.(max|min|abs)\(/g, (_, name) => `__${name}(`);

interface Program {
  params: number;
  /** The source with markers; see plain() and traced(). */
  text: string;
  /** Whether it has a loop. */
  loops: boolean;
  /** Parameters for a second compile tagged `wrt(...)` (activity analysis on control flow). */
  wrt?: string[];
}

type Gen = fc.GeneratorValue;

/** ADC_CF_BIG=1 (exploring): longer programs, ifs and loops nested 3 deep. */
const BIG = process.env.ADC_CF_BIG === "1";
const DEPTH = BIG ? 3 : 2;

interface Scope {
  /** Values an expression may read: parameters and locals (active), loop indices and counters. */
  readable: string[];
  /** Active values only (parameters and locals). */
  active: string[];
  /** What may be reassigned: parameters and locals (never loop indices or counters). */
  mutable: string[];
  /** Boolean locals (conditions may read them). */
  flags: string[];
  /** Loop indices (integers: `i % 2 === 0` tests them). */
  indices: string[];
}

interface Ctx {
  g: Gen;
  next: number;
  /** Statements still allowed (keeps programs small). */
  budget: number;
  loops: boolean;
  /** A program of sums: `acc` is only added to (`acc += e`, in loops too) and every return adds it. */
  sums: boolean;
}

interface Where {
  loopDepth: number;
  ifDepth: number;
  /** `break` has a target (a loop or a switch), `continue` has one (a loop). */
  canBreak: boolean;
  canContinue: boolean;
  inSwitch: boolean;
  /** Iterations the enclosing loops may run in all (keeps *= and += tame). */
  trips: number;
}

const int = (g: Gen, min: number, max: number) => g(fc.integer, { min, max });
const pick = <T>(g: Gen, xs: readonly T[]): T => xs[int(g, 0, xs.length - 1)];
const chance = (g: Gen, percent: number) => int(g, 0, 99) < percent;

/** A constant in [lo, hi] with two decimals (scrambled: fast-check favours the ends of a range). */
const constant = (g: Gen, lo = -2, hi = 2): string => {
  const u = ((int(g, 0, 1000) * 7919) % 1001) / 1000;
  const v = Math.round((lo + (hi - lo) * u) * 100) / 100;
  return v < 0 ? `(${v})` : `${v}`;
};

const paren = (a: string) => (/^[\w.]+$/.test(a) ? a : `(${a})`);

// Bounded or slowly growing functions: central differences stay a fair judge.
const UNARY = [
  (a: string) => `Math.tanh(${a})`,
  (a: string) => `Math.sin(${a})`,
  (a: string) => `Math.cos(${a})`,
  (a: string) => `Math.atan(${a})`,
  (a: string) => `${paren(a)} / (1 + ${paren(a)} * ${paren(a)})`,
  (a: string) => `Math.sqrt(1 + ${paren(a)} * ${paren(a)})`,
];
const BINARY = [
  (a: string, b: string) => `${a} + ${b}`,
  (a: string, b: string) => `${a} - ${paren(b)}`,
  (a: string, b: string) => `${paren(a)} * ${paren(b)}`,
  (a: string, b: string) => `0.5 * ${paren(a)} + ${b}`,
  (a: string, b: string) => `${paren(a)} * ${paren(b)}`,
  (a: string, b: string) => `${a} + ${b}`,
  // kinks (traced like comparisons: the operand chosen is part of the path)
  (a: string, b: string) => `Math.max(${a}, ${b})`,
  (a: string, b: string) => `Math.min(${a}, ${b})`,
  (a: string) => `Math.abs(${a})`,
];

function leaf(ctx: Ctx, s: Scope, activeOnly = false): string {
  const { g } = ctx;
  if (!activeOnly && chance(g, 20)) return constant(g);
  const names = activeOnly || chance(g, 75) ? s.active : s.readable;
  return pick(g, names);
}

/** An expression of depth <= 2 over the names in scope; `active`: it reads an active value. */
function expr(ctx: Ctx, s: Scope, depth = 2, active = false): string {
  const { g } = ctx;
  const k = depth === 0 ? 0 : int(g, 0, 5);
  if (k <= 1) return leaf(ctx, s, active || k === 1);
  if (k <= 3) return pick(g, UNARY)(expr(ctx, s, depth - 1, active));
  const a = expr(ctx, s, depth - 1, active);
  const b = expr(ctx, s, depth - 1);
  return (chance(g, 15) ? BINARY[int(g, BINARY.length - 3, BINARY.length - 1)] : BINARY[int(g, 0, BINARY.length - 4)])(a, b);
}

const comparison = (l: string, op: string, r: string) => `${OPEN}${l}${SEP}${op}${SEP}${r}${CLOSE}`;

/** A condition on active values: a comparison, or two combined with && / ||, or a negation. */
function condition(ctx: Ctx, s: Scope): string {
  const { g } = ctx;
  const one = () => {
    const l = expr(ctx, s, int(g, 0, 1), true);
    const r = chance(g, 60) ? constant(g, -1.5, 1.5) : expr(ctx, s, 1);
    return comparison(l, pick(g, ["<", ">", "<=", ">="]), r);
  };
  const k = int(g, 0, 12);
  if (k === 7) return `${one()} && ${one()}`;
  if (k === 8) return `${one()} || ${one()}`;
  if (k === 9) return `!(${one()})`;
  if (k === 10 && s.flags.length) return pick(g, ["", "!"]) + pick(g, s.flags);
  if (k === 11 && s.flags.length) return `${pick(g, s.flags)} ${pick(g, ["&&", "||"])} ${one()}`;
  if (k === 12 && s.indices.length) return `${comparison(`${pick(g, s.indices)} % ${int(g, 2, 3)}`, pick(g, ["===", "!=="]), "0")}`;
  return one();
}

const ternary = (ctx: Ctx, s: Scope): string =>
  `${condition(ctx, s)} ? ${expr(ctx, s, 1)} : ${chance(ctx.g, 20) ? ternary(ctx, s) : expr(ctx, s, 1)}`;

function fresh(ctx: Ctx, prefix: string): string {
  return `${prefix}${ctx.next++}`;
}

/** `let v = e;` (sometimes a ternary), or a boolean `let b = c;` */
function declaration(ctx: Ctx, s: Scope, lines: string[]): void {
  const { g } = ctx;
  if (chance(g, 12)) {
    const flag = fresh(ctx, "b");
    lines.push(`let ${flag} = ${chance(g, 50) ? "false" : condition(ctx, s)};`);
    s.flags.push(flag);
    return;
  }
  const name = fresh(ctx, "v");
  const isConst = chance(g, 20);
  lines.push(`${isConst ? "const" : "let"} ${name} = ${chance(g, 25) ? ternary(ctx, s) : expr(ctx, s, 2, chance(g, 70))};`);
  s.readable.push(name);
  s.active.push(name);
  if (!isConst) s.mutable.push(name);
}

/**
 * `let v = e;` as the first statement of a block, where v names a variable (or parameter) of an
 * enclosing scope: the inner v shadows it until the block ends.
 */
function shadowing(ctx: Ctx, s: Scope, lines: string[]): void {
  const name = pick(ctx.g, s.mutable);
  const without = (xs: string[]) => xs.filter((x) => x !== name);
  const outer: Scope = { ...s, readable: without(s.readable), active: without(s.active), mutable: without(s.mutable) };
  if (outer.active.length === 0) return;
  lines.push(`let ${name} = ${expr(ctx, outer, 2, true)};`);
}

/** `v = e`, `v += e`, `v *= e`; inside loops in forms whose growth over the iterations is mild. */
function assignment(ctx: Ctx, s: Scope, w: Where, lines: string[]): void {
  const { g } = ctx;
  if (s.flags.length && chance(g, 12)) {
    const flag = pick(g, s.flags);
    const k = int(g, 0, 2);
    lines.push(`${flag} = ${k === 0 ? "true" : k === 1 ? condition(ctx, s) : `${flag} || ${condition(ctx, s)}`};`);
    return;
  }
  const target = pick(g, s.mutable);
  const e = expr(ctx, s, 2, chance(g, 70));
  const k = int(g, 0, 7);
  if (w.trips <= 1) {
    if (k === 0) lines.push(`${target} += ${e};`);
    else if (k === 1) lines.push(`${target} *= ${e};`);
    else if (k === 2) lines.push(`${target} = ${ternary(ctx, s)};`);
    else if (k === 3) lines.push(`${target} -= ${e};`);
    else if (k === 4) lines.push(`${target} /= 1 + ${paren(e)} * ${paren(e)};`);
    else if (k === 5) lines.push(`${target}${pick(g, ["++", "--"])};`);
    else lines.push(`${target} = ${e};`);
  } else {
    if (k === 0) lines.push(`${target} += 0.5 * Math.tanh(${e});`);
    else if (k === 1) lines.push(`${target} *= 1 + 0.2 * Math.sin(${e});`);
    else if (k === 2) lines.push(`${target} = Math.tanh(${e}) + 0.5 * ${target};`);
    else if (k === 3) lines.push(`${target} += (0.3 * (${ternary(ctx, s)})) / (1 + ${target} * ${target});`);
    else if (k === 4) lines.push(`${target} -= 0.5 * Math.sin(${e});`);
    else if (k === 5) lines.push(`${target} /= 1 + 0.1 * ${paren(e)} * ${paren(e)};`);
    else if (k === 6) lines.push(`${pick(g, ["++", "--"])}${target};`);
    else lines.push(`${target} = Math.sin(${e});`);
  }
}

const endsInJump = (lines: string[]) => lines.length > 0 && /^\s*(break;|continue;|return\b)/.test(lines[lines.length - 1]);

/**
 * `if (c) { ... } else if (c) { ... } else { ... }`; the branches before the final else may end
 * in a jump (break, continue, return), the final else never does (the if always completes).
 */
function ifStatement(ctx: Ctx, s: Scope, w: Where, lines: string[]): void {
  const { g } = ctx;
  const inner: Where = { ...w, ifDepth: w.ifDepth + 1 };
  lines.push(`if (${condition(ctx, s)}) {`, ...block(ctx, s, inner, int(g, 1, 2), true, undefined, true), `}`);
  if (chance(g, 20)) {
    lines[lines.length - 1] = `} else if (${condition(ctx, s)}) {`;
    lines.push(...block(ctx, s, inner, int(g, 1, 2), true), `}`);
  }
  if (chance(g, 50)) {
    lines[lines.length - 1] = `} else {`;
    lines.push(...block(ctx, s, inner, int(g, 1, 2), false, undefined, true), `}`);
  }
}

/** `if (c) break;`, `if (c) continue;`, `if (c) return e;` */
function jump(ctx: Ctx, s: Scope, w: Where, lines: string[]): void {
  const kind = jumpKind(ctx, w);
  lines.push(`if (${condition(ctx, s)}) ${kind === "return" ? `return ${returned(ctx, expr(ctx, s))};` : `${kind};`}`);
}

function jumpKind(ctx: Ctx, w: Where): string {
  return pick(ctx.g, [...(w.canBreak ? ["break"] : []), ...(w.canContinue ? ["continue"] : []), "return"]);
}

const inLoop = (w: Where, trips: number): Where => ({
  ...w,
  loopDepth: w.loopDepth + 1,
  canBreak: true,
  canContinue: true,
  inSwitch: false,
  trips: w.trips * Math.max(trips, 1),
});

/** `for (let i = 0; i < K; i++) { ... }` with K in 0..6 (or counting down, or by 2). */
function forLoop(ctx: Ctx, s: Scope, w: Where, lines: string[]): void {
  const { g } = ctx;
  ctx.loops = true;
  const i = fresh(ctx, "i");
  const K = int(g, 0, 6);
  const inner: Scope = { ...s, readable: [...s.readable, i], indices: [...s.indices, i] };
  const body = block(ctx, inner, inLoop(w, K), int(g, 1, 3), false, i, true);
  const k = int(g, 0, 5);
  const head =
    k === 0
      ? `for (let ${i} = ${K}; ${comparison(i, ">", "0")}; ${i}--)`
      : k === 1
        ? `for (let ${i} = 0; ${comparison(i, "<", `${2 * K}`)}; ${i} += 2)`
        : k === 2
          ? `for (let ${i} = 1; ${comparison(i, "<=", `${K}`)}; ${i}++)`
          : `for (let ${i} = 0; ${comparison(i, "<", `${K}`)}; ${i}++)`;
  lines.push(`${head} {`, ...body, `}`);
}

/**
 * `while (t < c && k < n) { k++; t += step; ... }` (or do ... while): the trip count depends on
 * active values; the counter k always ends it. The step is positive, so t usually gets there.
 */
function dataLoop(ctx: Ctx, s: Scope, w: Where, lines: string[]): void {
  const { g } = ctx;
  ctx.loops = true;
  const t = pick(g, s.mutable);
  const k = fresh(ctx, "k");
  const max = int(g, 2, 8);
  const bound = constant(g, 0.5, 3);
  const inner: Scope = { ...s, readable: [...s.readable, k] };
  const step = `  ${t} += ${constant(g, 0.2, 0.6)} + 0.4 * Math.tanh(${expr(ctx, inner, 1)});`;
  const body = block(ctx, inner, inLoop(w, max), int(g, 0, 2), false);
  const test = `${comparison(t, "<", bound)} && ${comparison(k, "<", `${max}`)}`;
  // the test as a break at the top (a continue must not skip it)
  const stop = `  if (${comparison(k, ">=", `${max}`)} || ${comparison(t, ">=", bound)}) break;`;
  const form = int(g, 0, 6);
  if (form === 0) lines.push(`let ${k} = 0;`, `do {`, `  ${k}++;`, step, ...body, `} while (${test});`);
  else if (form === 1) lines.push(`let ${k} = 0;`, `while (true) {`, stop, `  ${k}++;`, step, ...body, `}`);
  else if (form === 2) lines.push(`for (let ${k} = 0; ; ${k}++) {`, stop, step, ...body, `}`);
  else if (form === 3) {
    // two loop variables, updated together
    const j = fresh(ctx, "j");
    const jTest = comparison(j, ">", "0");
    lines.push(`for (let ${k} = 0, ${j} = ${max}; ${comparison(t, "<", bound)} && ${jTest}; ${k}++, ${j}--) {`, step, ...body, `}`);
  } else lines.push(`let ${k} = 0;`, `while (${test}) {`, `  ${k}++;`, step, ...body, `}`);
}

/** `for (let t = tanh(e); t < c; t += step) { ... }`: an active loop variable (at most 14 trips). */
function activeIndexLoop(ctx: Ctx, s: Scope, w: Where, lines: string[]): void {
  const { g } = ctx;
  ctx.loops = true;
  const t = fresh(ctx, "t");
  const start = `Math.tanh(${expr(ctx, s, 1, true)})`;
  const inner: Scope = { ...s, readable: [...s.readable, t], active: [...s.active, t] };
  const body = block(ctx, inner, inLoop(w, 14), int(g, 1, 2), false);
  const head = `for (let ${t} = ${start}; ${comparison(t, "<", constant(g, 0, 3))}; ${t} += ${constant(g, 0.3, 0.8)})`;
  lines.push(`${head} {`, ...body, `}`);
}

/** `switch (i) { case 0: ...; break; case 1: case 2: ...; break; default: ... }` */
function switchStatement(ctx: Ctx, s: Scope, w: Where, lines: string[], index?: string): void {
  const { g } = ctx;
  const d = index && chance(g, 60) ? index : `Math.round(2 * Math.tanh(${expr(ctx, s, 1, true)}))`;
  const inner: Where = { ...w, canBreak: true, inSwitch: true, ifDepth: w.ifDepth + 1 };
  lines.push(`switch (${SW_OPEN}${d}${SW_CLOSE}) {`);
  const groups = pick(g, [[[0]], [[0], [1, 2]], [[1], [-1, 3]], [[0], [1], [2]]]);
  for (const labels of groups) {
    lines.push(...labels.map((l) => `  case ${l}:`));
    const body = block(ctx, s, inner, int(g, 1, 2), true);
    lines.push(...body.map((l) => "  " + l), ...(endsInJump(body) ? [] : ["    break;"]));
  }
  if (chance(g, 60)) lines.push(`  default:`, ...block(ctx, s, inner, 1, false).map((l) => "  " + l));
  lines.push(`}`);
}

/** `let v: number;` then assigned in both branches of an if (no value before it). */
function assignedInBranches(ctx: Ctx, s: Scope, lines: string[]): void {
  const name = fresh(ctx, "v");
  lines.push(
    `let ${name}: number;`,
    `if (${condition(ctx, s)}) {`,
    `  ${name} = ${expr(ctx, s)};`,
    `} else {`,
    `  ${name} = ${expr(ctx, s)};`,
    `}`,
  );
  s.readable.push(name);
  s.active.push(name);
  s.mutable.push(name);
}

/** A block of about `count` statements, indented one level. */
function block(ctx: Ctx, outer: Scope, w: Where, count: number, mayEndInJump: boolean, index?: string, mayShadow = false): string[] {
  const { g } = ctx;
  // names declared in this block are not visible after it
  const s: Scope = {
    readable: [...outer.readable],
    active: [...outer.active],
    mutable: [...outer.mutable],
    flags: [...outer.flags],
    indices: outer.indices,
  };
  const lines: string[] = [];
  const looping = w.loopDepth > 0;
  if (mayShadow && chance(g, 15)) shadowing(ctx, s, lines);
  for (let n = 0; n < count && ctx.budget > 0; n++) {
    ctx.budget--;
    const options: [number, () => void][] = [
      [looping ? 2 : 4, () => declaration(ctx, s, lines)],
      // (in a program of sums, loops mostly add to the sum: a loop that changes another variable is not a sum)
      [looping ? (ctx.sums ? 2 : 7) : 4, () => assignment(ctx, s, w, lines)],
      [w.ifDepth < DEPTH ? 3 : 0, () => ifStatement(ctx, s, w, lines)],
      [w.ifDepth < DEPTH ? 1 : 0, () => assignedInBranches(ctx, s, lines)],
      [w.loopDepth < DEPTH && !w.inSwitch ? 3 : 0, () => forLoop(ctx, s, w, lines)],
      [w.loopDepth < DEPTH && !w.inSwitch ? 2 : 0, () => dataLoop(ctx, s, w, lines)],
      [w.loopDepth < DEPTH && !w.inSwitch ? 1 : 0, () => activeIndexLoop(ctx, s, w, lines)],
      [looping && w.ifDepth < DEPTH && !w.inSwitch ? 1 : 0, () => switchStatement(ctx, s, w, lines, index)],
      [w.canBreak || w.canContinue ? 3 : w.ifDepth > 0 || n > 0 ? 1 : 0, () => jump(ctx, s, w, lines)],
      [ctx.sums ? (looping ? 8 : 2) : 0, () => lines.push(`acc ${pick(ctx.g, ["+=", "-="])} ${expr(ctx, s, 2, true)};`)],
    ];
    const total = options.reduce((a, [weight]) => a + weight, 0);
    let r = int(g, 0, total - 1);
    for (const [weight, make] of options) {
      if (r < weight) {
        make();
        break;
      }
      r -= weight;
    }
  }
  // the end of a branch may jump unconditionally
  if (mayEndInJump && chance(g, 30)) {
    const kind = jumpKind(ctx, w);
    lines.push(kind === "return" ? `return ${returned(ctx, expr(ctx, s))};` : `${kind};`);
  }
  return lines.map((l) => "  " + l);
}

/** What a return gives: in a program of sums, plus the sum (its adjoint is then the seed's, known before every loop). */
const returned = (ctx: Ctx, e: string) => (ctx.sums ? `${e} + acc` : e);

function program(g: Gen, sums = false): Program {
  const params = int(g, 1, 3);
  const names = Array.from({ length: params }, (_, i) => `p${i}`);
  const ctx: Ctx = { g, next: 0, budget: BIG ? int(g, 6, 24) : int(g, 3, 10), loops: false, sums };
  const top: Scope = { readable: [...names], active: [...names], mutable: [...names], flags: [], indices: [] };
  const where: Where = { loopDepth: 0, ifDepth: 0, canBreak: false, canContinue: false, inSwitch: false, trips: 1 };
  const lines = [...(sums ? ["let acc = 0;"] : []), ...block(ctx, top, where, 8, false).map((l) => l.slice(2))];
  // the result reads the last top-level locals and more
  const declared = lines.filter((l) => /^let v\d+(: number)?[ ;]/.test(l)).map((l) => l.split(/[ :;]/)[1]);
  const visible: Scope = { readable: [...names, ...declared], active: [...names, ...declared], mutable: [], flags: [], indices: [] };
  const terms = [...declared.slice(-3), expr(ctx, visible, 2, true)];
  lines.push(`return ${returned(ctx, terms.join(" + "))};`);
  const header = names.map((p) => `${p}: number`).join(", ");
  const text = `/** @differentiable */\nexport function f(${header}): number {\n${lines.map((l) => "  " + l).join("\n")}\n}\n`;
  const wrt = params >= 2 && chance(g, 30) ? names.filter(() => chance(g, 50)) : [];
  return { params, text, loops: ctx.loops, wrt: wrt.length && wrt.length < params ? wrt : undefined };
}

// ---- the oracles ------------------------------------------------------------------------------

/**
 * The generated function as JavaScript: its body is plain JavaScript already (only the header has
 * types), so `new Function` runs it without a TypeScript transpile (the test's time goes to adc).
 */
function asFunction(source: string, params: number, hooks: Record<string, unknown> = {}): (...args: number[]) => number {
  // (and the one type annotation inside: `let v: number;`)
  const body = source.slice(source.indexOf("{\n") + 2, source.lastIndexOf("}")).replace(/(let \w+): number;/g, "$1;");
  const names = Array.from({ length: params }, (_, i) => `p${i}`);
  const make = new Function(...Object.keys(hooks), `return function f(${names.join(", ")}) {\n${body}};`);
  return make(...Object.values(hooks)) as (...args: number[]) => number;
}

/**
 * The original with every comparison, switch value and max / min / abs choice recorded:
 * path is the sequence of outcomes, so two points took the same path when their paths are equal.
 */
function tracer(p: Program): (args: number[]) => { value: number; path: string } {
  const trace: string[] = [];
  const note = (x: string) => {
    trace.push(x);
    if (trace.length > 1e5) throw new Error("the generated program does not terminate");
  };
  const hooks = {
    __c: (l: number, op: string, r: number): boolean => {
      const b = op === "<" ? l < r : op === ">" ? l > r : op === "<=" ? l <= r : op === ">=" ? l >= r : op === "===" ? l === r : l !== r;
      note(b ? "1" : "0");
      return b;
    },
    __max: (a: number, b: number) => (note(a > b ? "a" : a < b ? "b" : "="), Math.max(a, b)),
    __min: (a: number, b: number) => (note(a < b ? "a" : a > b ? "b" : "="), Math.min(a, b)),
    __abs: (a: number) => (note(a > 0 ? "+" : a < 0 ? "-" : "="), Math.abs(a)),
    __s: (d: number) => (note(`[${d}]`), d),
  };
  const f = asFunction(traced(p.text), p.params, hooks);
  return (args) => {
    trace.length = 0;
    const value = f(...args);
    return { value, path: trace.join("") };
  };
}

type GradFn = (...a: number[]) => { value: number; grad: Record<string, number> };
type GradIntoFn = (...a: (number | Record<string, number>)[]) => number;

function stacksOf(gen: Module): Record<string, { length: number }> {
  return (gen.fGradStacks ?? {}) as Record<string, { length: number }>;
}

function nonEmpty(gen: Module): string[] {
  return Object.entries(stacksOf(gen))
    .filter(([, st]) => st.length !== 0)
    .map(([name, st]) => `${name}.length = ${st.length}`);
}

/**
 * Open bugs that have a focused test below (each failing until fixed): a program that shows one is
 * counted and not checked further, so the property keeps looking for others meanwhile. Empty: the
 * three found so far (the tests at the end of this file) are fixed.
 */
const KNOWN_BUGS: { name: string; matches: (diagnostics: string[], crash?: string) => boolean; seen: number }[] = [];

/** Generated modules kept for the type-check test (the first few of the property's programs). */
const generated: { source: string; code: string }[] = [];

/** What the property saw: programs checked, gradients judged by central differences or skipped (a path changes within a step), ... */
const stats = { runs: 0, loops: 0, stacks: 0, checked: 0, skipped: 0, wrt: 0, fused: 0 };

/** Every check on one program at one point (throws with the source on failure). */
async function checkProgram(p: Program, args: number[]): Promise<void> {
  const source = plain(p.text);
  const where = `\nat [${args}]\n${source}`;
  let result: CompileResult;
  try {
    result = await compileText("random.ts", source);
  } catch (e) {
    const known = KNOWN_BUGS.find((b) => b.matches([], (e as Error).message));
    if (known) return void known.seen++;
    throw new Error(`adc crashed: ${(e as Error).stack}${where}`);
  }
  const known = KNOWN_BUGS.find((b) => b.matches(result.diagnostics.map((d) => d.message)));
  if (known) return void known.seen++;
  expect(result.diagnostics, `diagnostics${where}`).toEqual([]);
  expect(result.code, `no code${where}`).toBeDefined();
  const f = asFunction(source, p.params);
  const gen = loadModule(result.code!, "random.grad.ts");
  if (generated.length < 1000) generated.push({ source, code: result.code! });
  const fn = result.functions[0];
  const run = tracer(p);
  const here = run(args);
  const value = f(...args);
  expect(here.value, `traced copy${where}`).toBe(value);
  stats.runs++;
  if (p.loops) stats.loops++;
  if (result.code!.includes("each iteration is reversed as it ends")) stats.fused++;

  // values: the same operations in the same order, bit for bit
  expect(interpret(fn.ir, args).value, `IR interpreter's value${where}`).toBe(value);
  // a loop that records something has its stacks exported (fGradStacks); all must end empty
  if (/new adc\.\w+Stack\(/.test(result.code!)) {
    expect(gen.fGradStacks, `fGradStacks is not exported${where}`).toBeDefined();
    stats.stacks++;
  }
  const emitted = (gen.fGrad as GradFn)(...args);
  const sameValue = (v: number, what: string) => expect(v, `${what}${where}`).toBe(value);
  sameValue(emitted.value, "fGrad's value");
  expect(nonEmpty(gen), `stacks left non-empty by fGrad${where}`).toEqual([]);
  const adj = interpretAdjoint(fn.adjoint, args);
  expect(adj.value, `interpretAdjoint's value${where}`).toBe(value);

  // fGradInto adds into the record and returns the same value; a seed scales the gradient
  const start: Record<string, number> = {};
  for (let i = 0; i < p.params; i++) start[`p${i}`] = 0.25 * (i + 1) - 1;
  const into = { ...start };
  const v2 = (gen.fGradInto as GradIntoFn)(...args, into, 2);
  sameValue(v2, "fGradInto's value");
  expect(nonEmpty(gen), `stacks left non-empty by fGradInto${where}`).toEqual([]);

  for (let i = 0; i < p.params; i++) {
    const name = `p${i}`;
    const a = emitted.grad[name];
    if (Number.isFinite(value)) expect(Number.isFinite(a), `d/d${name} = ${a} is not finite${where}`).toBe(true);
    expect(close(adj.grad[name], a, 1e-300, 1e-12), `${name}: interpretAdjoint ${adj.grad[name]} vs emitted ${a}${where}`).toBe(true);
    expect(
      close(into[name], start[name] + 2 * a, 1e-13, 1e-12),
      `${name}: fGradInto(seed 2) gave ${into[name]}, expected ${start[name]} + 2 * ${a}${where}`,
    ).toBe(true);

    // central differences, where the path is the same at args +- h and +- h / 10, and where they
    // are reliable: the two steps agree (a loop that amplifies a perturbation a million times
    // over 36 trips, 1.5^36, makes h = 1e-6 too large: the step is then not small)
    const h = 1e-6 * Math.max(1, Math.abs(args[i]));
    const at = (d: number) => run(args.map((x, j) => (j === i ? x + d : x)));
    const [plus, minus, plus10, minus10] = [at(h), at(-h), at(h / 10), at(-h / 10)];
    const samePath = [plus, minus, plus10, minus10].every((q) => q.path === here.path);
    const fd = centralDifference(f, args, i, h);
    const fd10 = centralDifference(f, args, i, h / 10);
    if (!samePath || !Number.isFinite(value) || !close(fd, fd10, 1e-6, 1e-5)) {
      stats.skipped++;
      continue;
    }
    stats.checked++;
    expect(close(a, fd, 1e-5, 1e-4), `d f/d ${name}: adc ${a}, central difference ${fd}${where}`).toBe(true);
  }

  // wrt(...) changes which entries exist, never their values
  if (p.wrt) {
    const tagged = source.replace("/** @differentiable */", `/** @differentiable wrt(${p.wrt.join(", ")}) */`);
    const partial = await compileText("partial.ts", tagged);
    expect(partial.diagnostics, `diagnostics with wrt(${p.wrt})${where}`).toEqual([]);
    const pgen = loadModule(partial.code!, "partial.grad.ts");
    const pg = (pgen.fGrad as GradFn)(...args);
    sameValue(pg.value, `fGrad's value with wrt(${p.wrt})`);
    expect(Object.keys(pg.grad), `grad keys with wrt(${p.wrt})${where}`).toEqual(p.wrt);
    for (const name of p.wrt) {
      expect(pg.grad[name], `d/d${name} with wrt(${p.wrt}) vs without${where}`).toBe(emitted.grad[name]);
    }
    expect(nonEmpty(pgen), `stacks left non-empty with wrt(${p.wrt})${where}`).toEqual([]);
    stats.wrt++;
  }
}

/**
 * tsc --strict problems of generated modules, with the options the fixtures' test uses; each
 * problem names its line and the source the module was generated from.
 */
function typeCheck(modules: { source: string; code: string }[]): string[] {
  // the modules exist only in memory, beside this file (so "adc/runtime" resolves as for fixtures)
  const files = new Map(modules.map((m, k) => [path.join(__dirname, `__control_flow_${k}.grad.ts`), m]));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
    skipLibCheck: true,
    noUnusedLocals: true,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f)?.code ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) =>
    files.has(f) ? ts.createSourceFile(f, files.get(f)!.code, lang, true) : getSourceFile.call(host, f, lang, ...rest);
  const checker = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(checker).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const m = d.file && files.get(d.file.fileName);
    if (!m || d.start === undefined) return text;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
    return `${text}\n  at line ${line + 1}: ${d.file!.text.split("\n")[line].trim()}\nin the code generated for\n${m.source}`;
  });
}

const pointFor = (g: Gen, n: number) => Array.from({ length: n }, () => g(fc.double, { min: -2, max: 2, noNaN: true }));

// ---- the tests --------------------------------------------------------------------------------

// Fixed seeds: [seed, programs, programs of sums]; ADC_CF_SEED=<n> ADC_CF_RUNS=<m> explores
// further (ADC_CF_SUMS=1: programs of sums; the counts below then differ).
const RUNS: [number, number, boolean][] = process.env.ADC_CF_RUNS
  ? [[Number(process.env.ADC_CF_SEED ?? Date.now() % 100000), Number(process.env.ADC_CF_RUNS), process.env.ADC_CF_SUMS === "1"]]
  : [
      [20240611, 75, false],
      [977, 75, false],
      // its program 580 made code that did not run (a gradient declared inside a guard)
      [777, 600, false],
      // sums, with jumps out of the loops that add to them: loops reversed iteration by iteration
      [4711, 200, true],
    ];

describe("random programs with control flow", () => {
  it(
    "original, IR interpreter, adjoint interpreter and emitted code agree; stacks are emptied",
    async () => {
      for (const [seed, numRuns, sums] of RUNS) {
        await fc.assert(
          fc.asyncProperty(fc.gen(), async (g) => {
            const p = program(g, sums);
            await checkProgram(p, pointFor(g, p.params));
          }),
          // shrinking recompiles every candidate: it is cut short (a failure is still reported, with
          // the smallest program found so far; interrupted runs show in the count below)
          {
            seed,
            numRuns,
            interruptAfterTimeLimit: 20_000 + 300 * numRuns,
            path: process.env.ADC_CF_PATH,
            endOnFailure: process.env.ADC_CF_PATH !== undefined,
          },
        );
      }
      const known = Object.fromEntries(KNOWN_BUGS.map((b) => [b.name, b.seen]));
      const summary = JSON.stringify({ ...stats, known }, null, 1);
      if (process.env.ADC_CF_RUNS) console.log(summary);
      // every run ran (none cut short by the time limit), and the property is not vacuous: most
      // gradients are judged by central differences, most programs loop, some use wrt(...)
      const total = RUNS.reduce((a, [, n]) => a + n, 0);
      expect(stats.runs + KNOWN_BUGS.reduce((a, b) => a + b.seen, 0), summary).toBe(total);
      expect(stats.checked, summary).toBeGreaterThan(2 * stats.skipped);
      expect(stats.loops, summary).toBeGreaterThan(stats.runs / 2);
      expect(stats.stacks, summary).toBeGreaterThan(stats.runs / 10);
      expect(stats.wrt, summary).toBeGreaterThan(total / 20);
      const sumsRuns = RUNS.reduce((a, [, n, sums]) => a + (sums ? n : 0), 0);
      expect(stats.fused, summary).toBeGreaterThan(sumsRuns / 20);
    },
    60_000 + 1000 * RUNS.reduce((a, [, n]) => a + n, 0),
  );

  it("the generated modules type-check under tsc --strict (as the fixtures' do)", async () => {
    if (generated.length === 0) {
      // run alone: compile a few programs of its own
      for (const g of fc.sample(fc.gen(), { seed: 31, numRuns: 30 })) {
        const source = plain(program(g).text);
        const r = await compileText("random.ts", source).catch(() => undefined);
        if (r?.code) generated.push({ source, code: r.code });
      }
    }
    const problems = typeCheck(generated);
    expect(generated.length).toBeGreaterThan(20);
    expect(problems, problems.join("\n\n")).toEqual([]);
  });
});

// ---- bugs the property found, shrunk by hand (regression tests; a new one fails until fixed) -----

async function compiled(source: string): Promise<{ f: (...a: number[]) => number; fGrad: GradFn; result: CompileResult }> {
  const result = await compileText("bug.ts", source);
  expect(result.diagnostics, source).toEqual([]);
  const gen = loadModule(result.code!, "bug.grad.ts");
  const { f } = loadFunctions(source, ["f"]);
  return { f, fGrad: gen.fGrad as GradFn, result };
}

describe("control-flow bugs found by the random programs", () => {
  it("bug 1: a conditional return inside a nested block, with code after the block, compiles", async () => {
    // adc reported "ADC1012: 'f' must end with 'return <expression>'" (the function does): the
    // return's value was dropped when the inner if merged (assigned on one path only). Any nested
    // block showed it outside loops: if-branch, else-branch, a bare { }, a switch case.
    const source = [
      "/** @differentiable */",
      "export function f(x: number): number {",
      "  if (x < 0) {",
      "    if (x < -1) return 2;",
      "  }",
      "  return x;",
      "}",
      "",
    ].join("\n");
    const { f, fGrad } = await compiled(source);
    for (const [x, dx] of [
      [-2, 0],
      [-0.5, 1],
      [0.5, 1],
    ]) {
      expect(fGrad(x)).toEqual({ value: f(x), grad: { x: dx } });
    }
  });

  it("bug 2: a * (b * c) in a loop is evaluated as written (the value is the original's, bit for bit)", async () => {
    // the forward sweep printed `r = x * y * z`: (x * y) * z, which rounds differently
    const source = [
      "/** @differentiable */",
      "export function f(x: number, y: number, z: number): number {",
      "  let r = 0;",
      "  for (let i = 0; i < 1; i++) {",
      "    r = x * (y * z);",
      "  }",
      "  return r;",
      "}",
      "",
    ].join("\n");
    const { f, fGrad } = await compiled(source);
    expect(f(0.1, 0.2, 0.3)).toBe(0.006); // (0.1 * 0.2) * 0.3 is 0.006000000000000001
    expect(fGrad(0.1, 0.2, 0.3).value).toBe(f(0.1, 0.2, 0.3));
    expect(fGrad(-0.9838398619247837, 0.6854927025263935, 1.7188339323533066).value).toBe(
      f(-0.9838398619247837, 0.6854927025263935, 1.7188339323533066),
    );
  });

  it("bug 3: an unused x * x beside atan(x) in a loop does not crash the emitter", async () => {
    // compileText threw "no name for %N in f" (compiler/4-emit/to-ts.ts): atan's adjoint
    // 1 / (1 + x * x) shared the dead statement's x * x, which the forward sweep never named
    const source = [
      "/** @differentiable */",
      "export function f(x: number): number {",
      "  let s = 0;",
      "  for (let i = 0; i < 2; i++) {",
      "    const t = x * x;",
      "    s += Math.atan(x);",
      "  }",
      "  return s;",
      "}",
      "",
    ].join("\n");
    const { f, fGrad } = await compiled(source);
    const g = fGrad(0.5);
    expect(g.value).toBe(f(0.5));
    expect(close(g.grad.x, 2 / 1.25, 1e-15, 1e-15)).toBe(true);
  });

  it("bug 4: a boolean assigned in an inner loop is declared with its type (tsc --strict: no implicit any)", async () => {
    // the forward sweep declares the flag's copy `let b_2 = b;` inside the outer loop, and later
    // assigns `b = b_2`: tsc reports "'b_2' implicitly has type 'any' because it does not have a
    // type annotation and is referenced directly or indirectly in its own initializer" (TS7022).
    // The code runs right; it does not type-check. `let b_2: boolean = b;` would.
    const source = [
      "/** @differentiable */",
      "export function f(x: number): number {",
      "  let b = false;",
      "  for (let i = 0; i < 3; i++) {",
      "    if (!b) x = x * x;",
      "    for (let j = 0; j < 2; j++) {",
      "      b = true;",
      "    }",
      "  }",
      "  return x;",
      "}",
      "",
    ].join("\n");
    const { f, fGrad, result } = await compiled(source);
    expect(fGrad(0.7)).toEqual({ value: f(0.7), grad: { x: 1.4 } });
    expect(typeCheck([{ source, code: result.code! }])).toEqual([]);
  });

  it("bug 5: a loop's return flag copied where an if has narrowed it to false keeps the type boolean", async () => {
    // after the first loop, the second runs in `if (returned_2) { ... } else { let returned_4 =
    // returned_2; while (...) { ...; returned_4 = t9; } }`: in the else branch tsc narrows
    // returned_2 to false, so returned_4 is declared with type false and `returned_4 = t9` is
    // "Type 'boolean' is not assignable to type 'false'" (TS2322). Runs right; does not type-check.
    const source = [
      "/** @differentiable */",
      "export function f(x: number): number {",
      "  if (x < 3) {",
      "    for (let i = 0; i < 2; i++) {",
      "      if (x > 1) return x;",
      "    }",
      "    for (let j = 0; j < 2; j++) {",
      "      if (x > 0) return 2 * x;",
      "    }",
      "  }",
      "  return x * x;",
      "}",
      "",
    ].join("\n");
    const { f, fGrad, result } = await compiled(source);
    for (const [x, dx] of [
      [0.5, 2],
      [2, 1],
      [-1, -2],
      [4, 8],
    ]) {
      expect(fGrad(x)).toEqual({ value: f(x), grad: { x: dx } });
    }
    expect(typeCheck([{ source, code: result.code! }])).toEqual([]);
  });

  it("bug 6: no adjoint is computed that nothing reads (the adjoint of y * 0)", async () => {
    // y * 0 is active, but its partial for y is 0, so its adjoint dt1 reaches nothing; the reverse
    // sweep still computes `const dt1 = Math.cos(t1) * dout;`, which tsc with noUnusedLocals (the
    // fixtures' type check) rejects: "'dt1' is declared but its value is never read" (TS6133).
    // Straight-line code shows it too; so does min / max / abs of y * 0.
    const source = [
      "/** @differentiable */",
      "export function f(x: number, y: number): number {",
      "  return x + Math.sin(y * 0);",
      "}",
      "",
    ].join("\n");
    const { f, fGrad, result } = await compiled(source);
    expect(fGrad(0.3, 0.7)).toEqual({ value: f(0.3, 0.7), grad: { x: 1, y: 0 } });
    expect(typeCheck([{ source, code: result.code! }])).toEqual([]);
  });

  it("bug 7: a branch condition that max(x, y) shares is not pushed on a number stack", async () => {
    // `x >= y` is both the if's condition and the max gate's choice: the forward sweep computes
    // `const t4 = x >= y;` once and records it with `stack_t4.push(t4)` on an F64Stack: tsc reports
    // "Argument of type 'boolean' is not assignable to parameter of type 'number'" (TS2345). It runs
    // (the Float64Array keeps 1 / 0 and the reverse sweep tests the number), it does not type-check.
    const source = [
      "/** @differentiable */",
      "export function f(x: number, y: number): number {",
      "  for (let i = 0; i < 5; i++) {",
      "    if (x >= y) return Math.max(x, y);",
      "  }",
      "  return x;",
      "}",
      "",
    ].join("\n");
    const { f, fGrad, result } = await compiled(source);
    expect(fGrad(0.5, 0.25)).toEqual({ value: f(0.5, 0.25), grad: { x: 1, y: 0 } });
    expect(fGrad(0.25, 0.5)).toEqual({ value: f(0.25, 0.5), grad: { x: 1, y: 0 } });
    expect(typeCheck([{ source, code: result.code! }])).toEqual([]);
  });
});
