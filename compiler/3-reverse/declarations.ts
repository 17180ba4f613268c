// Where each adjoint is declared. An adjoint lives where its primal value lives (the same
// block, so a loop body gets fresh ones each iteration). If the first update it receives in
// the reverse sweep is directly in that block, that update declares it (`const dq = z * dout`);
// if the first one is inside a nested if or loop, it is declared before, as
// `let dv = 0`, at the start of the block's reverse code.
import type { AdjStmt } from "../ir/adjoint.js";
import type { Structure } from "../ir/structure.js";
import type { Block, Func, ValueId } from "../ir/types.js";

export function placeDeclarations(rev: AdjStmt[], lists: Map<Block, AdjStmt[]>, s: Structure, func: Func): AdjStmt[] {
  const targets = new Set<ValueId>();
  const collect = (list: AdjStmt[]) => {
    for (const st of list) {
      if (st.kind === "update" && !st.path) targets.add(st.target);
      else if (st.kind === "if") (collect(st.then), collect(st.else));
      else if (st.kind === "loop") collect(st.body);
      else if (st.kind === "call") for (const t of st.targets) if (t !== null && func.values[t].type === "number") targets.add(t);
    }
  };
  collect(rev);
  for (const target of targets) {
    const home = s.home.get(target) ?? func.body;
    const list = lists.get(home);
    if (!list) throw new Error(`adjoint of %${target}: its block has no reverse code`);
    const first = list.find((st) => touches(st, target));
    if (first?.kind === "update") {
      if (first.mode === "add") first.mode = "init";
    } else {
      // after the pops and recomputations, which are first in the list
      const at = list.findIndex((st) => st.kind !== "pop" && st.kind !== "recompute" && st.kind !== "induction" && st.kind !== "restore");
      list.splice(at < 0 ? list.length : at, 0, { kind: "declare", target });
    }
  }
  return rev;
}

function touches(st: AdjStmt, target: ValueId): boolean {
  if (st.kind === "update") return st.target === target && !st.path;
  if (st.kind === "if") return st.then.some((x) => touches(x, target)) || st.else.some((x) => touches(x, target));
  if (st.kind === "loop") return st.body.some((x) => touches(x, target));
  if (st.kind === "call") return st.targets.includes(target);
  return false;
}
