// Liveness of the forward sweep: a statement is kept only when its value reaches the result,
// is read by the reverse sweep, or decides something the reverse sweep replays (a recorded
// branch decision, a counted loop). Dead forward code is not emitted.
import type { Recording } from "../ir/adjoint.js";
import type { Block, Func, Operand, Stmt, ValueId } from "../ir/types.js";

export function liveForward(f: Func, record: Set<ValueId>, recording: Recording): Block {
  const live = new Set<ValueId>(record);
  const use = (a: Operand) => {
    if (a.kind === "value" && !live.has(a.id)) {
      live.add(a.id);
      changed = true;
    }
  };
  if (f.result.kind === "value") live.add(f.result.id);
  let changed = true;
  // a region is needed when anything in it is, or when the reverse sweep replays it
  const needed = (s: Stmt): boolean => {
    if (s.kind === "op") return live.has(s.result);
    if (s.kind === "if") return recording.bits.has(s.id) || s.phis.some((p) => live.has(p.result)) || [...s.then, ...s.else].some(needed);
    return recording.trips.has(s.id) || s.carried.some((c) => live.has(c.result) || live.has(c.phi)) || s.body.some(needed);
  };
  const mark = (b: Block) => {
    for (let k = b.length - 1; k >= 0; k--) {
      const s = b[k];
      if (s.kind === "op") {
        if (live.has(s.result)) s.args.forEach(use);
      } else if (s.kind === "if") {
        for (const p of s.phis) if (live.has(p.result)) (use(p.then), use(p.else));
        mark(s.then);
        mark(s.else);
        if (needed(s)) use(s.cond);
      } else {
        if (!needed(s)) continue;
        // a loop that runs must run as many times as before: its condition, and what it reads
        use(s.cond);
        for (const c of s.carried) if (live.has(c.result)) use({ kind: "value", id: c.phi });
        mark(s.body);
        mark(s.header);
        for (const c of s.carried) if (live.has(c.phi)) (use(c.init), use(c.latch));
      }
    }
  };
  while (changed) {
    changed = false;
    mark(f.body);
  }
  const prune = (b: Block): Block =>
    b.filter(needed).map((s): Stmt => {
      if (s.kind === "op") return s;
      if (s.kind === "if") return { ...s, then: prune(s.then), else: prune(s.else), phis: s.phis.filter((p) => live.has(p.result)) };
      return { ...s, header: prune(s.header), body: prune(s.body), carried: s.carried.filter((c) => live.has(c.phi)) };
    });
  return prune(f.body);
}
