// Liveness of the forward sweep: an operation is emitted only when its value reaches the
// result or is read by the reverse sweep (directly or through other live values).
// Dead forward code is not emitted.
import type { Func, Op, ValueId } from "../ir/types.js";

export function liveOps(f: Func, recorded: Set<ValueId>): Op[] {
  const live = new Set<ValueId>(recorded);
  if (f.result.kind === "value") live.add(f.result.id);
  for (let k = f.body.length - 1; k >= 0; k--) {
    const op = f.body[k];
    if (!live.has(op.result)) continue;
    for (const a of op.args) if (a.kind === "value") live.add(a.id);
  }
  return f.body.filter((op) => live.has(op.result));
}
