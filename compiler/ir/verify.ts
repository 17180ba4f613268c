// Checks the IR's invariants; compile() runs it after lowering, so a frontend bug shows up
// as a clear internal error instead of wrong code:
//   every value is defined once, by a parameter or one operation; operands are defined before
//   they are read; every primitive exists and gets the number of operands its rule takes.
import { ruleOf } from "../rules/table.js";
import type { Func, Operand } from "./types.js";

export function verify(f: Func): void {
  const defined = new Set<number>();
  const define = (id: number, what: string) => {
    if (id < 0 || id >= f.values.length) throw new Error(`${f.name}: ${what} defines unknown value %${id}`);
    if (defined.has(id)) throw new Error(`${f.name}: value %${id} is defined twice (${what})`);
    defined.add(id);
  };
  const read = (a: Operand, what: string) => {
    if (a.kind === "value" && !defined.has(a.id)) throw new Error(`${f.name}: ${what} reads %${a.id} before it is defined`);
  };
  for (const p of f.params) define(p.value, `parameter ${p.name}`);
  for (const op of f.body) {
    const rule = ruleOf(op.prim);
    const arity = rule.arity;
    if (arity === "variadic" ? op.args.length < 1 : op.args.length !== arity) {
      throw new Error(`${f.name}: ${op.prim} takes ${arity} operands, has ${op.args.length}`);
    }
    if (op.stmt < 0 || op.stmt >= f.statements.length) throw new Error(`${f.name}: ${op.prim} belongs to no source statement`);
    op.args.forEach((a) => read(a, op.prim));
    define(op.result, op.prim);
  }
  read(f.result, "return");
}
