// The IR interpreter: runs a Func, or an adjoint program, on numbers (booleans are 0 and 1).
// It is the test oracle (it must agree with the original TypeScript and with the emitted
// code) and will draw the graph pictures (every value of the forward sweep, every adjoint of
// the reverse sweep).
import { ruleOf } from "../rules/table.js";
import type { Block, Func, Op, Operand, Shape, ValueId } from "./types.js";

export interface Run {
  value: number;
  /** Every value computed, by id (in a loop, the last iteration's). */
  values: Map<ValueId, number>;
}

/** A loop that runs longer than this is reported instead of hanging a test. */
const MAX_ITERATIONS = 100_000_000;

export function interpret(f: Func, args: number[]): Run {
  const values = bindParams(f, args);
  runBlock(f.body, values, undefined, f.callees);
  return { value: operand(f.result, values), values };
}

export function runBlock(
  block: Block,
  values: Map<ValueId, number>,
  onIteration?: (loopId: number) => void,
  callees?: Func["callees"],
): void {
  for (const s of block) {
    if (s.kind === "op") {
      values.set(s.result, evalOp(s, values, callees));
    } else if (s.kind === "if") {
      const taken = operand(s.cond, values) !== 0;
      runBlock(taken ? s.then : s.else, values, onIteration, callees);
      for (const p of s.phis) values.set(p.result, operand(taken ? p.then : p.else, values));
    } else {
      for (const c of s.carried) values.set(c.phi, operand(c.init, values));
      for (let n = 0; ; n++) {
        if (n > MAX_ITERATIONS) throw new Error(`loop${s.id} ran more than ${MAX_ITERATIONS} iterations`);
        runBlock(s.header, values, onIteration, callees);
        if (operand(s.cond, values) === 0) break;
        onIteration?.(s.id);
        runBlock(s.body, values, onIteration, callees);
        // all latches are read before any phi changes (a swap stays a swap)
        const next = s.carried.map((c) => operand(c.latch, values));
        s.carried.forEach((c, k) => values.set(c.phi, next[k]));
      }
      for (const c of s.carried) values.set(c.result, values.get(c.phi)!);
    }
  }
}

/**
 * An operation's value. Arrays and records (parameters, and the rows and fields read from them)
 * are held in the same map as numbers; only the access primitives look inside them.
 */
export function evalOp(op: Op, values: Map<ValueId, number>, callees?: Func["callees"]): number {
  const args = op.args.map((a) => operand(a, values));
  if (op.prim === "callTagged") {
    const callee = callees?.get(op.member!);
    if (callee?.func) return interpret(callee.func, args).value;
    if (callee?.js) return callee.js.value(...args);
    throw new Error(`the interpreter does not know '${op.member}'`);
  }
  if (op.prim === "index") return (args[0] as unknown as ArrayLike<number>)[args[1]];
  if (op.prim === "allocate" || op.prim === "arrayLiteral" || op.prim === "load" || op.prim === "store") return localArray(op, args);
  if (op.prim === "field") return (args[0] as unknown as Record<string, number>)[op.member!];
  if (op.prim === "length") return (args[0] as unknown as ArrayLike<number>).length;
  return ruleOf(op.prim).eval(...args);
}

export function bindParams(f: Func, args: number[]): Map<ValueId, number> {
  if (args.length !== f.params.length) throw new Error(`${f.name} takes ${f.params.length} arguments, got ${args.length}`);
  return new Map(f.params.map((p, i) => [p.value, args[i]]));
}

export function operand(a: Operand, values: Map<ValueId, number>): number {
  return a.kind === "const" ? a.value : mustGet(values, a.id, "value");
}

export function mustGet(m: Map<ValueId, number>, id: ValueId, what: string): number {
  const v = m.get(id);
  if (v === undefined) throw new Error(`${what} %${id} read before it is computed`);
  return v;
}

type Nested = number | Nested[] | Float64Array | Float32Array;

/**
 * A local array's operation, in value semantics: a write copies the array (and the row written)
 * and returns the copy, so every version keeps its elements. The emitted code writes in place;
 * the two agree only if no old version is read after a write, which is what they test.
 */
function localArray(op: Op, args: number[]): number {
  const any = args as unknown as Nested[];
  const make = (shape: Shape, sizes: number[], fill: number): Nested => {
    if (shape.kind !== "array") throw new Error("allocate: not an array shape");
    const n = sizes[0];
    if (shape.element.kind === "array") return Array.from({ length: n }, () => make(shape.element, sizes.slice(1), fill));
    if (shape.container === "Float64Array") return new Float64Array(n).fill(fill);
    if (shape.container === "Float32Array") return new Float32Array(n).fill(fill);
    return new Array<number>(n).fill(fill);
  };
  const copy = (a: Nested): Nested => (typeof a === "number" ? a : Array.isArray(a) ? [...a] : a.slice());
  switch (op.prim) {
    case "allocate":
      return make(op.shape!, args.slice(1), args[0]) as unknown as number;
    case "arrayLiteral":
      return [...args] as unknown as number;
    case "load": {
      let x: Nested = any[0];
      for (const i of args.slice(1)) x = (x as Nested[])[i];
      return x as number;
    }
    default: {
      // store [A, i, j…, v]
      const indices = args.slice(1, -1);
      const top = copy(any[0]);
      let at = top as Nested[];
      for (const i of indices.slice(0, -1)) {
        if (at[i] === undefined) throw new Error(`write out of bounds at ${i}`);
        at[i] = copy(at[i]);
        at = at[i] as Nested[];
      }
      const last = indices[indices.length - 1];
      if (!(last >= 0 && last < (at as unknown as ArrayLike<number>).length && Number.isInteger(last)))
        throw new Error(`write out of bounds at ${last}`);
      at[last] = args[args.length - 1];
      return top as unknown as number;
    }
  }
}
