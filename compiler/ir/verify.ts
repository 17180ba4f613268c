// Checks the IR's invariants; compile() runs it after lowering, so a frontend bug shows up
// as a clear internal error instead of wrong code:
//   every value is defined once (by a parameter, an operation, a phi, or a loop's phi and
//   result); operands are defined before they are read, on the path that reads them (a value
//   defined in a branch or a loop body is not visible after it); every primitive exists and
//   gets the number of operands its rule takes; conditions are booleans.
import { ruleOf } from "../rules/table.js";
import type { Block, Func, Operand } from "./types.js";
import { operandType } from "./types.js";

export function verify(f: Func): void {
  const defined = new Set<number>();
  const fail = (what: string): never => {
    throw new Error(`${f.name}: ${what}`);
  };
  const define = (id: number, what: string) => {
    if (id < 0 || id >= f.values.length) fail(`${what} defines unknown value %${id}`);
    if (defined.has(id)) fail(`value %${id} is defined twice (${what})`);
    defined.add(id);
  };
  const read = (a: Operand, what: string, visible: Set<number>) => {
    if (a.kind === "value" && !visible.has(a.id)) fail(`${what} reads %${a.id} where it is not defined`);
  };
  const boolean = (a: Operand, what: string) => {
    if (operandType(a, f.values) !== "boolean") fail(`${what} is not a boolean`);
  };
  // `visible` grows as the block defines values; nested blocks get a copy
  const block = (b: Block, visible: Set<number>) => {
    for (const s of b) {
      if (s.kind === "op") {
        const rule = ruleOf(s.prim);
        const arity = rule.arity;
        if (arity === "variadic" ? s.args.length < 1 : s.args.length !== arity)
          fail(`${s.prim} takes ${arity} operands, has ${s.args.length}`);
        if (s.stmt < 0 || s.stmt >= f.statements.length) fail(`${s.prim} belongs to no source statement`);
        s.args.forEach((a) => read(a, s.prim, visible));
        define(s.result, s.prim);
        visible.add(s.result);
      } else if (s.kind === "if") {
        read(s.cond, `if${s.id}'s condition`, visible);
        boolean(s.cond, `if${s.id}'s condition`);
        const inThen = new Set(visible);
        block(s.then, inThen);
        const inElse = new Set(visible);
        block(s.else, inElse);
        for (const p of s.phis) {
          read(p.then, `a phi of if${s.id}`, inThen);
          read(p.else, `a phi of if${s.id}`, inElse);
          define(p.result, `a phi of if${s.id}`);
          visible.add(p.result);
        }
      } else {
        const inLoop = new Set(visible);
        for (const c of s.carried) {
          read(c.init, `loop${s.id}'s init`, visible);
          define(c.phi, `loop${s.id}'s phi`);
          inLoop.add(c.phi);
        }
        block(s.header, inLoop);
        read(s.cond, `loop${s.id}'s condition`, inLoop);
        boolean(s.cond, `loop${s.id}'s condition`);
        const inBody = new Set(inLoop);
        block(s.body, inBody);
        for (const c of s.carried) {
          read(c.latch, `loop${s.id}'s latch`, inBody);
          define(c.result, `loop${s.id}'s result`);
          visible.add(c.result);
        }
      }
    }
  };
  const top = new Set<number>();
  for (const p of f.params) {
    define(p.value, `parameter ${p.name}`);
    top.add(p.value);
  }
  block(f.body, top);
  read(f.result, "return", top);
}
