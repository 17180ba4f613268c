// Copy coalescing: an add gate passes its adjoint on unchanged (`dt5 = dt6`), and control flow
// routes adjoints (a phi's to the branch taken, a loop variable's into the iteration). When
// the receiver's adjoint is nothing but that copy, it is renamed to its source instead, so
// chains of copies disappear. Copies into named values by an add (`dx = dq`, `dL = dLreg`)
// stay: they are the lecture's steps; parameters always keep their own adjoint.
// Safe because the receiver gets nothing else, and its uses all come before the source
// changes again: a source is complete when it is copied (all its uses come later in the
// forward sweep, so earlier in the reverse), and a loop variable's adjoint is only reset at
// the end of an iteration, after everything in the iteration has read it.
import type { AdjStmt, Adjoint } from "../ir/adjoint.js";
import { adjStmtsOf } from "../ir/adjoint.js";
import { substitute, type Expr } from "../ir/expr.js";
import type { ValueId } from "../ir/types.js";

export function coalesceCopies(a: Adjoint): Adjoint {
  const count = new Map<ValueId, number>();
  for (const st of adjStmtsOf(a.reverse)) {
    if ((st.kind === "update" && !st.path) || st.kind === "declare") count.set(st.target, (count.get(st.target) ?? 0) + 1);
    if (st.kind === "call") for (const t of st.targets) if (t !== null) count.set(t, (count.get(t) ?? 0) + 2);
  }
  const alias = new Map<ValueId, ValueId>();
  const rename = (e: Expr) =>
    substitute(e, (leaf) => (leaf.k === "adj" && alias.has(leaf.id) ? { k: "adj", id: alias.get(leaf.id)! } : undefined));
  const list = (stmts: AdjStmt[]): AdjStmt[] => {
    const out: AdjStmt[] = [];
    for (const st of stmts) {
      if (st.kind === "update") {
        const expr = rename(st.expr);
        const isTemporary = a.func.values[st.target].hint === "";
        const isParam = a.func.params.some((p) => p.value === st.target);
        if (!st.path && expr.k === "adj" && st.mode === "init" && count.get(st.target) === 1 && (isTemporary || st.plumbing) && !isParam) {
          alias.set(st.target, expr.id);
          continue;
        }
        out.push({ ...st, expr });
      } else if (st.kind === "if") {
        out.push({ ...st, decision: st.decision === "stack" ? "stack" : rename(st.decision), then: list(st.then), else: list(st.else) });
      } else if (st.kind === "loop") {
        out.push({ ...st, body: list(st.body) });
      } else if (st.kind === "call") {
        out.push({ ...st, seed: rename(st.seed) });
      } else out.push(st);
    }
    return out;
  };
  return { ...a, reverse: list(a.reverse) };
}
