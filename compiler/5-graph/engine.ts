// The graph's engine: runs a function's IR at a point and records every operation it executes
// (a trace: one node per operation instance, keyed by the operation and its loop iterations),
// then runs the chain rule backwards over that trace, node by node: each operand of a node
// receives `local gradient x upstream gradient`, and gradients add where a value fans out.
//
// The same code runs in two places: here, to draw the picture, and inside the HTML page, where
// it runs again each time the learner changes an input. So this file imports nothing at run
// time and holds only plain function declarations: the page embeds them with toString(). The
// primitives come in as `Prims` (the rule table: evaluated here, printed as JavaScript for the
// page). test/graph.test.ts checks it against the IR interpreters (interpret, interpretAdjoint).
import type { Block, Operand, Param, Shape, ValueId } from "../ir/types.js";

/** A function's IR as the engine and the page read it: plain data (no spans), its callees inside. */
export interface Program {
  name: string;
  params: Pick<Param, "name" | "value" | "shape">[];
  body: Block;
  result: Operand;
  /** Per value id: the source variable's name, or "" for a temporary. */
  hints: string[];
  /** Tagged functions it calls; null for one whose derivative the user wrote (the engine cannot run it). */
  callees: Record<string, Program | null>;
}

/** The rule table, as the engine needs it. */
export interface Prims {
  kind(prim: string): "partials" | "vjp" | "zero" | "access" | "call" | "local";
  evaluate(prim: string, xs: number[]): number;
  /** The rule's gradient per operand at these operands and result: the local gradient ("partials"), or the routed upstream `g` ("vjp"); null: none. */
  grad(prim: string, xs: number[], out: number, g: number): (number | null)[];
}

/** A number, an array (nested, or typed) or a record: what values and gradients are. */
export type Val = unknown;

/** Where an operand comes from: a node of the trace, or a literal. */
export type Arg = { key: string } | { c: number; text?: string };

export interface TraceNode {
  key: string;
  kind: "param" | "op" | "phi";
  /** The parameter's index (kind "param"). */
  param?: number;
  /** The operation's value id (op: its result; phi: the phi's). */
  id?: ValueId;
  prim?: string;
  member?: string;
  /** For a phi: the if region and the branch it took. */
  region?: number;
  branch?: "then" | "else";
  value: Val;
  args: Arg[];
  /** The operands' values, in order. */
  inputs: Val[];
  /** The loops around it, outer first: [loop id, iteration from 0]. */
  path: [number, number][];
  /** For a call: the callee's own trace (its gradient is the local gradient of the call). */
  inner?: Trace;
}

export interface LoopRun {
  key: string;
  loop: number;
  trips: number;
  path: [number, number][];
}

export interface Trace {
  nodes: TraceNode[];
  result: Arg;
  value: Val;
  loops: LoopRun[];
  /** The path taken: each if's branch and each loop's trip count, in order (`if2:then`, `loop1:3`). */
  decisions: string[];
}

export interface Backprop {
  /** Per node key: d(seed * f)/d(node); absent when nothing flows into it. */
  adjoint: Map<string, Val>;
  /** Per operand edge `key#k`: the local gradient, and the contribution local x upstream it passes back. */
  edges: Map<string, { local: Val; upstream: Val; contribution: Val }>;
}

/** Runs `prog` at `args`, recording every operation executed. */
export function traceProgram(prog: Program, args: Val[], P: Prims): Trace {
  const nodes: TraceNode[] = [];
  const loops: LoopRun[] = [];
  const decisions: string[] = [];
  const env = new Map<ValueId, Arg>();
  const vals = new Map<ValueId, Val>();
  const path: [number, number][] = [];
  const suffix = () => path.map((s) => `_${s[0]}_${s[1]}`).join("");
  const argOf = (a: Operand): Arg =>
    a.kind === "const" ? (a.text === undefined ? { c: a.value } : { c: a.value, text: a.text }) : env.get(a.id)!;
  const valOf = (a: Operand): Val => (a.kind === "const" ? a.value : vals.get(a.id));
  if (args.length !== prog.params.length) throw new Error(`${prog.name} takes ${prog.params.length} arguments, got ${args.length}`);
  prog.params.forEach((p, i) => {
    const key = `p${i}`;
    nodes.push({ key, kind: "param", param: i, value: args[i], args: [], inputs: [], path: [] });
    env.set(p.value, { key });
    vals.set(p.value, args[i]);
  });
  let steps = 0;
  const run = (b: Block) => {
    for (const s of b) {
      if (s.kind === "op") {
        const xs = s.args.map(valOf);
        const node: TraceNode = {
          key: `v${s.result}${suffix()}`,
          kind: "op",
          id: s.result,
          prim: s.prim,
          value: 0,
          args: s.args.map(argOf),
          inputs: xs,
          path: path.map((x) => [x[0], x[1]]),
        };
        if (s.member !== undefined) node.member = s.member;
        if (s.prim === "callTagged") {
          const callee = prog.callees[s.member!];
          if (!callee) throw new Error(`cannot run '${s.member}': its derivative is one you wrote`);
          node.inner = traceProgram(callee, xs, P);
          node.value = node.inner.value;
        } else node.value = evalPrimitive(s.prim, s.member, s.shape, xs, P);
        nodes.push(node);
        env.set(s.result, { key: node.key });
        vals.set(s.result, node.value);
      } else if (s.kind === "if") {
        const taken = valOf(s.cond) !== 0;
        decisions.push(`if${s.id}${suffix()}:${taken ? "then" : "else"}`);
        run(taken ? s.then : s.else);
        for (const p of s.phis) {
          const a = taken ? p.then : p.else;
          const key = `v${p.result}${suffix()}`;
          const node: TraceNode = {
            key,
            kind: "phi",
            id: p.result,
            region: s.id,
            branch: taken ? "then" : "else",
            value: valOf(a),
            args: [argOf(a)],
            inputs: [valOf(a)],
            path: path.map((x) => [x[0], x[1]]),
          };
          nodes.push(node);
          env.set(p.result, { key });
          vals.set(p.result, node.value);
        }
      } else {
        // a loop: its carried variables pass from iteration to iteration (no node of their own)
        const key = `L${s.id}${suffix()}`;
        const at = path.map((x): [number, number] => [x[0], x[1]]);
        for (const c of s.carried) {
          env.set(c.phi, argOf(c.init));
          vals.set(c.phi, valOf(c.init));
        }
        let n = 0;
        for (;;) {
          if (++steps > 1_000_000) throw new Error(`the loop on ${prog.name} runs too long to draw`);
          path.push([s.id, n]);
          run(s.header);
          if (valOf(s.cond) === 0) {
            path.pop();
            break;
          }
          run(s.body);
          const next = s.carried.map((c) => [argOf(c.latch), valOf(c.latch)] as const);
          s.carried.forEach((c, k) => {
            env.set(c.phi, next[k][0]);
            vals.set(c.phi, next[k][1]);
          });
          path.pop();
          n++;
        }
        for (const c of s.carried) {
          env.set(c.result, env.get(c.phi)!);
          vals.set(c.result, vals.get(c.phi));
        }
        decisions.push(`loop${s.id}${suffix()}:${n}`);
        loops.push({ key, loop: s.id, trips: n, path: at });
      }
    }
  };
  run(prog.body);
  return { nodes, result: argOf(prog.result), value: valOf(prog.result), loops, decisions };
}

/** One primitive's value; arrays and records are read and (locally) written in value semantics. */
export function evalPrimitive(prim: string, member: string | undefined, shape: Shape | undefined, xs: Val[], P: Prims): Val {
  const any = xs as any[];
  if (prim === "index") return any[0][any[1]];
  if (prim === "field") return any[0][member!];
  if (prim === "length") return any[0].length;
  if (prim === "allocate") {
    const make = (sh: Shape, sizes: number[]): Val => {
      if (sh.kind !== "array") throw new Error("allocate: not an array shape");
      const n = sizes[0];
      if (sh.element.kind === "array") return Array.from({ length: n }, () => make(sh.element, sizes.slice(1)));
      if (sh.container === "Float64Array") return new Float64Array(n).fill(any[0]);
      if (sh.container === "Float32Array") return new Float32Array(n).fill(any[0]);
      return new Array(n).fill(any[0]);
    };
    return make(shape!, any.slice(1));
  }
  if (prim === "arrayLiteral") return [...any];
  if (prim === "load") {
    let x = any[0];
    for (const i of any.slice(1)) x = x[i];
    return x;
  }
  if (prim === "store") return placed(any[0], any.slice(1, -1), any[any.length - 1], false);
  return P.evaluate(prim, xs as number[]);
}

/** A copy of `into` with the element at `at` replaced by `v` (added to it when `add`), copying only the rows on the way. */
export function placed(into: Val, at: (number | string)[], v: Val, add: boolean): Val {
  const top: any = copyShallow(into);
  let row = top;
  for (const i of at.slice(0, -1)) {
    row[i] = copyShallow(row[i]);
    row = row[i];
  }
  const last = at[at.length - 1];
  row[last] = add ? addGrads(row[last], v) : v;
  return top;
}

export function copyShallow(x: any): any {
  if (Array.isArray(x)) return [...x];
  if (x instanceof Float64Array || x instanceof Float32Array) return x.slice();
  return { ...x };
}

/** A value's shape, every number 0. */
export function zerosOf(x: Val): Val {
  if (typeof x === "number") return 0;
  if (x instanceof Float64Array) return new Float64Array(x.length);
  if (x instanceof Float32Array) return new Float32Array(x.length);
  if (Array.isArray(x)) return x.map(zerosOf);
  return Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, zerosOf(v)]));
}

/** a + b, for numbers, arrays and records of the same shape (undefined is zero); never changes a or b. */
export function addGrads(a: Val, b: Val): Val {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (typeof a === "number") return a + (b as number);
  if (Array.isArray(a) || a instanceof Float64Array || a instanceof Float32Array) {
    const out: any = copyShallow(a);
    for (let i = 0; i < out.length; i++) out[i] = addGrads(out[i], (b as any)[i]);
    return out;
  }
  const out: any = { ...(a as object) };
  for (const k of Object.keys(b as object)) out[k] = addGrads(out[k], (b as any)[k]);
  return out;
}

/** s * x for a number s. */
export function scaleGrad(x: Val, s: number): Val {
  if (typeof x === "number") return x * s;
  if (Array.isArray(x) || x instanceof Float64Array || x instanceof Float32Array) {
    const out: any = copyShallow(x);
    for (let i = 0; i < out.length; i++) out[i] = scaleGrad(out[i], s);
    return out;
  }
  return Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, scaleGrad(v, s)]));
}

/**
 * The chain rule over a trace, last node to first: a node that received an adjoint passes
 * `local x upstream` to each differentiable operand. Nothing flows from a node nothing reached.
 */
export function backpropTrace(t: Trace, P: Prims, seed = 1): Backprop {
  const adjoint = new Map<string, Val>();
  const edges = new Map<string, { local: Val; upstream: Val; contribution: Val }>();
  if ("key" in t.result) adjoint.set(t.result.key, seed);
  for (let n = t.nodes.length - 1; n >= 0; n--) {
    const node = t.nodes[n];
    const g = adjoint.get(node.key);
    if (g === undefined || node.kind === "param") continue;
    const parts = localGradients(node, g, P);
    node.args.forEach((a, k) => {
      const part = parts[k];
      if (!("key" in a) || part === null || part.contribution === undefined) return;
      edges.set(`${node.key}#${k}`, { local: part.local, upstream: g, contribution: part.contribution });
      adjoint.set(a.key, addGrads(adjoint.get(a.key), part.contribution));
    });
  }
  return { adjoint, edges };
}

/** Per operand of a node: its local gradient and what it passes back given the upstream g; null when it has no derivative. */
export function localGradients(node: TraceNode, g: Val, P: Prims): ({ local: Val; contribution: Val } | null)[] {
  const xs = node.inputs as any[];
  if (node.kind === "phi") return [{ local: 1, contribution: g }];
  const prim = node.prim!;
  const kind = P.kind(prim);
  if (kind === "zero") return xs.map(() => null);
  if (kind === "partials" || kind === "vjp") {
    const locals = P.grad(prim, xs, node.value as number, 1);
    const routed = kind === "vjp" ? P.grad(prim, xs, node.value as number, g as number) : [];
    return locals.map((l, k) => (l === null ? null : { local: l, contribution: kind === "vjp" ? routed[k] : l * (g as number) }));
  }
  if (kind === "access") {
    // a[i], p.W1: the adjoint goes into that part of the container's
    const at = prim === "field" ? node.member! : xs[1];
    return xs.map((x, k) => (k === 0 ? { local: 1, contribution: placed(zerosOf(x), [at], g, false) } : null));
  }
  if (kind === "call") {
    // the callee's own gradient at these arguments is the local gradient
    const inner = backpropTrace(node.inner!, P, 1).adjoint;
    return xs.map((_, k) => {
      const local = inner.get(`p${k}`);
      return local === undefined ? null : { local, contribution: scaleGrad(local, g as number) };
    });
  }
  // local arrays: a read adds into its element; a write hands the element's adjoint to the value
  // written, and the array before it gets nothing there; a literal hands each element's on
  const at = (x: any, idx: any[]) => idx.reduce((r, i) => (r === undefined ? undefined : r[i]), x);
  if (prim === "load") return xs.map((x, k) => (k === 0 ? { local: 1, contribution: placed(zerosOf(x), xs.slice(1), g, false) } : null));
  if (prim === "store") {
    const idx = xs.slice(1, -1);
    return xs.map((_, k) =>
      k === 0 ? { local: 1, contribution: placed(g, idx, 0, false) } : k === xs.length - 1 ? { local: 1, contribution: at(g, idx) } : null,
    );
  }
  if (prim === "arrayLiteral") return xs.map((_, k) => ({ local: 1, contribution: (g as any)[k] }));
  return xs.map(() => null);
}
