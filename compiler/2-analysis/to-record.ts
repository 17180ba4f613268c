// To-be-recorded analysis: the forward values the reverse sweep reads. mul needs its operands,
// exp its result, add nothing; and only for operands that are active (dx = y * g is needed
// only when x is active). The rest of the forward sweep is not kept for the reverse sweep.
import { walk } from "../ir/expr.js";
import type { Func, ValueId } from "../ir/types.js";
import { contributions, forwardIndex } from "../rules/apply.js";

export interface Recorded {
  /** Every forward value some adjoint reads. */
  record: Set<ValueId>;
  /** Per operation (by its result): the forward values its adjoint reads. */
  reads: Map<ValueId, ValueId[]>;
}

export function toRecord(f: Func, active: Set<ValueId>): Recorded {
  const record = new Set<ValueId>();
  const reads = new Map<ValueId, ValueId[]>();
  const forward = forwardIndex(f.body);
  for (const op of f.body) {
    if (!active.has(op.result)) continue;
    const mine = new Set<ValueId>();
    for (const c of contributions(op, (id) => active.has(id), forward)) for (const n of walk(c.expr)) if (n.k === "val") mine.add(n.id);
    // in operand order, then the result: `record: %q %z` for `mul %q, %z`
    const order = (id: ValueId) => {
      const i = op.args.findIndex((a) => a.kind === "value" && a.id === id);
      return i < 0 ? op.args.length : i;
    };
    if (mine.size)
      reads.set(
        op.result,
        [...mine].sort((a, b) => order(a) - order(b)),
      );
    for (const v of mine) record.add(v);
  }
  return { record, reads };
}
