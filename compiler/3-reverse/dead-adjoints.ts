// Dead adjoints: an adjoint that nothing reads is not computed. It happens when the only use of
// a value contributes nothing (`Math.sin(y * 0)`: d(y * 0)/dy is 0, so the adjoint of the sine
// would be computed for no one). Updates are removed, in place, until every adjoint left is read
// by another update, a loop's carry or the gradient record; an if or a loop left with nothing
// to do goes too.
import type { AdjStmt } from "../ir/adjoint.js";
import { adjStmtsOf } from "../ir/adjoint.js";
import { walk } from "../ir/expr.js";
import type { ValueId } from "../ir/types.js";

export function removeDeadAdjoints(
  reverse: AdjStmt[],
  wanted: Set<ValueId>,
  localArrays: Set<ValueId>,
  isNumber: (id: ValueId) => boolean,
): void {
  for (;;) {
    const read = new Set<ValueId>(wanted);
    for (const st of adjStmtsOf(reverse)) {
      if (st.kind === "update") for (const n of walk(st.expr)) if ((n.k === "adj" || n.k === "adjAt") && n.id !== st.target) read.add(n.id);
      if (st.kind === "call") for (const n of walk(st.seed)) if (n.k === "adj" || n.k === "adjAt") read.add(n.id);
    }
    let changed = false;
    const prune = (list: AdjStmt[]) => {
      for (let i = list.length - 1; i >= 0; i--) {
        const st = list[i];
        // (an update into a parameter's adjoint is the gradient itself: never dead; into a local
        // array's, dead when no write or literal reads that array's adjoint)
        const intoParam = st.kind === "update" && st.path && !localArrays.has(st.target);
        let gone = (st.kind === "update" || st.kind === "declare" || st.kind === "zeros") && !intoParam && !read.has(st.target);
        if (st.kind === "if") {
          prune(st.then);
          prune(st.else);
          gone = st.then.length === 0 && st.else.length === 0;
        } else if (st.kind === "loop") {
          prune(st.body);
          gone = st.body.length === 0;
        } else if (st.kind === "call") {
          // (a call adding into a parameter's adjoint, or a part of one, adds to the gradient itself)
          gone = st.targets.every((t) => t === null || (!read.has(t) && (isNumber(t) || localArrays.has(t))));
        }
        if (gone) {
          list.splice(i, 1);
          changed = true;
        }
      }
    };
    prune(reverse);
    if (!changed) return;
  }
}
