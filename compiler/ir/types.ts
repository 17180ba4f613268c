// The SSA intermediate representation with structured control flow.
// A Func's body is a block: a list of statements, each an operation or a region (an if or a
// loop) holding blocks of its own. Every operation defines exactly one new value and reads
// only parameters, constants and values defined earlier on its path; a value defined in a
// block is visible in that block (after its definition) and in the blocks nested in it.
// Reassigning a source variable makes a new value with the same name hint; where control
// flow joins, phis (ifs) and carried values (loops) merge them. No value ever changes.

/** A place in the user's source: 1-based line and column, as editors show them. */
export interface Span {
  file: string;
  start: number;
  end: number;
  line: number;
  col: number;
}

export type ValueId = number;

/** What an operation reads: a value or a literal. `text` keeps how a named constant was written (`Math.PI`, `true`). */
export type Operand = { kind: "value"; id: ValueId } | { kind: "const"; value: number; text?: string };

export type ValueType = "number" | "boolean" | "object";

/** The shape of a parameter or of a part of one: a number, an array (of numbers or arrays), or a record. */
export type Shape =
  | { kind: "number" }
  | { kind: "array"; element: Shape; container: "array" | "Float64Array" | "Float32Array"; readonly: boolean; tuple?: number }
  | { kind: "record"; fields: { name: string; shape: Shape }[] };

export const NUMBER: Shape = { kind: "number" };

export interface Value {
  id: ValueId;
  /** The source variable this value was assigned to, or "" for an expression temporary. */
  hint: string;
  type: ValueType;
  /** For objects (arrays, records): their shape. */
  shape?: Shape;
  /** A variable of adc's own (a flag for break, continue or return), not the user's. */
  synthetic?: boolean;
  span: Span;
}

export interface Op {
  kind: "op";
  result: ValueId;
  /** A key of RULES. */
  prim: string;
  args: Operand[];
  /** For `field`: the record field read (`p.W1`). For `call`: the tagged function called. */
  member?: string;
  /** For `allocate`: the shape of the new array (Array or Float64Array, of numbers or of rows). */
  shape?: Shape;
  /** Index into Func.statements: the source statement this operation came from. */
  stmt: number;
  span: Span;
}

/** `result` is `then` when the if took its then-branch, else `else`. */
export interface Phi {
  result: ValueId;
  then: Operand;
  else: Operand;
}

// if (cond) { then } else { else }, then the phis.
export interface IfRegion {
  kind: "if";
  /** Numbers the regions of a function (`if1`, `loop2`), for names in the emitted code. */
  id: number;
  cond: Operand;
  then: Block;
  else: Block;
  phis: Phi[];
  stmt: number;
  span: Span;
}

/** A variable the loop changes: `phi` is its value at the start of an iteration (first `init`, then the previous iteration's `latch`); `result` its value after the loop. */
export interface Carried {
  phi: ValueId;
  init: Operand;
  latch: Operand;
  result: ValueId;
}

// Test at the top: phis = inits; loop { header; if (!cond) break; body; phis = latches }; results = phis.
export interface LoopRegion {
  kind: "loop";
  id: number;
  carried: Carried[];
  /** Computes `cond` from the phis (and values from before the loop). */
  header: Block;
  cond: Operand;
  body: Block;
  stmt: number;
  span: Span;
}

export type Stmt = Op | IfRegion | LoopRegion;
export type Block = Stmt[];

export interface Param {
  name: string;
  value: ValueId;
  shape: Shape;
  /** True when the gradient record has an entry for this parameter (the tag's wrt list, or all). */
  wrt: boolean;
}

export interface SourceStatement {
  /** The statement's text on one line, for the comments of the reverse sweep. */
  text: string;
  span: Span;
}

/**
 * A function a Func calls: a tagged one (its IR and adjoint), or one with a derivative the user
 * wrote, which the interpreters can only run given its JavaScript (`js`, set by a test).
 */
export interface Callee {
  func?: Func;
  adjoint?: unknown;
  /** For a custom one: its derivative's name, its parameters, and which are in its gradient record. */
  custom?: { gradInto: string; params: string[]; wrt: boolean[] };
  js?: { value: (...args: unknown[]) => number; gradInto: (...args: unknown[]) => number };
}

export interface Func {
  name: string;
  /** The tagged functions this one calls, by name, once the whole file is compiled (for the interpreters). */
  callees?: Map<string, Callee>;
  params: Param[];
  /** Indexed by ValueId. */
  values: Value[];
  body: Block;
  result: Operand;
  statements: SourceStatement[];
  span: Span;
}

export const value = (id: ValueId): Operand => ({ kind: "value", id });
export const constant = (v: number, text?: string): Operand =>
  text === undefined ? { kind: "const", value: v } : { kind: "const", value: v, text };
export const TRUE: Operand = { kind: "const", value: 1, text: "true" };
export const FALSE: Operand = { kind: "const", value: 0, text: "false" };

/** Every operation of a block, nested regions included, in forward order. */
export function* opsOf(block: Block): Generator<Op> {
  for (const s of block) {
    if (s.kind === "op") yield s;
    else if (s.kind === "if") {
      yield* opsOf(s.then);
      yield* opsOf(s.else);
    } else {
      yield* opsOf(s.header);
      yield* opsOf(s.body);
    }
  }
}

/** Every region of a block, nested ones included, outer first. */
export function* regionsOf(block: Block): Generator<IfRegion | LoopRegion> {
  for (const s of block) {
    if (s.kind === "op") continue;
    yield s;
    if (s.kind === "if") {
      yield* regionsOf(s.then);
      yield* regionsOf(s.else);
    } else {
      yield* regionsOf(s.header);
      yield* regionsOf(s.body);
    }
  }
}

/** The values a statement defines at its own level (an op's result, an if's phis, a loop's results). */
export function definedBy(s: Stmt): ValueId[] {
  if (s.kind === "op") return [s.result];
  if (s.kind === "if") return s.phis.map((p) => p.result);
  return s.carried.map((c) => c.result);
}

export function operandType(a: Operand, values: Value[]): ValueType {
  if (a.kind === "value") return values[a.id].type;
  return a.text === "true" || a.text === "false" ? "boolean" : "number";
}
