// Local arrays. In the IR every write `A[i] = v` makes a new version of A (SSA: no value ever
// changes), merged by phis and loops like any variable. The frontend only lets a local array be
// indexed, written and measured, never copied or aliased, so an old version is never read once a
// newer one exists: all versions can be one JavaScript array written in place, and share one
// adjoint array. `storageOf` maps every version to the allocation it is a version of.
import type { Block, Func, ValueId } from "./types.js";

export function storageOf(f: Func): Map<ValueId, ValueId> {
  const root = new Map<ValueId, ValueId>();
  const of = (a: { kind: string; id?: ValueId }) => (a.kind === "value" ? root.get(a.id!) : undefined);
  let changed = true;
  const set = (v: ValueId, r: ValueId | undefined) => {
    if (r === undefined || root.get(v) === r) return;
    root.set(v, r);
    changed = true;
  };
  const visit = (b: Block) => {
    for (const s of b) {
      if (s.kind === "op") {
        if (s.prim === "allocate" || s.prim === "arrayLiteral") set(s.result, s.result);
        else if (s.prim === "store") set(s.result, of(s.args[0]));
      } else if (s.kind === "if") {
        visit(s.then);
        visit(s.else);
        for (const p of s.phis) set(p.result, of(p.then) ?? of(p.else));
      } else {
        for (const c of s.carried) set(c.phi, of(c.init) ?? of(c.latch));
        visit(s.header);
        visit(s.body);
        for (const c of s.carried) set(c.result, root.get(c.phi));
      }
    }
  };
  while (changed) {
    changed = false;
    visit(f.body);
  }
  return root;
}
