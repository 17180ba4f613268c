// Runs an adjoint program on numbers: the forward sweep (recording what the reverse sweep
// needs, on plain arrays) and the reverse sweep, statement by statement as the emitted code
// would. The test oracle between the IR and the emitted TypeScript.
import type { AdjStmt, Adjoint } from "./adjoint.js";
import type { Expr } from "./expr.js";
import { bindParams, evalOp, mustGet, operand } from "./interpret.js";
import { zerosLike } from "../../runtime/zeros-like.js";
import { ruleOf } from "../rules/table.js";
import { opsOf, type Block, type ValueId } from "./types.js";

export interface GradientRun {
  value: number;
  /** Gradient record entries by parameter name (wrt parameters only). */
  grad: Record<string, number>;
  /** The most values the stacks held at once, per stack kind. */
  peak: { values: number; bits: number; trips: number };
}

export function interpretAdjoint(a: Adjoint, args: number[], seed = 1): GradientRun {
  const values = bindParams(a.func, args);
  const stacks = new Map<ValueId, number[]>();
  const bits = new Map<number, boolean[]>();
  const trips = new Map<number, number[]>();
  const counters = new Map<number, number>();
  const peak = { values: 0, bits: 0, trips: 0 };
  let held = { values: 0, bits: 0, trips: 0 };
  const push = <K>(m: Map<K, unknown[]>, k: K, v: unknown, kind: keyof typeof held) => {
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(v);
    held = { ...held, [kind]: held[kind] + 1 };
    peak[kind] = Math.max(peak[kind], held[kind]);
  };
  const pop = <K, V>(m: Map<K, V[]>, k: K, kind: keyof typeof held): V => {
    const s = m.get(k);
    if (!s?.length) throw new Error(`pop from an empty stack (${String(kind)} ${String(k)})`);
    held = { ...held, [kind]: held[kind] - 1 };
    return s.pop()!;
  };
  const snapshots = new Map<ValueId, unknown[]>();
  const record = (v: ValueId) => {
    if (a.recording.stacked.has(v)) push(stacks, v, values.get(v)!, "values");
    // a version of a local array: its elements (a copy; the version itself is never changed here)
    if (a.recording.snapshots.has(v)) push(snapshots, v, Array.from(values.get(v) as unknown as ArrayLike<number>), "values");
  };

  const forward = (b: Block) => {
    for (const s of b) {
      if (s.kind === "op") {
        values.set(s.result, evalOp(s, values, a.func.callees));
        record(s.result);
      } else if (s.kind === "if") {
        const taken = operand(s.cond, values) !== 0;
        if (a.recording.bits.has(s.id)) push(bits, s.id, taken, "bits");
        forward(taken ? s.then : s.else);
        for (const p of s.phis) {
          values.set(p.result, operand(taken ? p.then : p.else, values));
          record(p.result);
        }
      } else {
        for (const c of s.carried) values.set(c.phi, operand(c.init, values));
        let n = 0;
        for (;;) {
          forward(s.header);
          if (operand(s.cond, values) === 0) break;
          n++;
          for (const c of s.carried) record(c.phi);
          forward(s.body);
          const next = s.carried.map((c) => operand(c.latch, values));
          s.carried.forEach((c, k) => values.set(c.phi, next[k]));
        }
        for (const c of s.carried) {
          values.set(c.result, values.get(c.phi)!);
          record(c.result);
        }
        const how = a.recording.trips.get(s.id);
        if (how === "local") counters.set(s.id, n);
        else if (how === "stack") push(trips, s.id, n, "trips");
      }
    }
  };
  forward(a.forward);
  const value = operand(a.func.result, values);

  const adjoints = new Map<ValueId, number>();
  const ops = new Map([...opsOf(a.func.body)].map((op) => [op.result, op]));
  // the adjoint of an array or record parameter is a zero copy of it; a row or a field of it
  // is a view into that copy (the reverse sweep adds into it in place)
  const records = new Map<ValueId, unknown>();
  for (const p of a.func.params) if (p.shape.kind !== "number") records.set(p.value, zerosLike(values.get(p.value)));
  const view = (v: ValueId): Record<string | number, unknown> => {
    if (records.has(v)) return records.get(v) as Record<string | number, unknown>;
    const op = ops.get(v);
    if (!op || (op.prim !== "index" && op.prim !== "field")) throw new Error(`%${v} has no adjoint to add into`);
    const container = view((op.args[0] as { id: ValueId }).id);
    const key = op.prim === "field" ? op.member! : operand(op.args[1], values);
    return container[key] as Record<string | number, unknown>;
  };
  const iteration = new Map<number, number>();
  const reverse = (list: AdjStmt[]) => {
    for (const s of list) {
      if (s.kind === "declare") adjoints.set(s.target, 0);
      else if (s.kind === "zeros") {
        // a local array's adjoint: zeros of the array's shape (its sizes are the allocation's operands)
        const op = ops.get(s.target)!;
        const zeros = (sizes: number[], rows: boolean): unknown =>
          sizes.length > 1 ? Array.from({ length: sizes[0] }, () => zeros(sizes.slice(1), rows)) : new Array<number>(sizes[0]).fill(0);
        const sizes = op.prim === "allocate" ? op.args.slice(1).map((x) => operand(x, values)) : [op.args.length];
        records.set(s.target, zeros(sizes, true));
      } else if (s.kind === "pop") values.set(s.value, pop(stacks, s.value, "values"));
      else if (s.kind === "restore") values.set(s.value, pop(snapshots, s.value, "values") as number);
      else if (s.kind === "recompute") values.set(s.value, evalOp(ops.get(s.value)!, values, a.func.callees));
      else if (s.kind === "call") {
        // the callee's adjoint at these arguments, with this call's adjoint as seed
        const callee = a.func.callees?.get(s.op.member!);
        const args = s.op.args.map((x) => operand(x, values));
        const g = evalExpr(s.seed, values, adjoints, seed, records);
        let grad: Record<string, unknown>;
        let names: string[];
        if (callee?.adjoint && callee.func) {
          grad = interpretAdjoint(callee.adjoint as Adjoint, args, g).grad;
          names = callee.func.params.map((p) => p.name);
        } else if (callee?.js && callee.custom) {
          // a derivative the user wrote: run it, into a zero record of the differentiated parameters
          const { params, wrt } = callee.custom;
          names = params;
          grad = Object.fromEntries(names.flatMap((n, k) => (wrt[k] ? [[n, zerosLike(args[k] as never)]] : [])));
          callee.js.gradInto(...args, grad, g);
        } else throw new Error(`the adjoint interpreter does not know '${s.op.member}'`);
        s.targets.forEach((t, k) => {
          if (t === null || grad[names[k]] === undefined) return;
          const part = grad[names[k]];
          if (typeof part === "number") adjoints.set(t, mustGet(adjoints, t, "adjoint") + part);
          else addInto(view(t), part);
        });
      } else if (s.kind === "induction") values.set(s.value, operand(s.init, values) + iteration.get(s.loop)! * s.step);
      else if (s.kind === "update" && s.path) {
        // into a part of an array's or record's adjoint
        let container = view(s.target);
        const steps = s.path.map((step) => ("field" in step ? step.field : evalExpr(step.index, values, adjoints, seed, records)));
        for (const key of steps.slice(0, -1)) container = container[key] as Record<string | number, unknown>;
        const x = evalExpr(s.expr, values, adjoints, seed, records);
        const slot = container as Record<string | number, number>;
        if (s.mode === "set") slot[steps[steps.length - 1]] = x;
        else slot[steps[steps.length - 1]] += x;
      } else if (s.kind === "update") {
        const v = evalExpr(s.expr, values, adjoints, seed, records);
        adjoints.set(s.target, s.mode === "add" ? mustGet(adjoints, s.target, "adjoint") + v : v);
      } else if (s.kind === "guard") {
        if (evalExpr(s.cond, values, adjoints, seed, records) !== 0) reverse(s.body);
      } else if (s.kind === "if") {
        const taken = s.decision === "stack" ? pop(bits, s.region.id, "bits") : evalExpr(s.decision, values, adjoints, seed, records) !== 0;
        reverse(taken ? s.then : s.else);
      } else {
        const n =
          s.trips === "computed"
            ? evalExpr(s.count!, values, adjoints, seed, records)
            : s.trips === "local"
              ? counters.get(s.region.id)!
              : pop(trips, s.region.id, "trips");
        for (let k = n - 1; k >= 0; k--) {
          iteration.set(s.region.id, k);
          reverse(s.body);
        }
      }
    }
  };
  reverse(a.reverse);
  const grad: Record<string, number> = {};
  for (const { param, adjoint } of a.gradients) {
    if (param.shape.kind !== "number") grad[param.name] = records.get(param.value) as number;
    else grad[param.name] = adjoint === null ? 0 : mustGet(adjoints, adjoint, "adjoint");
  }
  return { value, grad, peak };
}

/** Adds a gradient of an array or record into another of the same shape, leaf by leaf. */
function addInto(into: unknown, part: unknown): void {
  const a = into as Record<string | number, unknown>;
  const b = part as Record<string | number, unknown>;
  for (const k of Object.keys(b)) {
    if (typeof b[k] === "number") (a[k] as number) += b[k] as number;
    else addInto(a[k], b[k]);
  }
}

export function evalExpr(
  e: Expr,
  values: Map<ValueId, number>,
  adjoints: Map<ValueId, number>,
  seed = 1,
  arrays: Map<ValueId, unknown> = new Map(),
): number {
  switch (e.k) {
    case "const":
      return e.value;
    case "val":
      return mustGet(values, e.id, "value");
    case "adj":
      return mustGet(adjoints, e.id, "adjoint");
    case "adjAt": {
      // an element of a local array's adjoint
      let x = arrays.get(e.id) as unknown;
      if (x === undefined) throw new Error(`the adjoint of local array %${e.id} is read before it is made`);
      for (const i of e.at) x = (x as unknown[])[evalExpr(i, values, adjoints, seed, arrays)];
      return x as number;
    }
    case "role":
      if (e.role === "seed") return seed;
      throw new Error(`unbound role ${e.role}`);
    case "prim":
      return ruleOf(e.prim).eval(...e.args.map((x) => evalExpr(x, values, adjoints, seed, arrays)));
  }
}
