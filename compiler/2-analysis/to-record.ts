// To-be-recorded analysis: the forward values the reverse sweep reads. mul needs its operands,
// exp its result, add nothing; and only for operands that are active (dx = y * g is needed
// only when x is active). The rest of the forward sweep is not kept for the reverse sweep.
import { walk } from "../ir/expr.js";
import type { Func, ValueId } from "../ir/types.js";
import { contribution } from "../rules/apply.js";

export function toRecord(f: Func, active: Set<ValueId>): Set<ValueId> {
  const record = new Set<ValueId>();
  for (const op of f.body) {
    if (!active.has(op.result)) continue;
    op.args.forEach((a, i) => {
      if (a.kind !== "value" || !active.has(a.id)) return;
      const e = contribution(op, i);
      if (e) for (const n of walk(e)) if (n.k === "val") record.add(n.id);
    });
  }
  return record;
}
