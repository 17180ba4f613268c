// Copy coalescing: an add gate passes its adjoint on unchanged (`dt5 = dt6`). When the
// receiver is a temporary whose adjoint is nothing but that copy, it is renamed to its source
// instead, so chains of copies disappear. Copies into named values (`dx = dq`, `dL = dLreg`)
// stay: they are the lecture's steps, and parameters need their own adjoint.
// Safe because the source is complete when it is copied (all its uses come later in the
// forward sweep, so earlier in the reverse sweep) and the receiver gets nothing else.
import type { Adjoint } from "../ir/adjoint.js";
import { substitute } from "../ir/expr.js";
import type { ValueId } from "../ir/types.js";

export function coalesceCopies(a: Adjoint): Adjoint {
  const count = new Map<ValueId, number>();
  for (const u of a.reverse) count.set(u.target, (count.get(u.target) ?? 0) + 1);
  const alias = new Map<ValueId, ValueId>();
  const resolve = (id: ValueId): ValueId => alias.get(id) ?? id;
  const reverse = [];
  for (const u of a.reverse) {
    const expr = substitute(u.expr, (leaf) => (leaf.k === "adj" && alias.has(leaf.id) ? { k: "adj", id: resolve(leaf.id) } : undefined));
    const isTemporary = a.func.values[u.target].hint === "";
    if (expr.k === "adj" && u.mode === "init" && count.get(u.target) === 1 && isTemporary) {
      alias.set(u.target, expr.id);
      continue;
    }
    reverse.push({ ...u, expr });
  }
  return { ...a, reverse };
}
