// Builds a Func one operation at a time; the frontend is its only user.
import type { Func, Op, Operand, Param, SourceStatement, Span, Value, ValueId } from "./types.js";

export class FuncBuilder {
  readonly values: Value[] = [];
  readonly body: Op[] = [];
  readonly params: Param[] = [];
  readonly statements: SourceStatement[] = [];

  constructor(
    readonly name: string,
    readonly span: Span,
  ) {}

  param(name: string, span: Span, wrt: boolean): ValueId {
    const id = this.newValue(name, span);
    this.params.push({ name, value: id, wrt });
    return id;
  }

  /** Starts a source statement; the operations emitted next belong to it. */
  statement(text: string, span: Span): number {
    this.statements.push({ text, span });
    return this.statements.length - 1;
  }

  /** Appends `%result = prim args` and returns the new value. */
  op(prim: string, args: Operand[], span: Span, hint = ""): Operand {
    const result = this.newValue(hint, span);
    this.body.push({ result, prim, args, stmt: this.statements.length - 1, span });
    return { kind: "value", id: result };
  }

  /** Gives a temporary the name of the variable it was assigned to (`const q = x + y` names the add `q`). */
  nameValue(operand: Operand, hint: string): void {
    if (operand.kind !== "value") return;
    const v = this.values[operand.id];
    if (v.hint === "" && this.body.some((op) => op.result === v.id)) v.hint = hint;
  }

  finish(result: Operand): Func {
    return {
      name: this.name,
      params: this.params,
      values: this.values,
      body: this.body,
      result,
      statements: this.statements,
      span: this.span,
    };
  }

  private newValue(hint: string, span: Span): ValueId {
    const id = this.values.length;
    this.values.push({ id, hint, span });
    return id;
  }
}
