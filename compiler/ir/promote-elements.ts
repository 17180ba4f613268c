// An element of a local array that a loop keeps adding into (`z[j] += W[j][k] * x[k]` in a loop
// over k) lives in a variable for the loop's duration, as a person writes it: read once before
// the loop, carried through it like `let s`, written back once after it. The forward sweep then
// adds in a register instead of loading and storing an array element per iteration, and the
// reverse sweep carries the element's adjoint in a variable (`dz_j`) instead of taking it out of
// `dz[j]` and putting it back every iteration.
//
// Done only where it changes nothing else: every access to the array inside the loop reads or
// writes that one element (same index operands, none changed by the loop), no nested region
// touches the array, and the element exists even if the loop runs zero times (the read before
// and the write after it then run anyway): its index is the counter of a loop around,
// `for (let j = 0; j < n; j++)`, over an array made with `new Array(n)` or measured as n.
import { storageOf } from "./storage.js";
import type { Block, Func, LoopRegion, Op, Operand, Stmt, ValueId } from "./types.js";

export function promoteElements(f: Func): void {
  // the loops around each block, innermost last, for finding an index's loop
  const visit = (b: Block, around: LoopRegion[]) => {
    for (let k = 0; k < b.length; k++) {
      const st = b[k];
      if (st.kind === "if") {
        visit(st.then, around);
        visit(st.else, around);
      } else if (st.kind === "loop") {
        visit(st.header, [...around, st]);
        visit(st.body, [...around, st]);
        k += promoteIn(f, b, k, around);
      }
    }
  };
  visit(f.body, []);
}

/** Promotes what it can of loop b[at]; returns how many statements it added to b before the loop. */
function promoteIn(f: Func, b: Block, at: number, around: LoopRegion[]): number {
  const loop = b[at] as LoopRegion;
  let added = 0;
  for (const c of [...loop.carried]) {
    const storage = storageOf(f);
    const root = storage.get(c.phi);
    if (root === undefined) continue;
    const rootShape = f.values[root].shape;
    if (rootShape?.kind !== "array" || rootShape.element.kind !== "number" || rootShape.container === "Float32Array") continue;
    const plan = accesses(f, loop, c.phi, storage, root);
    if (!plan || !inRange(f, plan.index, around, root, storage)) continue;
    // before the loop: t0 = A[j]; in it: a carried number; after it: A[j] = the last value
    const first = newValue(f, c.phi, "number", `${f.values[root].hint}_${f.values[(plan.index as { id: ValueId }).id]?.hint ?? ""}`);
    const read: Op = {
      kind: "op",
      result: first,
      prim: "load",
      args: [c.init, plan.index],
      stmt: plan.ops[0].stmt,
      span: plan.ops[0].span,
    };
    const phi = newValue(f, c.phi, "number", f.values[first].hint);
    const result = newValue(f, c.phi, "number", f.values[first].hint);
    let current: Operand = { kind: "value", id: phi };
    const replace = new Map<ValueId, Operand>();
    for (const op of plan.ops) {
      if (op.prim === "load") replace.set(op.result, current);
      else current = op.args[op.args.length - 1];
    }
    loop.body.splice(0, loop.body.length, ...loop.body.filter((s) => !plan.ops.includes(s as Op)));
    const after = newValue(f, c.result, "object", f.values[c.result].hint);
    f.values[after].shape = f.values[c.result].shape;
    const last = plan.ops[plan.ops.length - 1];
    const write: Op = {
      kind: "op",
      result: after,
      prim: "store",
      args: [c.init, plan.index, { kind: "value", id: result }],
      stmt: last.stmt,
      span: last.span,
    };
    loop.carried = loop.carried.filter((x) => x !== c);
    loop.carried.push({ phi, init: { kind: "value", id: first }, latch: current, result });
    replace.set(c.phi, c.init);
    replace.set(c.result, { kind: "value", id: after });
    replaceUses(f, replace);
    b.splice(at + added + 1, 0, write);
    b.splice(at + added, 0, read);
    added++;
  }
  return added;
}

/** The loads and stores of `phi`'s array in the loop, in order, if they all touch one element the loop does not move. */
function accesses(
  f: Func,
  loop: LoopRegion,
  phi: ValueId,
  storage: Map<ValueId, ValueId>,
  root: ValueId,
): { ops: Op[]; index: Operand } | undefined {
  const isVersion = (x: Operand) => x.kind === "value" && storage.get(x.id) === root;
  const inside = definedIn(loop);
  const ops: Op[] = [];
  let index: Operand | undefined;
  let current = phi;
  for (const st of loop.header) if (touches(st, isVersion)) return undefined;
  for (const st of loop.body) {
    if (st.kind !== "op") {
      if (touches(st, isVersion)) return undefined;
      continue;
    }
    if (!st.args.some(isVersion)) continue;
    if ((st.prim !== "load" && st.prim !== "store") || st.args.slice(1).some(isVersion)) return undefined;
    const at = st.prim === "load" ? st.args.slice(1) : st.args.slice(1, -1);
    if (at.length !== 1 || (st.args[0] as { id: ValueId }).id !== current) return undefined;
    const i = at[0];
    if (i.kind === "value" && inside.has(i.id)) return undefined;
    if (
      index &&
      !(
        index.kind === i.kind &&
        (i.kind === "value" ? i.id === (index as { id: ValueId }).id : i.value === (index as { value: number }).value)
      )
    )
      return undefined;
    index = i;
    ops.push(st);
    if (st.prim === "store") current = st.result;
  }
  const latch = loop.carried.find((c) => c.phi === phi)!.latch;
  if (!index || !ops.some((op) => op.prim === "store") || latch.kind !== "value" || latch.id !== current) return undefined;
  return { ops, index };
}

/** Is `index` the counter of a loop around, from 0 up by 1 while below the array's size? */
function inRange(f: Func, index: Operand, around: LoopRegion[], root: ValueId, storage: Map<ValueId, ValueId>): boolean {
  if (index.kind !== "value") return false;
  const loop = around.find((l) => l.carried.some((c) => c.phi === index.id));
  if (!loop) return false;
  const c = loop.carried.find((x) => x.phi === index.id)!;
  if (c.init.kind !== "const" || c.init.value !== 0) return false;
  const step = defining(loop.body, c.latch);
  if (!step || step.prim !== "add" || !sameOperand(step.args[0], index) || step.args[1].kind !== "const" || step.args[1].value !== 1)
    return false;
  const test = loop.cond.kind === "value" ? defining(loop.header, loop.cond) : undefined;
  if (!test || test.prim !== "lt" || !sameOperand(test.args[0], index)) return false;
  const bound = test.args[1];
  const alloc = definingIn(f.body, root);
  if (alloc?.prim === "allocate" && sameOperand(alloc.args[1], bound)) return true;
  // or `j < a.length`
  const measured = bound.kind === "value" ? definingIn(f.body, bound.id) : undefined;
  return measured?.prim === "length" && measured.args[0].kind === "value" && storage.get(measured.args[0].id) === root;
}

function touches(st: Stmt, isVersion: (x: Operand) => boolean): boolean {
  if (st.kind === "op") return st.args.some(isVersion);
  if (st.kind === "if")
    return (
      isVersion(st.cond) ||
      [...st.then, ...st.else].some((s) => touches(s, isVersion)) ||
      st.phis.some((p) => isVersion(p.then) || isVersion(p.else))
    );
  return st.carried.some((c) => isVersion(c.init) || isVersion(c.latch)) || [...st.header, ...st.body].some((s) => touches(s, isVersion));
}

function definedIn(loop: LoopRegion): Set<ValueId> {
  const out = new Set<ValueId>(loop.carried.map((c) => c.phi));
  const visit = (b: Block) => {
    for (const st of b) {
      if (st.kind === "op") out.add(st.result);
      else if (st.kind === "if") {
        visit(st.then);
        visit(st.else);
        for (const p of st.phis) out.add(p.result);
      } else {
        for (const c of st.carried) (out.add(c.phi), out.add(c.result));
        visit(st.header);
        visit(st.body);
      }
    }
  };
  visit(loop.header);
  visit(loop.body);
  return out;
}

function defining(b: Block, x: Operand): Op | undefined {
  if (x.kind !== "value") return undefined;
  return b.find((s): s is Op => s.kind === "op" && s.result === x.id);
}

function definingIn(b: Block, id: ValueId): Op | undefined {
  for (const st of b) {
    if (st.kind === "op") {
      if (st.result === id) return st;
    } else {
      const found =
        st.kind === "if" ? (definingIn(st.then, id) ?? definingIn(st.else, id)) : (definingIn(st.header, id) ?? definingIn(st.body, id));
      if (found) return found;
    }
  }
  return undefined;
}

function sameOperand(a: Operand, b: Operand): boolean {
  return a.kind === "value" ? b.kind === "value" && a.id === b.id : b.kind === "const" && a.value === b.value;
}

function newValue(f: Func, like: ValueId, type: "number" | "object", hint: string): ValueId {
  const id = f.values.length;
  f.values.push({ id, hint, type, span: f.values[like].span });
  return id;
}

/** Replaces every use of the keys by their values, in the whole function (chains followed). */
function replaceUses(f: Func, replace: Map<ValueId, Operand>): void {
  const sub = (x: Operand): Operand => {
    let y = x;
    for (let guard = 0; y.kind === "value" && replace.has(y.id) && guard < 100; guard++) y = replace.get(y.id)!;
    return y;
  };
  const visit = (b: Block) => {
    for (const st of b) {
      if (st.kind === "op") st.args = st.args.map(sub);
      else if (st.kind === "if") {
        st.cond = sub(st.cond);
        visit(st.then);
        visit(st.else);
        for (const p of st.phis) ((p.then = sub(p.then)), (p.else = sub(p.else)));
      } else {
        for (const c of st.carried) ((c.init = sub(c.init)), (c.latch = sub(c.latch)));
        visit(st.header);
        st.cond = sub(st.cond);
        visit(st.body);
      }
    }
  };
  visit(f.body);
  f.result = sub(f.result);
}

/**
 * A read of the element just written is the value written (`A[j] = v; … A[j]` is v), and a
 * write over an element just written, with no read of the array between, replaces it: what a
 * promoted loop leaves around it (`z[j] = b[j]; let z_j = z[j]; …`) becomes `let z_j = b[j]`.
 */
export function forwardStores(f: Func): void {
  // each round can expose another (a read forwarded leaves the write before it unread)
  for (let round = 0; round < 4 && forwardOnce(f); round++);
}

function forwardOnce(f: Func): boolean {
  let changed = false;
  const ops = new Map<ValueId, Op>();
  const uses = new Map<ValueId, number>();
  const count = (x: Operand) => x.kind === "value" && uses.set(x.id, (uses.get(x.id) ?? 0) + 1);
  const index = (b: Block) => {
    for (const st of b) {
      if (st.kind === "op") (ops.set(st.result, st), st.args.forEach(count));
      else if (st.kind === "if") (count(st.cond), index(st.then), index(st.else), st.phis.forEach((p) => (count(p.then), count(p.else))));
      else (st.carried.forEach((c) => (count(c.init), count(c.latch))), index(st.header), count(st.cond), index(st.body));
    }
  };
  index(f.body);
  count(f.result);
  const samePlace = (a: Op, b: Op) => {
    const at = (op: Op) => (op.prim === "store" ? op.args.slice(1, -1) : op.args.slice(1));
    const x = at(a);
    const y = at(b);
    return x.length === y.length && x.every((o, i) => sameOperand(o, y[i]));
  };
  const replace = new Map<ValueId, Operand>();
  for (const op of ops.values()) {
    const src = op.args[0]?.kind === "value" ? ops.get(op.args[0].id) : undefined;
    if (!src || src.prim !== "store" || !samePlace(op, src)) continue;
    if (op.prim === "load") replace.set(op.result, src.args[src.args.length - 1]);
    else if (op.prim === "store" && uses.get(src.result) === 1) op.args[0] = src.args[0];
    else continue;
    changed = true;
  }
  if (replace.size) {
    replaceUses(f, replace);
    // the forwarded reads are gone (so they count as uses no more)
    const drop = (b: Block) => {
      for (let k = b.length - 1; k >= 0; k--) {
        const st = b[k];
        if (st.kind === "op" && replace.has(st.result)) b.splice(k, 1);
        else if (st.kind === "if") (drop(st.then), drop(st.else));
        else if (st.kind === "loop") (drop(st.header), drop(st.body));
      }
    };
    drop(f.body);
  }
  return changed;
}
