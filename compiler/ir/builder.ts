// Builds a Func one statement at a time; the frontend is its only user. Operations go into the
// innermost open block; regions open blocks of their own.
import { ruleOf } from "../rules/table.js";
import type {
  Block,
  Carried,
  Func,
  IfRegion,
  LoopRegion,
  Op,
  Operand,
  Param,
  Phi,
  Shape,
  SourceStatement,
  Span,
  Value,
  ValueId,
  ValueType,
} from "./types.js";
import { NUMBER, operandType } from "./types.js";

export class FuncBuilder {
  readonly values: Value[] = [];
  readonly params: Param[] = [];
  readonly statements: SourceStatement[] = [];
  private readonly blocks: Block[] = [[]];
  private regions = 0;

  constructor(
    readonly name: string,
    readonly span: Span,
  ) {}

  param(name: string, span: Span, wrt: boolean, shape: Shape = NUMBER): ValueId {
    const id = this.newValue(name, shape.kind === "number" ? "number" : "object", span);
    if (shape.kind !== "number") this.values[id].shape = shape;
    this.params.push({ name, value: id, wrt, shape });
    return id;
  }

  /** Appends an element or field read (`a[i]`, `p.W1`, `a.length`); the result has the part's shape. */
  access(prim: "index" | "field" | "length", args: Operand[], shape: Shape, span: Span, member?: string): Operand {
    const result = this.newValue("", shape.kind === "number" ? "number" : "object", span);
    if (shape.kind !== "number") this.values[result].shape = shape;
    const op: Op = { kind: "op", result, prim, args, stmt: this.currentStatement, span };
    if (member !== undefined) op.member = member;
    this.current.push(op);
    return { kind: "value", id: result };
  }

  /** Appends a local array's operation: `allocate`, `arrayLiteral`, `load` (a number) or `store` (a new version). */
  local(prim: "allocate" | "arrayLiteral" | "load" | "store", args: Operand[], shape: Shape, span: Span, hint = ""): Operand {
    // the same element of the same version, read again in this block: the same value (`s[i] * s[i]` reads once)
    if (prim === "load") {
      const key = args.map((a) => (a.kind === "value" ? `%${a.id}` : String(a.value))).join(",");
      const same = this.current.find(
        (st): st is Op =>
          st.kind === "op" &&
          st.prim === "load" &&
          st.args.map((a) => (a.kind === "value" ? `%${a.id}` : String(a.value))).join(",") === key,
      );
      if (same) return { kind: "value", id: same.result };
    }
    const result = this.newValue(hint, shape.kind === "number" ? "number" : "object", span);
    if (shape.kind !== "number") this.values[result].shape = shape;
    const op: Op = { kind: "op", result, prim, args, stmt: this.currentStatement, span };
    if (prim === "allocate") op.shape = shape;
    this.current.push(op);
    return { kind: "value", id: result };
  }

  /** Names what an operation reads or calls (`p.W1`'s field, `f(x)`'s callee). */
  setMember(result: Operand, member: string): void {
    const op = this.current.find((s) => s.kind === "op" && result.kind === "value" && s.result === result.id) as Op | undefined;
    if (!op) throw new Error("setMember: no such operation in the current block");
    op.member = member;
  }

  shapeOf(a: Operand): Shape | undefined {
    return a.kind === "value" ? this.values[a.id].shape : undefined;
  }

  /** Starts a source statement; the operations emitted next belong to it. */
  statement(text: string, span: Span): number {
    this.statements.push({ text, span });
    return this.statements.length - 1;
  }

  get currentStatement(): number {
    return this.statements.length - 1;
  }

  /** Appends `%result = prim args` to the current block and returns the new value. */
  op(prim: string, args: Operand[], span: Span, hint = ""): Operand {
    const rule = ruleOf(prim);
    const type: ValueType =
      rule.returns === "boolean" ? "boolean" : rule.returns === "branches" ? operandType(args[1], this.values) : "number";
    const result = this.newValue(hint, type, span);
    const op: Op = { kind: "op", result, prim, args, stmt: this.currentStatement, span };
    this.current.push(op);
    return { kind: "value", id: result };
  }

  /** Runs `build` with a fresh block as the current one; returns the block and what build returned. */
  inBlock<T>(build: () => T): [Block, T] {
    const block: Block = [];
    this.blocks.push(block);
    try {
      return [block, build()];
    } finally {
      this.blocks.pop();
    }
  }

  /** A new value for a phi or a loop's carried variable, named like the variable. */
  joinValue(hint: string, type: ValueType, span: Span, synthetic = false, like?: Operand): ValueId {
    const id = this.newValue(hint, type, span);
    if (synthetic) this.values[id].synthetic = true;
    // a version of a local array keeps its shape
    const shape = like && this.shapeOf(like);
    if (shape) this.values[id].shape = shape;
    return id;
  }

  addIf(cond: Operand, then: Block, otherwise: Block, phis: Phi[], span: Span, stmt: number): IfRegion {
    const region: IfRegion = { kind: "if", id: ++this.regions, cond, then, else: otherwise, phis, stmt, span };
    this.current.push(region);
    return region;
  }

  addLoop(carried: Carried[], header: Block, cond: Operand, body: Block, span: Span, stmt: number): LoopRegion {
    const region: LoopRegion = { kind: "loop", id: ++this.regions, carried, header, cond, body, stmt, span };
    this.current.push(region);
    return region;
  }

  /** Gives a temporary the name of the variable it was assigned to (`const q = x + y` names the add `q`). */
  nameValue(operand: Operand, hint: string): void {
    if (operand.kind !== "value") return;
    const v = this.values[operand.id];
    if (v.hint === "" && !this.params.some((p) => p.value === v.id)) v.hint = hint;
  }

  typeOf(a: Operand): ValueType {
    return operandType(a, this.values);
  }

  finish(result: Operand): Func {
    return {
      name: this.name,
      params: this.params,
      values: this.values,
      body: this.blocks[0],
      result,
      statements: this.statements,
      span: this.span,
    };
  }

  private get current(): Block {
    return this.blocks[this.blocks.length - 1];
  }

  private newValue(hint: string, type: ValueType, span: Span): ValueId {
    const id = this.values.length;
    this.values.push({ id, hint, type, span });
    return id;
  }
}
