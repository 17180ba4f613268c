// A loop variable's adjoint, updated in place. The reverse of an iteration starts from the
// adjoint of the variable at the end of the iteration (`dx`) and ends by handing back the
// adjoint at its start (`dx = dx_2`). When nothing in the iteration reads `dx` after the first
// contribution to the start-of-iteration adjoint, both are one variable, as a person writes it:
//   const dt = h * dx;  dx = dt;  dx += … * dt;      (instead of  let dx_2 = dt; …; dx = dx_2)
import type { AdjStmt, Adjoint } from "../ir/adjoint.js";
import { exprsOf } from "../ir/adjoint.js";
import { walk, type Expr } from "../ir/expr.js";
import type { ValueId } from "../ir/types.js";

export function carryInPlace(a: Adjoint): Adjoint {
  const visit = (list: AdjStmt[]): AdjStmt[] =>
    list.map((st) => {
      if (st.kind === "if") return { ...st, then: visit(st.then), else: visit(st.else) };
      if (st.kind !== "loop") return st;
      let body = visit(st.body);
      for (const c of st.region.carried) {
        const carry = body.find((x) => x.kind === "update" && x.mode === "set" && x.target === c.result);
        if (!carry || carry.kind !== "update" || carry.expr.k !== "adj" || carry.expr.id !== c.phi) continue;
        body = merge(body, c.phi, c.result, carry);
      }
      return { ...st, body };
    });
  return { ...a, reverse: visit(a.reverse) };
}

/** Renames the adjoint `phi` to `slot` in `body` when that is safe; returns the body unchanged otherwise. */
function merge(body: AdjStmt[], phi: ValueId, slot: ValueId, carry: AdjStmt): AdjStmt[] {
  const flat = flatten(body).filter((x) => x !== carry);
  // the first write that makes phi's adjoint differ from the slot (`dphi = dslot` does not)
  const copiesSlot = (x: AdjStmt) => x.kind === "update" && x.mode === "init" && !x.path && x.expr.k === "adj" && x.expr.id === slot;
  const writesPhi = (x: AdjStmt) =>
    ((x.kind === "update" || x.kind === "declare") && x.target === phi) || (x.kind === "call" && x.targets.includes(phi));
  const first = flat.findIndex((x) => writesPhi(x) && !copiesSlot(x));
  // after the first write of phi's adjoint, nothing may still need the slot's old value (when
  // phi's adjoint is only ever a copy of the slot, there is no such write: it is the slot)
  if (first >= 0 && flat.slice(first + 1).some((x) => reads(x, slot) || reads(x, phi))) return body;
  if (first < 0 && !flat.some(copiesSlot)) return body;
  const rename = (list: AdjStmt[]): AdjStmt[] =>
    list
      .filter((x) => x !== carry && !(x.kind === "update" && x.target === phi && copiesSlot(x)))
      .map((x): AdjStmt => {
        if (x.kind === "declare" && x.target === phi)
          return { kind: "update", target: slot, mode: "set", expr: { k: "const", value: 0 }, stmt: -1, plumbing: true };
        if (x.kind === "update" && x.target === phi) return { ...x, target: slot, mode: x.mode === "add" ? "add" : "set" };
        if (x.kind === "if") return { ...x, then: rename(x.then), else: rename(x.else) };
        if (x.kind === "loop") return { ...x, body: rename(x.body) };
        if (x.kind === "call") return { ...x, targets: x.targets.map((t) => (t === phi ? slot : t)) };
        return x;
      });
  return rename(body);
}

function flatten(list: AdjStmt[]): AdjStmt[] {
  return list.flatMap((x) =>
    x.kind === "if" ? [x, ...flatten(x.then), ...flatten(x.else)] : x.kind === "loop" ? [x, ...flatten(x.body)] : [x],
  );
}

function reads(x: AdjStmt, id: ValueId): boolean {
  return exprsOf(x).some((e) => [...walk(e)].some((n) => n.k === "adj" && n.id === id));
}
