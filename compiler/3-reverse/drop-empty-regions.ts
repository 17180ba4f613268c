// Empty regions dropped. Coalescing copies and carrying adjoints in place can leave a reverse
// loop with nothing to do: a loop whose only work on an adjoint was to hand it from one
// iteration to the next (`p += 0.6` in a loop: dp passes through unchanged) becomes
// `for (let k = n - 1; k >= 0; k--) {}`. Such a loop goes, with the trip count the forward sweep
// kept for it; an if left with two empty branches goes with the decision bits it pushed.
// (Dead adjoints, which leave regions empty too, are removed earlier: dead-adjoints.ts. This
// runs before guard-zero-adjoints.ts, so there are no guards yet.)
import type { AdjStmt, Adjoint } from "../ir/adjoint.js";

export function dropEmptyRegions(a: Adjoint): Adjoint {
  const trips = new Map(a.recording.trips);
  const bits = new Set(a.recording.bits);
  const visit = (list: AdjStmt[]): AdjStmt[] =>
    list.flatMap((st): AdjStmt[] => {
      if (st.kind === "loop") {
        const body = visit(st.body);
        if (body.length > 0) return [{ ...st, body }];
        trips.delete(st.region.id);
        return [];
      }
      if (st.kind === "if") {
        const then = visit(st.then);
        const otherwise = visit(st.else);
        if (then.length > 0 || otherwise.length > 0) return [{ ...st, then, else: otherwise }];
        bits.delete(st.region.id);
        return [];
      }
      return [st];
    });
  const reverse = visit(a.reverse);
  return { ...a, reverse, recording: { ...a.recording, trips, bits } };
}
