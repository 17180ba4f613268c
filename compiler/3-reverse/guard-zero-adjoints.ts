// Zero adjoints skipped. Where an adjoint is a select with a zero side (the rule of
// `Math.max(0, a)`, `Math.min`, a ReLU written as a ternary) and nothing else adds into it, the
// statements after it that only pass it on (products of it, added into other adjoints) run under
// the select's condition, so the reverse sweep does no work for the inactive side, as a hand
// adjoint does with `if (a > 0) { … }`:
//   const da = 0 >= a ? 0 : dr;               if (!(0 >= a)) {
//   for (…) dK_f[k] += x[i + k] * da;    →       const da = dr;
//   dbias[f] += da;                              for (…) dK_f[k] += x[i + k] * da;
//                                                dbias[f] += da; }
// Only when a loop is skipped that way (a branch around a few scalar updates costs more than
// it saves). What is skipped adds exactly 0 (or 0 × a partial: an infinite partial would have
// made that NaN; skipped, it leaves the sum as the chain rule's zero term does). Pops and
// values computed again among those statements move before the test, so the stacks are read
// in the same order either way.
import type { AdjStmt, Adjoint } from "../ir/adjoint.js";
import { adjStmtsOf, exprsOf } from "../ir/adjoint.js";
import { walk, type Expr } from "../ir/expr.js";
import type { ValueId } from "../ir/types.js";

export function guardZeroAdjoints(a: Adjoint): Adjoint {
  // how many statements write each adjoint (a guarded one must have its only write guarded)
  const writes = new Map<ValueId, number>();
  const wrote = (t: ValueId, n = 1) => writes.set(t, (writes.get(t) ?? 0) + n);
  for (const st of adjStmtsOf(a.reverse)) {
    if ((st.kind === "update" && !st.path) || st.kind === "declare") wrote(st.target);
    if (st.kind === "call") for (const t of st.targets) if (t !== null) wrote(t, 2);
  }
  const only = (t: ValueId) => writes.get(t) === 1;
  // the gradient record is filled from these after the reverse sweep
  const returned = new Set(a.gradients.flatMap((g) => (g.adjoint === null ? [] : [g.adjoint])));

  const visit = (list: AdjStmt[]): AdjStmt[] => {
    const nested = list.map((st): AdjStmt => {
      if (st.kind === "if") return { ...st, then: visit(st.then), else: visit(st.else) };
      if (st.kind === "loop") return { ...st, body: visit(st.body) };
      return st;
    });
    const out: AdjStmt[] = [];
    for (let i = 0; i < nested.length; i++) {
      const st = nested[i];
      const side = st.kind === "update" && only(st.target) ? zeroSide(st) : undefined;
      if (!side || st.kind !== "update") {
        out.push(st);
        continue;
      }
      const zero = new Set([st.target]);
      const hoisted: AdjStmt[] = [];
      const guarded: AdjStmt[] = [{ ...st, expr: side.value }];
      let j = i + 1;
      for (; j < nested.length; j++) {
        const t = nested[j];
        if (t.kind === "pop" || t.kind === "recompute") hoisted.push(t);
        else if (passesOn(t, zero, only)) guarded.push(t);
        else break;
      }
      // worth a test only when it skips a loop; and nothing after may read what the block declares
      const skipsLoop = guarded.some((g) => g.kind === "loop");
      const readLater =
        [...zero].some((id) => returned.has(id)) || nested.slice(j).some((t) => [...adjStmtsOf([t])].some((x) => readsAny(x, zero)));
      if (!skipsLoop || readLater) {
        out.push(st);
        continue;
      }
      out.push(...hoisted, { kind: "guard", cond: side.cond, body: guarded, stmt: st.stmt });
      i = j - 1;
    }
    return out;
  };
  return { ...a, reverse: visit(a.reverse) };
}

/** `d = c ? 0 : e` as { cond: !c, value: e }, `d = c ? e : 0` as { cond: c, value: e }. */
function zeroSide(st: Extract<AdjStmt, { kind: "update" }>): { cond: Expr; value: Expr } | undefined {
  if (st.mode !== "init" || st.path || st.expr.k !== "prim" || st.expr.prim !== "select") return undefined;
  const [c, yes, no] = st.expr.args;
  const isZero = (e: Expr) => e.k === "const" && e.value === 0;
  if (isZero(yes) && !isZero(no)) return { cond: { k: "prim", prim: "not", args: [c] }, value: no };
  if (isZero(no) && !isZero(yes)) return { cond: c, value: yes };
  return undefined;
}

/**
 * Whether a statement only passes on adjoints in `zero`: an update whose value is 0 when they
 * are (its first write then joins them, when it is the only one), or a loop made of such
 * updates and of values computed again from the loop's index (no stacks: a skipped pop would
 * leave the stack out of step).
 */
function passesOn(st: AdjStmt, zero: Set<ValueId>, only: (t: ValueId) => boolean): boolean {
  if (st.kind === "update") {
    if (st.mode === "set" || !vanishes(st.expr, zero)) return false;
    if (st.path) return st.mode === "add" && !st.path.some((p) => "index" in p && readsAdjoint(p.index));
    if (st.mode === "init") {
      if (!only(st.target)) return false;
      zero.add(st.target);
    }
    return true;
  }
  if (st.kind === "loop") {
    if (st.trips === "stack") return false;
    const inner = new Set(zero);
    return st.body.every((x) => x.kind === "induction" || x.kind === "recompute" || passesOn(x, inner, only));
  }
  return false;
}

/** Whether `e` is 0 whenever every adjoint in `zero` is (products and quotients of them, and sums of such). */
function vanishes(e: Expr, zero: Set<ValueId>): boolean {
  if (e.k === "adj") return zero.has(e.id);
  if (e.k !== "prim") return false;
  const [x, y] = e.args;
  switch (e.prim) {
    case "mul":
      return vanishes(x, zero) || vanishes(y, zero);
    case "div":
    case "neg":
      return vanishes(x, zero);
    case "add":
    case "sub":
      return vanishes(x, zero) && vanishes(y, zero);
    case "select":
      return vanishes(e.args[1], zero) && vanishes(e.args[2], zero);
    default:
      return false;
  }
}

function readsAdjoint(e: Expr): boolean {
  return [...walk(e)].some((n) => n.k === "adj" || n.k === "adjAt");
}

function readsAny(st: AdjStmt, ids: Set<ValueId>): boolean {
  const touches = (e: Expr) => [...walk(e)].some((n) => (n.k === "adj" || n.k === "adjAt") && ids.has(n.id));
  return exprsOf(st).some(touches) || ((st.kind === "update" || st.kind === "declare") && ids.has(st.target));
}
