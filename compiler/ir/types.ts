// The SSA intermediate representation.
// A Func is a list of operations in forward order; every operation defines exactly one new
// value and reads only parameters, earlier values and constants. Reassigning a source
// variable makes a new value with the same name hint, so no value ever changes.

/** A place in the user's source: 1-based line and column, as editors show them. */
export interface Span {
  file: string;
  start: number;
  end: number;
  line: number;
  col: number;
}

export type ValueId = number;

/** What an operation reads: a value or a literal. `text` keeps how a named constant was written (`Math.PI`). */
export type Operand = { kind: "value"; id: ValueId } | { kind: "const"; value: number; text?: string };

export interface Value {
  id: ValueId;
  /** The source variable this value was assigned to, or "" for an expression temporary. */
  hint: string;
  span: Span;
}

export interface Op {
  result: ValueId;
  /** A key of RULES. */
  prim: string;
  args: Operand[];
  /** Index into Func.statements: the source statement this operation came from. */
  stmt: number;
  span: Span;
}

export interface Param {
  name: string;
  value: ValueId;
  /** True when the gradient record has an entry for this parameter (the tag's wrt list, or all). */
  wrt: boolean;
}

export interface SourceStatement {
  /** The statement's text on one line, for the comments of the reverse sweep. */
  text: string;
  span: Span;
}

export interface Func {
  name: string;
  params: Param[];
  /** Indexed by ValueId. */
  values: Value[];
  body: Op[];
  result: Operand;
  statements: SourceStatement[];
  span: Span;
}

export const value = (id: ValueId): Operand => ({ kind: "value", id });
export const constant = (v: number, text?: string): Operand =>
  text === undefined ? { kind: "const", value: v } : { kind: "const", value: v, text };
