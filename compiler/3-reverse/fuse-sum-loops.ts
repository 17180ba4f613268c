// Sums reversed as they are made. A loop that only adds terms into an accumulator
// (`for (…) L += term`, or through loops inside it) passes the accumulator's adjoint through
// every iteration unchanged: d(L + term)/dL = 1. When that adjoint is known before the loop
// (`dL = 0.5 * seed` after `return 0.5 * L`), the reverse of each iteration does not have to
// wait for the end of the forward sweep: it runs right after the iteration itself, reading the
// iteration's values where they are instead of from stacks, and the data is read once while it
// is in cache. That is what a hand adjoint of a loss summed over examples or outputs does:
//   const dL = 0.5 * +seed;
//   for (let i = 0; i < n; i++) { …forward of the iteration…; { …its reverse, with dL… } }
// Planned here for one block of the forward sweep (the function's body, or the body of a loop
// planned so, recursively) and its reverse list; 4-emit places the statements.
// Conditions, for a loop directly in the block whose reverse is directly in the list:
// - every active variable the loop carries is such an accumulator: its value at the start of an
//   iteration is read only by `+ term` (or `- term`) or as the start of an inner loop's
//   accumulator, and what results is read only as the next iteration's value;
// - the adjoints its reverse reads and does not write come from plain updates earlier in the
//   list, of values defined before the loop: those move before the loop, with the declarations
//   of the adjoints it adds into;
// - no local arrays and no calls in it (their reverse has its own order).
import type { AdjStmt, Adjoint } from "../ir/adjoint.js";
import { adjStmtsOf, exprsOf } from "../ir/adjoint.js";
import { walk, type Expr } from "../ir/expr.js";
import type { Structure } from "../ir/structure.js";
import { opsOf, type Block, type Carried, type LoopRegion, type Operand, type ValueId } from "../ir/types.js";

export interface Fusion {
  /** The loop's reverse: its body runs at the end of each forward iteration. */
  reverse: Extract<AdjStmt, { kind: "loop" }>;
  /** Reverse statements moved before the loop: the adjoints it reads, and declarations of those it adds into. */
  early: AdjStmt[];
}

// local arrays (written in place, their reverse restores and zeroes elements in order) and calls
const KEPT_IN_ORDER = new Set(["allocate", "arrayLiteral", "load", "store", "callTagged"]);

export function planFusion(a: Adjoint, s: Structure, block: Block, list: AdjStmt[]): { fused: Map<number, Fusion>; rest: AdjStmt[] } {
  const fused = new Map<number, Fusion>();
  let rest = list;
  for (const st of block) {
    if (st.kind !== "loop") continue;
    const at = rest.findIndex((x) => x.kind === "loop" && x.region.id === st.id);
    if (at < 0) continue;
    const reverse = rest[at] as Extract<AdjStmt, { kind: "loop" }>;
    if (!sumsOnly(a, st)) continue;
    const early = earlyStatements(a, s, block, st, rest.slice(0, at), reverse);
    if (!early) continue;
    fused.set(st.id, { reverse, early });
    const moved = new Set<AdjStmt>([reverse, ...early]);
    rest = rest.filter((x) => !moved.has(x));
  }
  return { fused, rest };
}

/** The loop carries no active value but accumulators, and holds no local arrays or calls. */
function sumsOnly(a: Adjoint, loop: LoopRegion): boolean {
  for (const op of opsOf([loop])) if (KEPT_IN_ORDER.has(op.prim)) return false;
  const uses = usesIn([loop]);
  return loop.carried.every((c) => !(a.active.has(c.phi) || a.active.has(c.result)) || accumulates(c, loop, uses));
}

/**
 * Every read of the iteration's start value phi is part of adding terms to it: the next value is
 * `phi + term` (or `phi - term`), or an if's result with such a value (or phi itself) on each
 * side, or an inner loop's accumulator started from phi; each used once.
 */
function accumulates(c: Carried, loop: LoopRegion, uses: Map<ValueId, number>): boolean {
  const n = accumulation(c.latch, c.phi, loop.body, uses);
  return n > 0 && n === uses.get(c.phi);
}

/** How many reads of phi `x` accounts for as an accumulation of phi in `block`, or -1 when it is not one. */
function accumulation(x: Operand, phi: ValueId, block: Block, uses: Map<ValueId, number>): number {
  if (x.kind !== "value") return -1;
  if (x.id === phi) return 1;
  if (uses.get(x.id) !== 1) return -1;
  const isPhi = (o: Operand) => o.kind === "value" && o.id === phi;
  for (const st of block) {
    if (st.kind === "op" && st.result === x.id) {
      // (phi + t) + u, phi - t, t + phi: the other operand must not read phi (the count of reads checks it)
      const [a, b] = st.args;
      if (st.prim === "sub") return accumulation(a, phi, block, uses);
      if (st.prim !== "add") return -1;
      const left = accumulation(a, phi, block, uses);
      return left >= 0 ? left : accumulation(b, phi, block, uses);
    }
    if (st.kind === "if") {
      const p = st.phis.find((q) => q.result === x.id);
      if (!p) continue;
      const [t, e] = [accumulation(p.then, phi, st.then, uses), accumulation(p.else, phi, st.else, uses)];
      return t < 0 || e < 0 ? -1 : t + e;
    }
    if (st.kind === "loop") {
      const inner = st.carried.find((d) => d.result === x.id);
      if (!inner) continue;
      return isPhi(inner.init) && accumulates(inner, st, uses) ? 1 : -1;
    }
  }
  return -1;
}

/** How often each value is read in a block (operations, conditions, phis, loops' starts, latches and tests). */
function usesIn(block: Block, into = new Map<ValueId, number>()): Map<ValueId, number> {
  const use = (x: Operand) => x.kind === "value" && into.set(x.id, (into.get(x.id) ?? 0) + 1);
  for (const st of block) {
    if (st.kind === "op") st.args.forEach(use);
    else if (st.kind === "if") {
      use(st.cond);
      usesIn(st.then, into);
      usesIn(st.else, into);
      for (const p of st.phis) (use(p.then), use(p.else));
    } else {
      for (const c of st.carried) (use(c.init), use(c.latch));
      usesIn(st.header, into);
      use(st.cond);
      usesIn(st.body, into);
    }
  }
  return into;
}

/**
 * The statements of `before` (the list ahead of the loop's reverse) that must run before the
 * loop: what computes the adjoints its reverse reads, and the declarations of those it adds
 * into. Undefined when they cannot move there.
 */
function earlyStatements(
  a: Adjoint,
  s: Structure,
  block: Block,
  loop: LoopRegion,
  before: AdjStmt[],
  reverse: Extract<AdjStmt, { kind: "loop" }>,
): AdjStmt[] | undefined {
  const body = [...adjStmtsOf(reverse.body)];
  if (body.some((x) => x.kind === "call" || x.kind === "zeros" || x.kind === "restore")) return undefined;
  const declaredInside = new Set(
    body.flatMap((x) => (x.kind === "declare" || (x.kind === "update" && x.mode === "init" && !x.path) ? [x.target] : [])),
  );
  // adjoints read from before the iteration (the sum's, passed on unchanged from one to the next)
  const need = new Set(body.flatMap((x) => reads(x)).filter((id) => !declaredInside.has(id)));
  // adjoints the loop adds into but does not declare: declared by a `declare` ahead, which moves too
  const addsInto = new Set(
    body.flatMap((x) => (x.kind === "update" && !x.path && !declaredInside.has(x.target) && !need.has(x.target) ? [x.target] : [])),
  );
  const early = new Set<AdjStmt>();
  const definedBy = new Map([...opsOf(a.func.body)].map((op) => [op.result, op]));
  for (let p = before.length - 1; p >= 0; p--) {
    const x = before[p];
    // values computed again for the reverse of the iteration around (a row `K_f` and its
    // adjoint `dK_f`): before the loop too, when what they are computed from is there
    if (x.kind === "recompute") {
      const args = definedBy.get(x.value)!.args;
      if (args.every((o) => o.kind === "const" || availableBefore(s, o.id, block, loop))) early.add(x);
      continue;
    }
    const w = [...adjStmtsOf([x])].flatMap(writes);
    if (!w.some((id) => need.has(id) || addsInto.has(id))) continue;
    if (x.kind === "declare") {
      early.add(x);
      continue;
    }
    // a plain update of values there before the loop moves (adding into a sum is done in any order)
    const movable =
      x.kind === "update" && !x.path && [...walk(x.expr)].every((n) => n.k !== "val" || availableBefore(s, n.id, block, loop));
    if (movable) {
      early.add(x);
      for (const id of reads(x)) need.add(id);
      continue;
    }
    // what stays may add into what the loop adds into too, but not declare it or compute what it reads
    const declares = [...adjStmtsOf([x])].some((y) => y.kind === "declare" || (y.kind === "update" && y.mode !== "add"));
    if (w.some((id) => need.has(id)) || declares) return undefined;
  }
  for (const x of before) {
    if (early.has(x)) continue;
    const stmts = [...adjStmtsOf([x])];
    // an adjoint it reads must not be written by what stays ahead (it would change after the loop used it)
    if (stmts.flatMap(writes).some((id) => need.has(id))) return undefined;
    // and what it adds into is complete only after it: nothing ahead may read it
    if (stmts.flatMap(reads).some((id) => addsInto.has(id))) return undefined;
  }
  // the values its reverse reads that come from outside it must be there before it (what it
  // pops or computes again is there; what it computes again from, must be)
  const remade = new Set(body.flatMap((x) => (x.kind === "recompute" || x.kind === "pop" || x.kind === "induction" ? [x.value] : [])));
  for (const x of early) if (x.kind === "recompute") remade.add(x.value);
  const read = body.flatMap((x) =>
    x.kind === "recompute" ? definedBy.get(x.value)!.args.flatMap((o) => (o.kind === "value" ? [o.id] : [])) : valuesRead(x),
  );
  for (const id of read) if (!remade.has(id) && !insideOrBefore(s, id, block, loop)) return undefined;
  return before.filter((x) => early.has(x));
}

function writes(x: AdjStmt): ValueId[] {
  if (x.kind === "update" || x.kind === "declare" || x.kind === "zeros") return [x.target];
  if (x.kind === "call") return x.targets.filter((t): t is ValueId => t !== null);
  return [];
}

function reads(x: AdjStmt): ValueId[] {
  return exprsOf(x).flatMap((e) => [...walk(e)].flatMap((n) => (n.k === "adj" || n.k === "adjAt" ? [n.id] : [])));
}

function valuesRead(x: AdjStmt): ValueId[] {
  return exprsOf(x).flatMap((e) => [...walk(e)].flatMap((n) => (n.k === "val" ? [n.id] : [])));
}

/** Defined (in the forward sweep) ahead of `stmt` in `block` or in a block around it, so in scope there. */
function availableBefore(s: Structure, v: ValueId, block: Block, stmt: Block[number]): boolean {
  const home = s.home.get(v);
  if (!home) return false;
  let b: Block | undefined = block;
  let child: Block[number] = stmt;
  while (b) {
    if (b === home) {
      const at = b.findIndex((x) =>
        x.kind === "op" ? x.result === v : x.kind === "if" ? x.phis.some((p) => p.result === v) : x.carried.some((c) => c.result === v),
      );
      return at < b.indexOf(child); // -1: a parameter, or the phi of the loop whose body this is
    }
    const region = s.region.get(b);
    b = s.parent.get(b);
    if (region) child = region;
  }
  return false;
}

/** Defined inside the loop, or available before it. */
function insideOrBefore(s: Structure, v: ValueId, block: Block, loop: LoopRegion): boolean {
  for (let b = s.home.get(v); b; b = s.parent.get(b)) if (s.region.get(b) === loop) return true;
  return availableBefore(s, v, block, loop);
}
