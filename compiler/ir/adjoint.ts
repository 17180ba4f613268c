// The adjoint program: the forward sweep (operations of the primal IR) and the reverse sweep,
// a list of adjoint updates `d<target> (= | +=) expr` in reverse order of the primal.
import type { Expr } from "./expr.js";
import type { Func, Op, Param, ValueId } from "./types.js";

export interface AdjointUpdate {
  target: ValueId;
  /** "init": the first contribution defines the adjoint; "add": later ones accumulate. */
  mode: "init" | "add";
  /** For the seed, `{ k: "role", role: "seed" }`. */
  expr: Expr;
  /** The source statement whose chain-rule step this is. */
  stmt: number;
}

export interface Adjoint {
  func: Func;
  active: Set<ValueId>;
  record: Set<ValueId>;
  forward: Op[];
  reverse: AdjointUpdate[];
  /** Per parameter in the gradient record (the wrt ones): its adjoint, or null when it is 0. */
  gradients: { param: Param; adjoint: ValueId | null }[];
}

export const SEED: Expr = { k: "role", role: "seed" };
