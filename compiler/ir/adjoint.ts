// The adjoint program: the forward sweep (the live primal statements, plus what they record)
// and the reverse sweep, a structured list of adjoint statements that mirrors the primal's
// control flow backwards.
import type { Expr } from "./expr.js";
import type { PathStep } from "../rules/apply.js";
import type { Block, Func, IfRegion, LoopRegion, Op, Operand, Param, ValueId } from "./types.js";

export type AdjStmt =
  /** `let d<v> = 0`: an adjoint first reached inside a nested region is declared where v lives. */
  | { kind: "declare"; target: ValueId }
  /** `d<v> = expr` (init: the first contribution, declares it), `d<v> += expr` (add), `d<v> = expr` again (set: a loop's carry). */
  | {
      kind: "update";
      target: ValueId;
      mode: "init" | "add" | "set";
      expr: Expr;
      stmt: number;
      /** Routing, not a chain-rule step: a phi's adjoint to the branch taken, a loop variable's adjoint between iterations. */
      plumbing?: boolean;
      /** The primal operation (by its result) whose rule this update applies (for `adc --explain`). */
      op?: ValueId;
      /** Into a part of an array's or record's adjoint: `dW[i][j] += expr` (mode "add"), or `dA[i] = 0` (mode "set": an element a write overwrote). */
      path?: PathStep[];
    }
  /** `const dA = new Array(n).fill(0)`: a local array's adjoint, zero where the array is made (its reverse starts here). */
  | { kind: "zeros"; target: ValueId }
  /** `snap_a.popInto(a)`: a local array back as it was at version `value` (its elements are read again from it). */
  | { kind: "restore"; value: ValueId }
  /** `const v = stack_v.pop()`: a value recorded inside a loop, back for this iteration. */
  | { kind: "pop"; value: ValueId }
  /** `const v = <its operation>`: a cheap value computed again from popped ones instead of stored. */
  | { kind: "recompute"; value: ValueId }
  /** `const i = init + k * step`: a loop counter, from the reverse loop's own index k (the iteration). */
  | { kind: "induction"; value: ValueId; loop: number; init: Operand; step: number }
  /** A call of another tagged function, reversed: its GradInto with this call's adjoint as seed adds into the arguments' adjoints. */
  | { kind: "call"; op: Op; seed: Expr; targets: (ValueId | null)[] }
  /** The reverse of an if: the same branch, chosen by the recorded decision (`stack`) or by recomputing the condition. */
  | { kind: "if"; region: IfRegion; decision: Expr | "stack"; then: AdjStmt[]; else: AdjStmt[] }
  /**
   * The reverse of a loop: its iterations, last to first. Their number: counted in the forward
   * sweep (in a local, or on a stack for a loop in a loop), or computed from the loop's bounds
   * (`for (let j = 0; j < n; j++)` runs n times when n > 0): `count`.
   */
  | { kind: "loop"; region: LoopRegion; trips: "local" | "stack" | "computed"; count?: Expr; body: AdjStmt[] }
  /** `if (cond) { … }`: statements that only pass on an adjoint that is 0 unless cond (3-reverse/guard-zero-adjoints.ts). */
  | { kind: "guard"; cond: Expr; body: AdjStmt[]; stmt: number };

/** How the forward sweep records what the reverse sweep needs. */
export interface Recording {
  /** Values pushed on a value stack of their own (recorded inside a loop). */
  stacked: Set<ValueId>;
  /** Values the reverse sweep reads inside a loop but computes again (cheap arithmetic on stacked ones). */
  recomputed: Set<ValueId>;
  /** Loop counters (`i` of `for (let i = 0; i < n; i++)`), computed from the iteration's index. */
  inductions: Set<ValueId>;
  /** Ifs inside loops whose decisions are pushed on a bit stack. */
  bits: Set<number>;
  /** Loops whose trip counts are counted: in a local (outside loops) or on a count stack (nested). */
  trips: Map<number, "local" | "stack">;
  /** Versions of local arrays pushed whole where they are made, and restored for the reads of them the reverse sweep repeats. */
  snapshots: Set<ValueId>;
}

export interface Adjoint {
  func: Func;
  active: Set<ValueId>;
  /** Forward values the reverse sweep reads (plainly or from a stack). */
  record: Set<ValueId>;
  recording: Recording;
  /** The forward sweep: the primal body without what neither the result nor the reverse sweep needs. */
  forward: Block;
  reverse: AdjStmt[];
  /** Per parameter in the gradient record (the wrt ones): its adjoint, or null when it is 0. */
  gradients: { param: Param; adjoint: ValueId | null }[];
}

export const SEED: Expr = { k: "role", role: "seed" };

/** The expressions an adjoint statement evaluates itself (not those of the statements inside it). */
export function exprsOf(x: AdjStmt): Expr[] {
  if (x.kind === "update") return [x.expr, ...(x.path ?? []).flatMap((p) => ("index" in p ? [p.index] : []))];
  if (x.kind === "call") return [x.seed];
  if (x.kind === "if") return x.decision === "stack" ? [] : [x.decision];
  if (x.kind === "loop") return x.count ? [x.count] : [];
  if (x.kind === "guard") return [x.cond];
  return [];
}

/** Every adjoint statement of a list, nested ones included, in order. */
export function* adjStmtsOf(list: AdjStmt[]): Generator<AdjStmt> {
  for (const s of list) {
    yield s;
    if (s.kind === "if") {
      yield* adjStmtsOf(s.then);
      yield* adjStmtsOf(s.else);
    } else if (s.kind === "loop" || s.kind === "guard") yield* adjStmtsOf(s.body);
  }
}
