// To-be-recorded analysis: the forward values the reverse sweep reads. mul needs its operands,
// exp its result, add nothing; and only for operands that are active (dx = y * g is needed
// only when x is active). Inside a loop a recorded value changes every iteration, so it goes
// on a value stack (pushed in the forward sweep, popped in the reverse); outside loops it is
// a plain const. Nothing else of the forward sweep is kept for the reverse sweep.
import { walk } from "../ir/expr.js";
import { loopDepthOf, structure, visibleIn, type Structure } from "../ir/structure.js";
import type { Block, Func, Op, ValueId } from "../ir/types.js";
import { contributions, forwardIndex, pathExprs, type Contribution } from "../rules/apply.js";

export interface Recorded {
  /** Every forward value some adjoint reads. */
  record: Set<ValueId>;
  /** Per operation (by its result): the forward values its adjoint reads. */
  reads: Map<ValueId, ValueId[]>;
  /** Recorded values that live inside a loop: each gets a value stack. */
  stacked: Set<ValueId>;
  /** What each active operation adds into its operands' adjoints (the reverse sweep emits these). */
  contributions: Map<ValueId, Contribution[]>;
  structure: Structure;
}

export function toRecord(f: Func, active: Set<ValueId>): Recorded {
  const s = structure(f);
  const index = forwardIndex(f.body);
  const record = new Set<ValueId>();
  const reads = new Map<ValueId, ValueId[]>();
  const all = new Map<ValueId, Contribution[]>();
  const visit = (b: Block) => {
    for (const st of b) {
      if (st.kind === "if") {
        visit(st.then);
        visit(st.else);
      } else if (st.kind === "loop") {
        visit(st.header);
        visit(st.body);
      } else if (active.has(st.result)) {
        // a forward value is reused (instead of recomputed) only where it is in scope, and only a
        // number (a comparison the forward sweep made is not worth a stack of its own)
        const cs = contributions(
          st,
          (id) => active.has(id),
          index,
          (id) => visibleIn(s, id, b) && f.values[id].type === "number",
          (id) => f.values[id].type === "number",
        );
        all.set(st.result, cs);
        const mine = readsOf(st, cs);
        if (mine.length) reads.set(st.result, mine);
        for (const v of mine) record.add(v);
      }
    }
  };
  visit(f.body);
  const stacked = new Set([...record].filter((v) => loopDepthOf(s, v) > 0));
  return { record, reads, stacked, contributions: all, structure: s };
}

/** The forward values in `cs`, in operand order, then the result: `record: %q %z` for `mul %q, %z`. */
function readsOf(op: Op, cs: Contribution[]): ValueId[] {
  const mine = new Set<ValueId>();
  for (const c of cs) for (const e of [c.expr, ...pathExprs(c.path)]) for (const n of walk(e)) if (n.k === "val") mine.add(n.id);
  const order = (id: ValueId) => {
    const i = op.args.findIndex((a) => a.kind === "value" && a.id === id);
    return i < 0 ? op.args.length : i;
  };
  return [...mine].sort((a, b) => order(a) - order(b));
}
