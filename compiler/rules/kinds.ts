// The shape of a rule and the helpers that make one, named for the kind of rule (as JAX's
// `defjvp`, `deflinear`, …): a rule gives local gradients per operand, or its whole
// vector-Jacobian product, or says its derivative is zero.
import type { Expr } from "../ir/expr.js";

/** How a primitive is written in TypeScript. */
export type Form =
  | { kind: "binary"; op: "+" | "-" | "*" | "/" | "**" | "%" | ">=" | ">" | "<=" | "<" | "===" | "!==" | "&&" | "||" }
  | { kind: "prefix"; op: "-" | "!" }
  | { kind: "call"; callee: string }
  | { kind: "select" }
  /** `1 / x` */
  | { kind: "reciprocal" }
  /** Written as its operand: stopGradient(x) is x at run time. */
  | { kind: "identity" }
  /** `a[i]`, `p.name` (the op's member), `a.length`. */
  | { kind: "index" }
  | { kind: "field" }
  | { kind: "length" }
  /** `f(a, b)`: another tagged function (the op's member names it). */
  | { kind: "callTagged" }
  /** A local array: `new Array(n).fill(0)`, `new Float64Array(n)`, `[a, b]`; `a[i][j]` read and written in place. */
  | { kind: "allocate" }
  | { kind: "arrayLiteral" }
  | { kind: "load" }
  | { kind: "store" };

/** Names a rule's gradient may read: its operands, its own result, or all operands of a variadic one. */
export type Need = "x" | "y" | "out" | "args";

/** What a rule's gradient is written over: operands (x = args[0], y = args[1]), result, upstream gradient g. */
export interface Roles {
  x: Expr;
  y: Expr;
  args: Expr[];
  out: Expr;
  g: Expr;
}

export interface Rule {
  form: Form;
  /** Number of operands, or "variadic" (one or more). */
  arity: number | "variadic";
  /** What it computes: a number (the default), a boolean (comparisons, logic), or the type of its branches (select). */
  returns?: "boolean" | "branches";
  /** The primitive's value, for the interpreter. */
  eval: (...xs: number[]) => number;
  /** Forward values the reverse sweep reads; checked against `grad` by the rules test. */
  needs: Need[];
  /**
   * "partials": grad gives the local gradient per operand; the engine emits `dx += partial * g`.
   * "vjp": grad gives the whole contribution per operand, already multiplied by g (routing rules).
   * "zero": the derivative is zero wherever it exists; the result carries no gradient.
   * "access": reading a part of an array or record; its adjoint adds into that part of the
   * container's adjoint (`dW[i][j] += g`), which the reverse sweep writes itself.
   * "local": a local array's allocation, element read or element write; the reverse sweep
   * keeps one adjoint array per local array (`dA`), read and written element by element.
   */
  kind: "partials" | "vjp" | "zero" | "access" | "call" | "local";
  /** One entry per operand; null means that operand has no derivative (a condition, say). */
  grad: (r: Roles) => (Expr | null)[];
}

type Eval = (...xs: number[]) => number;

/** A rule given by the local gradient of each operand. */
export function partials(form: Form, arity: number | "variadic", evaluate: Eval, needs: Need[], grad: (r: Roles) => (Expr | null)[]): Rule {
  return { form, arity, eval: evaluate, needs, kind: "partials", grad };
}

/** A rule given by its whole vector-Jacobian product (the gradient routed, not scaled). */
export function vjp(form: Form, arity: number, evaluate: Eval, needs: Need[], grad: (r: Roles) => (Expr | null)[]): Rule {
  return { form, arity, eval: evaluate, needs, kind: "vjp", grad };
}

/** A piecewise-constant primitive (floor, sign): zero derivative, nothing recorded. */
export function zeroDerivative(form: Form, arity: number, evaluate: Eval): Rule {
  return { form, arity, eval: evaluate, needs: [], kind: "zero", grad: () => [] };
}

/** A comparison or a logical operation: a boolean, with no derivative (booleans carry none). */
export function predicate(form: Form, arity: number, evaluate: (...xs: number[]) => boolean): Rule {
  return { form, arity, eval: (...xs) => Number(evaluate(...xs)), needs: [], kind: "zero", grad: () => [], returns: "boolean" };
}

/** Reading an element or a field: differentiable in the container (operand 0) only. */
export function access(form: Form, arity: number): Rule {
  const noNumbers = (): number => {
    throw new Error("an access is evaluated on objects, by the interpreter");
  };
  return {
    form,
    arity,
    eval: noNumbers,
    needs: [],
    kind: "access",
    grad: () => [{ k: "const", value: 1 }, ...Array(arity - 1).fill(null)],
  };
}

/** A call of another tagged function: differentiable in every argument, through the callee's own adjoint. */
export function callOfTagged(): Rule {
  return {
    form: { kind: "callTagged" },
    arity: "variadic",
    eval: () => {
      throw new Error("a call is evaluated by the interpreter, with the callee's IR");
    },
    needs: [],
    kind: "call",
    grad: ({ args }) => args.map(() => ({ k: "const", value: 1 })),
  };
}

/** A one-argument Math function. */
export const call = (name: string): Form => ({ kind: "call", callee: `Math.${name}` });
export const binary = (op: Extract<Form, { kind: "binary" }>["op"]): Form => ({ kind: "binary", op });

/**
 * A local array's operation, differentiable in the operands `differentiable` picks (the array
 * and the value written, for a write; the elements, for a literal). Its adjoint is written by
 * the reverse sweep itself: `dA[i] += g` for a read, `dv += dA[i]; dA[i] = 0` for a write.
 */
export function localArray(form: Form, differentiable: (arity: number) => boolean[]): Rule {
  return {
    form,
    arity: "variadic",
    eval: () => {
      throw new Error("a local array is evaluated by the interpreter");
    },
    needs: [],
    kind: "local",
    grad: ({ args }) => differentiable(args.length).map((yes) => (yes ? { k: "const", value: 1 } : null)),
  };
}
