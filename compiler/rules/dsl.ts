// Helpers the rule table writes its local gradients with (JAX writes rules with primitives).
// Each builds an expression tree over primitives of the same table, so an adjoint is ordinary
// IR: simplified, interpreted and emitted by the same code as the forward sweep.
import type { Expr } from "../ir/expr.js";

export const c = (value: number): Expr => ({ k: "const", value });
/** A literal written by name in the generated code (`Math.LN2`). */
export const named = (value: number, text: string): Expr => ({ k: "const", value, text });
export const zero = c(0);
export const one = c(1);
export const two = c(2);

const prim =
  (name: string) =>
  (...args: Expr[]): Expr => ({ k: "prim", prim: name, args });

export const add = prim("add");
export const sub = prim("sub");
export const mul = prim("mul");
export const div = prim("div");
export const neg = prim("neg");
export const pow = prim("pow");
export const exp = prim("exp");
export const log = prim("log");
export const sqrt = prim("sqrt");
export const sin = prim("sin");
export const cos = prim("cos");
export const sinh = prim("sinh");
export const cosh = prim("cosh");
export const sign = prim("sign");
export const trunc = prim("trunc");
export const ge = prim("ge");
export const le = prim("le");
export const eq = prim("eq");
/** `cond ? a : b` */
export const select = prim("select");

export const square = (x: Expr): Expr => mul(x, x);
export const recip = (x: Expr): Expr => div(one, x);
