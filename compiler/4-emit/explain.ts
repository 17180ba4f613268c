// `adc --explain`: a comment on each statement of the reverse sweep naming its chain-rule step,
// in the lectures' words: `const dq = z * dout; // mul switches: local gradient z, times the upstream dout`.
// The default output has none of these (its snapshots do not change).
import ts from "typescript";
import type { AdjStmt } from "../ir/adjoint.js";
import { substitute, walk, type Expr } from "../ir/expr.js";
import { simplify } from "../ir/simplify.js";
import type { Op, ValueId } from "../ir/types.js";
import { operandExpr, roles } from "../rules/apply.js";
import { patternName } from "../rules/describe.js";
import { ruleOf } from "../rules/table.js";

export interface ExplainContext {
  /** The primal operation with this result. */
  op(id: ValueId): Op | undefined;
  /** An expression as the emitted code writes it (undefined when it has no name there). */
  text(e: Expr): string | undefined;
  /** The adjoint's name (`dq`). */
  adj(id: ValueId): string;
  /** The value's variable in the emitted code, if it has one (a loop variable and its value after the loop share one). */
  name(id: ValueId): string | undefined;
  /** Is this value active (does it carry a gradient)? */
  active(id: ValueId): boolean;
}

/** The chain-rule step a reverse statement takes, or undefined for bookkeeping (pops, declarations). */
export function explainStep(st: AdjStmt, ctx: ExplainContext): string | undefined {
  if (st.kind === "call")
    return `a call: ${st.op.member}'s own gradient at these arguments, seeded with the upstream ${ctx.text(st.seed) ?? "gradient"}`;
  if (st.kind !== "update") return undefined;
  if (st.expr.k === "role" && st.expr.role === "seed") return "the output's adjoint starts at the seed: d(seed * f)/d(out) = seed";
  if (st.plumbing)
    return "routing, not a chain-rule step: the adjoint follows the variable (to the branch taken, or into the iteration before)";
  const op = st.op === undefined ? undefined : ctx.op(st.op);
  if (!op) return undefined;
  const upstream = [...walk(st.expr)].find((e) => e.k === "adj" || e.k === "adjAt");
  const from = upstream ? (ctx.text(upstream) ?? ctx.adj(op.result)) : ctx.adj(op.result);
  if (op.prim === "store")
    return st.mode === "set"
      ? "the write overwrote this element: the array before it gets nothing there"
      : `the write: the element's adjoint ${from} goes to the value written`;
  if (op.prim === "arrayLiteral") return `an array literal: the element's adjoint ${from} goes to the value in it`;
  if (st.path) return `a read of an element: its gradient ${from} goes back into that element`;
  const rule = ruleOf(op.prim);
  // (a loop variable's adjoint is updated in place: the target is then the variable after the loop, same adjoint)
  const target = ctx.name(st.target);
  const isTarget = (a: Op["args"][number]) =>
    a.kind === "value" && (a.id === st.target || (target !== undefined && ctx.name(a.id) === target));
  const k = op.args.findIndex(isTarget);
  const wires = op.args.filter((a) => a.kind === "value" && ctx.active(a.id)).length;
  const pattern = patternName(op.prim, wires);
  if (k < 0 || (rule.kind !== "partials" && rule.kind !== "vjp")) return `${pattern}: local gradient × the upstream ${from}`;
  // the rule's local gradient for this operand, over this operation's operands and result
  const template = rule.grad(roles(op.args.length))[k];
  if (!template) return undefined;
  const local = simplify(
    substitute(template, (leaf) => {
      if (leaf.k !== "role") return undefined;
      if (leaf.role === "out") return { k: "val", id: op.result };
      if (leaf.role === "g") return { k: "const", value: 1 };
      return operandExpr(op.args[Number(leaf.role.slice(3))]);
    }),
  );
  const used = op.args.filter(isTarget).length;
  const twice = used > 1 ? ` (the operand is used ${used} times: the local gradients add)` : "";
  if (rule.kind === "vjp")
    return `${pattern}: local gradient ${ctx.text(local) ?? "1 or 0"} (1 for the chosen input), times the upstream ${from}${twice}`;
  return `${pattern}: local gradient ${ctx.text(local) ?? "of the rule"}, times the upstream ${from}${twice}`;
}

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: true });
const scratch = ts.createSourceFile("explain.ts", "", ts.ScriptTarget.ES2022);

/** A TypeScript expression on one line. */
export function printExpression(e: ts.Expression): string {
  return printer.printNode(ts.EmitHint.Expression, e, scratch).replace(/\s+/g, " ");
}
