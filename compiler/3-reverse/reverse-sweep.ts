// The reverse transformation for straight-line code. Takes the analysed IR; returns the adjoint
// program: the forward sweep (live operations) and the reverse sweep, in which each active
// operation, visited last to first, adds `local gradient x upstream gradient` into the adjoint
// of each active operand. The first contribution defines an adjoint, later ones add to it
// (gradients add where a value fans out). An adjoint that receives nothing is zero and is
// never materialised.
import type { Analysed } from "../2-analysis/index.js";
import { SEED, type Adjoint, type AdjointUpdate } from "../ir/adjoint.js";
import { isZero } from "../ir/simplify.js";
import type { ValueId } from "../ir/types.js";
import { contributions, forwardIndex } from "../rules/apply.js";
import { coalesceCopies } from "./coalesce-copies.js";

export function reverse(a: Analysed): Adjoint {
  const { func, activity, record, forward } = a;
  const { active } = activity;
  const index = forwardIndex(func.body);
  const updates: AdjointUpdate[] = [];
  const hasAdjoint = new Set<ValueId>();
  const contribute = (target: ValueId, update: Omit<AdjointUpdate, "mode" | "target">) => {
    updates.push({ target, mode: hasAdjoint.has(target) ? "add" : "init", ...update });
    hasAdjoint.add(target);
  };

  if (func.result.kind === "value" && active.has(func.result.id)) {
    contribute(func.result.id, { expr: SEED, stmt: -1 });
  }
  for (let k = forward.length - 1; k >= 0; k--) {
    const op = forward[k];
    if (!active.has(op.result) || !hasAdjoint.has(op.result)) continue;
    for (const c of contributions(op, (id) => active.has(id), index)) {
      if (!isZero(c.expr)) contribute(c.target, { expr: c.expr, stmt: op.stmt });
    }
  }
  const gradients = func.params.filter((p) => p.wrt).map((param) => ({ param, adjoint: hasAdjoint.has(param.value) ? param.value : null }));
  return coalesceCopies({ func, active, record, forward, reverse: updates, gradients });
}
