// Expression trees: what the rules write their local gradients in, and what the adjoint IR is
// made of. A tree mentions primal values (`val`), adjoints (`adj`), literals and primitives of
// the rule table, so the interpreter and the emitter handle it with the same table.
import type { ValueId } from "./types.js";

export type Expr =
  | { k: "const"; value: number; text?: string }
  | { k: "val"; id: ValueId }
  | { k: "adj"; id: ValueId }
  /** An element of a local array's adjoint: `dA[i][j]` (`id` is a version of the array). */
  | { k: "adjAt"; id: ValueId; at: Expr[] }
  /** Only inside a rule's template: an operand ("arg0", "arg1", …), the result ("out") or the upstream gradient ("g"). */
  | { k: "role"; role: string }
  | { k: "prim"; prim: string; args: Expr[] };

/** Every node of the tree, depth first. */
export function* walk(e: Expr): Generator<Expr> {
  yield e;
  if (e.k === "prim") for (const a of e.args) yield* walk(a);
  if (e.k === "adjAt") for (const a of e.at) yield* walk(a);
}

/** Replaces leaves (roles, values) by what `f` returns for them; `f` returning undefined keeps the leaf. */
export function substitute(e: Expr, f: (leaf: Expr) => Expr | undefined): Expr {
  if (e.k === "prim") return { k: "prim", prim: e.prim, args: e.args.map((a) => substitute(a, f)) };
  if (e.k === "adjAt") return f(e) ?? { k: "adjAt", id: e.id, at: e.at.map((a) => substitute(a, f)) };
  return f(e) ?? e;
}

export function sameExpr(a: Expr, b: Expr): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case "const":
      return Object.is(a.value, (b as typeof a).value);
    case "val":
    case "adj":
      return a.id === (b as typeof a).id;
    case "role":
      return a.role === (b as typeof a).role;
    case "adjAt": {
      const p = b as typeof a;
      return a.id === p.id && a.at.length === p.at.length && a.at.every((x, i) => sameExpr(x, p.at[i]));
    }
    case "prim": {
      const p = b as typeof a;
      return a.prim === p.prim && a.args.length === p.args.length && a.args.every((x, i) => sameExpr(x, p.args[i]));
    }
  }
}
