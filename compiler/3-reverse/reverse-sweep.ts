// The reverse transformation. Takes the analysed IR; returns the adjoint program: the reverse
// sweep mirrors the primal's structure backwards. Each active operation, visited last to
// first, adds `local gradient x upstream gradient` into the adjoints of its active operands
// (gradients add where a value fans out); an if runs the reverse of the branch the forward
// sweep took; a loop runs its iterations last to first, carrying each variable's adjoint from
// an iteration back to the one before. An adjoint that receives nothing is zero and is never
// materialised; a region whose reverse is empty records nothing in the forward sweep.
import type { Analysed } from "../2-analysis/index.js";
import { liveForward } from "../2-analysis/liveness.js";
import { SEED, adjStmtsOf, type AdjStmt, type Adjoint, type Recording } from "../ir/adjoint.js";
import { substitute, walk, type Expr } from "../ir/expr.js";
import { isZero } from "../ir/simplify.js";
import { loopDepthOf, type Structure } from "../ir/structure.js";
import { storageOf } from "../ir/storage.js";
import { opsOf, regionsOf, type Block, type Func, type LoopRegion, type Op, type Operand, type ValueId } from "../ir/types.js";
import { operandExpr, pathExprs } from "../rules/apply.js";
import { ruleOf } from "../rules/table.js";
import { AdcError } from "../diagnostics/report.js";
import { messages } from "../diagnostics/messages.js";
import { carryInPlace } from "./carry-in-place.js";
import { coalesceCopies } from "./coalesce-copies.js";
import { dropEmptyRegions } from "./drop-empty-regions.js";
import { guardZeroAdjoints } from "./guard-zero-adjoints.js";
import { removeDeadAdjoints } from "./dead-adjoints.js";
import { placeDeclarations } from "./declarations.js";

/** Arithmetic cheaper to do again in the reverse sweep than to push and pop. */
const CHEAP = new Set(["add", "sub", "mul", "neg", "div", "recip", "abs", "max", "min", "index", "field", "length", "load"]);

export function reverse(a: Analysed): Adjoint {
  const { func, activity, recorded } = a;
  const { active } = activity;
  const s = recorded.structure;
  const has = new Set<ValueId>();
  const recording: Recording = {
    stacked: new Set(),
    recomputed: new Set(),
    inductions: new Set(),
    bits: new Set(),
    trips: new Map(),
    snapshots: new Set(),
  };
  const definedBy = new Map<ValueId, Op>([...opsOf(func.body)].map((op) => [op.result, op]));
  const lists = new Map<Block, AdjStmt[]>();
  const inLoopIfs: Extract<AdjStmt, { kind: "if" }>[] = [];
  // all versions of a local array share one adjoint array, named after the allocation
  const storage = storageOf(func);
  const root = (v: ValueId) => storage.get(v) ?? v;
  const toRoots = (e: Expr): Expr =>
    substitute(e, (leaf) => (leaf.k === "adjAt" ? { ...leaf, id: root(leaf.id), at: leaf.at.map(toRoots) } : undefined));

  const isActive = (x: Operand): x is { kind: "value"; id: ValueId } => x.kind === "value" && active.has(x.id);
  const add = (out: AdjStmt[], target: ValueId, expr: Expr, stmt: number, plumbing = false, op?: ValueId) => {
    if (isZero(expr)) return;
    out.push(
      plumbing
        ? { kind: "update", target, mode: "add", expr, stmt: -1, plumbing }
        : { kind: "update", target, mode: "add", expr, stmt, op },
    );
    has.add(target);
  };

  // the condition of an if, recomputed in the reverse sweep from the values it compares
  const decision = (cond: Operand): Expr => {
    if (cond.kind === "value") {
      const op = definedBy.get(cond.id);
      if (op && ruleOf(op.prim).returns === "boolean") return { k: "prim", prim: op.prim, args: op.args.map(decision) };
    }
    return operandExpr(cond);
  };

  const block = (b: Block): AdjStmt[] => {
    const out: AdjStmt[] = [];
    lists.set(b, out);
    const zeros: AdjStmt[] = [];
    for (let k = b.length - 1; k >= 0; k--) {
      const st = b[k];
      if (st.kind === "op") {
        // a local array's adjoint starts, zero, where the array is made: the reverse of this block begins there
        if ((st.prim === "allocate" || st.prim === "arrayLiteral") && has.has(st.result)) zeros.push({ kind: "zeros", target: st.result });
        if (!active.has(st.result) || !has.has(root(st.result))) continue;
        // a row or field that received something makes its container's adjoint exist too
        if ((st.prim === "index" || st.prim === "field") && func.values[st.result].type === "object" && st.args[0].kind === "value")
          has.add(st.args[0].id);
        if (st.prim === "callTagged") {
          const targets = st.args.map((x) => (isActive(x) ? root(x.id) : null));
          out.push({ kind: "call", op: st, seed: { k: "adj", id: st.result }, targets });
          for (const t of targets) if (t !== null) has.add(t);
          continue;
        }
        for (const c of recorded.contributions.get(st.result) ?? []) {
          if (!c.path) add(out, c.target, toRoots(c.expr), st.stmt, false, st.result);
          else if (!isZero(c.expr)) {
            out.push({ kind: "update", target: root(c.target), mode: "add", expr: c.expr, stmt: st.stmt, path: c.path, op: st.result });
            has.add(root(c.target));
          }
        }
        // a write overwrote the element: the array before it gets nothing there (`dA[i] = 0`)
        if (st.prim === "store") {
          const path = st.args.slice(1, -1).map((i) => ({ index: operandExpr(i) }));
          out.push({
            kind: "update",
            target: root(st.result),
            mode: "set",
            expr: { k: "const", value: 0 },
            stmt: st.stmt,
            path,
            op: st.result,
          });
        }
      } else if (st.kind === "if") {
        const thenRev: AdjStmt[] = [];
        const elseRev: AdjStmt[] = [];
        for (const p of st.phis) {
          // (the versions of a local array are one array: nothing to route)
          if (!active.has(p.result) || !has.has(p.result) || storage.has(p.result)) continue;
          const g: Expr = { k: "adj", id: p.result };
          if (isActive(p.then)) add(thenRev, p.then.id, g, st.stmt, true);
          if (isActive(p.else)) add(elseRev, p.else.id, g, st.stmt, true);
        }
        thenRev.push(...block(st.then));
        elseRev.push(...block(st.else));
        lists.set(st.then, thenRev);
        lists.set(st.else, elseRev);
        if (thenRev.length === 0 && elseRev.length === 0) continue;
        // the decision is recomputed from the values it compares; inside a loop, unless those
        // are kept anyway, it goes on a bit stack instead (settled below, once that is known)
        const stmt: AdjStmt = { kind: "if", region: st, decision: decision(st.cond), then: thenRev, else: elseRev };
        if (s.depth.get(b)! > 0) inLoopIfs.push(stmt as Extract<AdjStmt, { kind: "if" }>);
        out.push(stmt);
      } else {
        const carried = st.carried.filter((c) => active.has(c.phi) && !storage.has(c.phi));
        const body: AdjStmt[] = [];
        for (const c of carried) {
          has.add(c.result); // the adjoint of the variable after the loop carries it backwards
          if (isActive(c.latch)) add(body, c.latch.id, { k: "adj", id: c.result }, st.stmt, true);
        }
        body.push(...block(st.body));
        lists.set(st.body, body);
        for (const c of carried) {
          const carry: Expr = has.has(c.phi) ? { k: "adj", id: c.phi } : { k: "const", value: 0 };
          body.push({ kind: "update", target: c.result, mode: "set", expr: carry, stmt: -1, plumbing: true });
        }
        if (carried.length === 0 && body.length === 0) continue;
        const trips = s.depth.get(b)! > 0 ? "stack" : "local";
        recording.trips.set(st.id, trips);
        out.push({ kind: "loop", region: st, trips, body });
        for (const c of carried) if (isActive(c.init)) add(out, c.init.id, { k: "adj", id: c.result }, st.stmt, true);
      }
    }
    out.unshift(...zeros);
    return out; // statements were visited last to first: this is the order the reverse sweep runs them in
  };

  const seeded = func.result.kind === "value" && active.has(func.result.id);
  if (seeded) has.add((func.result as { id: ValueId }).id);
  const rev = block(func.body);
  if (seeded) rev.unshift({ kind: "update", target: (func.result as { id: ValueId }).id, mode: "add", expr: SEED, stmt: -1 });
  removeDeadAdjoints(
    rev,
    new Set(func.params.filter((p) => p.wrt && has.has(p.value)).map((p) => p.value)),
    new Set(storage.values()),
    (id) => func.values[id].type === "number",
  );
  // the loops still there count their trips, unless their bounds tell (then nothing is counted)
  recording.trips.clear();
  for (const st of adjStmtsOf(rev)) {
    if (st.kind !== "loop") continue;
    const count = countedTrips(st.region, definedBy, (v) => loopDepthOf(s, v) === 0);
    if (count) {
      st.trips = "computed";
      st.count = count;
    } else recording.trips.set(st.region.id, st.trips as "local" | "stack");
  }

  // what the reverse sweep reads, and where values recorded inside loops are popped
  const record = new Set<ValueId>();
  const reads = (e: Expr) => [...walk(e)].flatMap((n) => (n.k === "val" ? [n.id] : []));
  // the indices that locate a row's adjoint inside its matrix's (`dW[i]`): the reverse sweep reads them
  const viewIndices = (v: ValueId): Expr[] => {
    const op = definedBy.get(v);
    if (!op || (op.prim !== "index" && op.prim !== "field") || op.args[0].kind !== "value") return [];
    return [...(op.prim === "index" ? [operandExpr(op.args[1])] : []), ...viewIndices(op.args[0].id)];
  };
  for (const st of adjStmtsOf(rev)) {
    // a reversed call runs the callee again: it reads all the arguments (a local array by its
    // name: it must still hold what the call read, so no write may follow, and it must be in scope)
    if (st.kind === "call")
      for (const x of st.op.args) {
        if (x.kind !== "value") continue;
        if (!storage.has(x.id)) {
          record.add(x.id);
          continue;
        }
        const r = storage.get(x.id)!;
        const written = [...opsOf(func.body)].some((op) => op.prim === "store" && op.args[0].kind === "value" && op.args[0].id === x.id);
        if (written || s.home.get(r) !== func.body) throw new AdcError(st.op.span, messages.callWithLocalArray(func.values[r].hint));
      }
    // a local array's adjoint is made with the array's sizes
    const sizes = (v: ValueId): Expr[] => (definedBy.get(v)!.prim === "allocate" ? definedBy.get(v)!.args.slice(1).map(operandExpr) : []);
    const exprs =
      st.kind === "loop" && st.count
        ? [st.count]
        : st.kind === "zeros"
          ? sizes(st.target)
          : st.kind === "update"
            ? [st.expr, ...pathExprs(st.path), ...(st.path ? viewIndices(st.target) : [])]
            : st.kind === "if" && !inLoopIfs.includes(st as never) && st.decision !== "stack"
              ? [st.decision]
              : [];
    for (const e of exprs) for (const v of reads(e)) record.add(v);
  }
  // a branch in a loop recomputes its decision when what it compares is kept anyway (x > 1
  // with x stacked costs nothing more); otherwise the decision costs one bit per iteration
  for (const st of inLoopIfs) {
    const leaves = st.decision === "stack" ? [] : reads(st.decision);
    if (leaves.every((v) => record.has(v) || loopDepthOf(s, v) === 0)) for (const v of leaves) record.add(v);
    else {
      st.decision = "stack";
      recording.bits.add(st.region.id);
    }
  }
  // inside loops: cheap values are computed again from stacked ones, the rest are stacked
  const inLoops = [...record].filter((v) => loopDepthOf(s, v) > 0).sort((x, y) => x - y);
  const decided = new Set<ValueId>();
  // loop counters: `i` of iteration k is init + k * step, nothing to store
  const inductions = new Map<ValueId, AdjStmt>();
  for (const st of adjStmtsOf(rev)) {
    if (st.kind !== "loop") continue;
    for (const c of st.region.carried) {
      const step = stepOf(c.phi, c.latch, definedBy, st.region.body);
      const init = c.init;
      if (step === undefined || (init.kind === "value" && loopDepthOf(s, init.id) > 0)) continue;
      inductions.set(c.phi, { kind: "induction", value: c.phi, loop: st.region.id, init, step });
    }
  }
  // versions of local arrays after which no write comes (on any path)
  const final = finalVersions(func, storage);
  const restorable = restorableVersions(func, storage, final, s);
  // the values to compute again for v (v and the cheap temporaries it needs), or null when v must be stacked
  const recomputation = (v: ValueId, budget: number): ValueId[] | null => {
    const op = definedBy.get(v);
    if (!op || !CHEAP.has(op.prim) || budget === 0) return null;
    // a local array changes: what was read from it is read again only when no write can come
    // after the read, and the array is in scope in the whole reverse sweep
    const array = op.args[0]?.kind === "value" && storage.has(op.args[0].id) ? op.args[0].id : undefined;
    if (array !== undefined && ((!final.has(array) && !restorable.has(array)) || s.home.get(storage.get(array)!) !== func.body))
      return null;
    if (op.args.slice(1).some((x) => x.kind === "value" && storage.has(x.id))) return null;
    const needs = [v];
    for (const x of op.args) {
      if (x.kind !== "value") continue;
      if (storage.has(x.id)) continue; // (a local array, read by its name: checked above)
      if (inductions.has(x.id)) {
        // a loop counter: computed from the iteration (committed with the rest, below)
        needs.push(x.id);
        continue;
      }
      const available = recording.stacked.has(x.id) || recording.recomputed.has(x.id) || recording.inductions.has(x.id);
      if (loopDepthOf(s, x.id) === 0 || available) continue;
      if (record.has(x.id) && !decided.has(x.id)) return null;
      const more = recomputation(x.id, budget - 1);
      if (!more) return null;
      needs.push(...more);
    }
    return needs;
  };
  for (const v of inLoops) {
    if (storage.has(v)) continue; // a local array read again: by its name (final), or restored
    if (inductions.has(v)) {
      recording.inductions.add(v);
      const init = (inductions.get(v) as { init: Operand }).init;
      if (init.kind === "value") record.add(init.id);
      decided.add(v);
      continue;
    }
    const again = recomputation(v, 4);
    if (again) {
      for (const x of again) {
        if (!inductions.has(x)) {
          recording.recomputed.add(x);
          continue;
        }
        recording.inductions.add(x);
        const init = (inductions.get(x) as { init: Operand }).init;
        if (init.kind === "value") record.add(init.id);
      }
    } else recording.stacked.add(v);
    decided.add(v);
  }
  // a row taken out of a loop (`W_i`) that receives adjoints is found again once per iteration
  // of the loop around it (`const dW_i = dW[i]`), not at every update
  for (const st of adjStmtsOf(rev)) {
    const targets = st.kind === "update" && st.path ? [st.target] : st.kind === "call" ? st.targets : [];
    for (const v of targets) {
      const op = v === null ? undefined : definedBy.get(v);
      if (!op || (op.prim !== "index" && op.prim !== "field") || func.values[op.result].hint === "") continue;
      if (loopDepthOf(s, op.result) > 0 && !recording.stacked.has(op.result)) recording.recomputed.add(op.result);
    }
  }
  for (const v of recording.inductions) record.delete(v);
  // the reads repeated from a version that is written again later: that version is pushed whole
  // where it is made, and put back into the array where the reverse sweep reaches it
  for (const v of recording.recomputed) {
    const op = definedBy.get(v)!;
    if (op.prim === "load" && op.args[0].kind === "value" && restorable.has(op.args[0].id)) recording.snapshots.add(op.args[0].id);
  }
  for (const v of recording.recomputed) {
    record.delete(v);
    // what a recomputation reads must be there in the reverse sweep
    for (const x of definedBy.get(v)!.args)
      if (x.kind === "value" && !recording.recomputed.has(x.id) && !recording.inductions.has(x.id)) record.add(x.id);
  }
  const starts = new Map<Block, AdjStmt[]>();
  const start = (v: ValueId) => {
    const home = s.home.get(v)!;
    if (!starts.has(home)) starts.set(home, []);
    return starts.get(home)!;
  };
  for (const v of [...recording.inductions].sort((x, y) => x - y)) start(v).push(inductions.get(v)!);
  for (const v of [...recording.stacked].sort((x, y) => x - y)) start(v).push({ kind: "pop", value: v });
  for (const v of [...recording.snapshots].sort((x, y) => x - y)) start(v).push({ kind: "restore", value: v });
  for (const v of [...recording.recomputed].sort((x, y) => x - y)) start(v).push({ kind: "recompute", value: v });
  for (const [home, first] of starts) lists.get(home)!.unshift(...first);
  const withDeclarations = placeDeclarations(rev, lists, s, func);
  const gradients = func.params.filter((p) => p.wrt).map((param) => ({ param, adjoint: has.has(param.value) ? param.value : null }));
  const forward = liveForward(func, record, recording);
  return guardZeroAdjoints(
    dropEmptyRegions(carryInPlace(coalesceCopies({ func, active, record, recording, forward, reverse: withDeclarations, gradients }))),
  );
}

/** The versions of local arrays from which no write is reachable (through later writes, phis and loops). */
function finalVersions(func: Func, storage: Map<ValueId, ValueId>): Set<ValueId> {
  const next = new Map<ValueId, ValueId[]>();
  const edge = (from: Operand, to: ValueId) => {
    if (from.kind === "value" && storage.has(from.id)) next.set(from.id, [...(next.get(from.id) ?? []), to]);
  };
  const writes = new Set<ValueId>();
  const visit = (b: Block) => {
    for (const st of b) {
      if (st.kind === "op") {
        if (st.prim === "store") {
          writes.add(st.args[0].kind === "value" ? st.args[0].id : -1);
          edge(st.args[0], st.result);
        }
      } else if (st.kind === "if") {
        visit(st.then);
        visit(st.else);
        for (const p of st.phis) (edge(p.then, p.result), edge(p.else, p.result));
      } else {
        visit(st.header);
        visit(st.body);
        for (const c of st.carried) (edge(c.init, c.phi), edge(c.latch, c.phi), edge({ kind: "value", id: c.phi }, c.result));
      }
    }
  };
  visit(func.body);
  const final = new Set<ValueId>();
  for (const v of storage.keys()) {
    const seen = new Set([v]);
    const todo = [v];
    let written = false;
    while (todo.length && !written) {
      const x = todo.pop()!;
      if (writes.has(x)) written = true;
      for (const y of next.get(x) ?? []) if (!seen.has(y)) (seen.add(y), todo.push(y));
    }
    if (!written) final.add(v);
  }
  return final;
}

/**
 * Versions of local arrays that are written again, but only in a later iteration of a loop around
 * them: within one iteration, the array holds this version from where it is made to the end of
 * its block. 1-D arrays made at the top level (in scope in the whole reverse sweep).
 */
function restorableVersions(func: Func, storage: Map<ValueId, ValueId>, final: Set<ValueId>, s: Structure): Set<ValueId> {
  const next = new Map<ValueId, { to: ValueId; loop?: LoopRegion }[]>();
  const edge = (from: Operand, to: ValueId, loop?: LoopRegion) => {
    if (from.kind === "value" && storage.has(from.id)) next.set(from.id, [...(next.get(from.id) ?? []), { to, loop }]);
  };
  const writes = new Set<ValueId>();
  const made = new Set<ValueId>();
  const visit = (b: Block) => {
    for (const st of b) {
      if (st.kind === "op") {
        if (st.prim === "store") {
          writes.add((st.args[0] as { id: ValueId }).id);
          edge(st.args[0], st.result);
          made.add(st.result);
        }
      } else if (st.kind === "if") {
        visit(st.then);
        visit(st.else);
        for (const p of st.phis) (edge(p.then, p.result), edge(p.else, p.result), made.add(p.result));
      } else {
        visit(st.header);
        visit(st.body);
        for (const c of st.carried)
          (edge(c.init, c.phi), edge(c.latch, c.phi, st), edge({ kind: "value", id: c.phi }, c.result), made.add(c.result));
      }
    }
  };
  visit(func.body);
  const eligible = (v: ValueId) => {
    const root = storage.get(v);
    const shape = root === undefined ? undefined : func.values[root].shape;
    return root !== undefined && s.home.get(root) === func.body && shape?.kind === "array" && shape.element.kind === "number";
  };
  // the versions reachable from v in the same round of every loop around it (going round one of
  // those loops is a later round), and whether one of them is written
  const sameRound = (v: ValueId): { reached: Set<ValueId>; written: boolean } => {
    const around = new Set<LoopRegion>();
    for (let b: Block | undefined = s.home.get(v); b; b = s.parent.get(b)) {
      const r = s.region.get(b);
      if (r?.kind === "loop" && b === r.body) around.add(r);
    }
    const reached = new Set([v]);
    const todo = [v];
    let written = false;
    while (todo.length) {
      const x = todo.pop()!;
      if (writes.has(x)) written = true;
      for (const e of next.get(x) ?? []) if (!(e.loop && around.has(e.loop)) && !reached.has(e.to)) (reached.add(e.to), todo.push(e.to));
    }
    reached.delete(v);
    return { reached, written };
  };
  // written again only in a later round: restored where the reverse sweep reaches the version
  const out = new Set<ValueId>();
  for (const v of made) if (!final.has(v) && eligible(v) && !sameRound(v).written) out.add(v);
  // a loop's version at the start of a round, written again later in the same round (a layer's
  // input h, read by the layer and then overwritten with its output): pushed whole when the
  // round starts and restored when its reverse starts, instead of stacking each read. Only when
  // every other version made in the round has its reads stacked (neither final nor restored: the
  // restore leaves the array as it was at the round's start for the whole reverse of the round;
  // versions after the loop are reversed before it), only the innermost of such loops, and only
  // when every read is in a loop inside the round (a copy costs the array's length per round: it
  // pays where a round reads the array many times, not where it reads one element)
  const starts = new Map<ValueId, Set<ValueId>>();
  const loads = [...opsOf(func.body)].filter((op) => op.prim === "load" && op.args[0].kind === "value");
  const read = new Set(loads.map((op) => (op.args[0] as { id: ValueId }).id));
  const readInInnerLoops = (v: ValueId, loop: LoopRegion) =>
    loads.every((op) => (op.args[0] as { id: ValueId }).id !== v || s.depth.get(s.home.get(op.result)!)! > s.depth.get(loop.body)!);
  for (const loop of regionsOf(func.body)) {
    if (loop.kind !== "loop") continue;
    const inside = (u: ValueId) => {
      for (let b = s.home.get(u); b; b = s.parent.get(b)) if (b === loop.body) return true;
      return false;
    };
    for (const { phi: v } of loop.carried) {
      if (!read.has(v) || !storage.has(v) || !eligible(v) || out.has(v) || final.has(v) || !readInInnerLoops(v, loop)) continue;
      const reached = new Set([...sameRound(v).reached].filter(inside));
      if ([...reached].some((u) => read.has(u) && (out.has(u) || final.has(u)))) continue;
      starts.set(v, reached);
    }
  }
  for (const [v, reached] of starts) if (![...reached].some((u) => starts.has(u))) out.add(v);
  return out;
}

/**
 * The number of iterations of `for (let i = a; i < b; i += c)` (c > 0, no break or return: the
 * test is exactly `i < b`), from values the reverse sweep has anyway (computed once per call):
 * `b > a ? Math.ceil(b - a) : 0` for c = 1, `b > a ? Math.ceil((Math.ceil(b) - a) / c) : 0`
 * otherwise (0 also when b is NaN, as the loop runs 0 times then). Only for an integer constant
 * a and an integer c: then i takes exact integer values and the formula is exact, where a
 * fractional step is not (`t += 0.1` from 0 to 1 runs 11 times, not ceil(1 / 0.1) = 10).
 */
function countedTrips(region: LoopRegion, definedBy: Map<ValueId, Op>, outside: (v: ValueId) => boolean): Expr | undefined {
  if (region.cond.kind !== "value") return undefined;
  const test = definedBy.get(region.cond.id);
  if (!test || test.prim !== "lt" || !region.header.includes(test) || test.args[0].kind !== "value") return undefined;
  const counter = region.carried.find((c) => c.phi === (test.args[0] as { id: ValueId }).id);
  if (!counter) return undefined;
  const step = stepOf(counter.phi, counter.latch, definedBy, region.body);
  if (step === undefined || step <= 0 || !Number.isInteger(step)) return undefined;
  const [init, bound] = [counter.init, test.args[1]];
  if (init.kind !== "const" || !Number.isInteger(init.value)) return undefined;
  if (bound.kind !== "const" && !outside(bound.id)) return undefined;
  const a = operandExpr(init);
  const b = operandExpr(bound);
  const minus = (x: Expr): Expr =>
    init.value === 0 && a.k === "const" && a.text === undefined ? x : { k: "prim", prim: "sub", args: [x, a] };
  const count: Expr =
    step === 1
      ? { k: "prim", prim: "ceil", args: [minus(b)] }
      : {
          k: "prim",
          prim: "ceil",
          args: [{ k: "prim", prim: "div", args: [minus({ k: "prim", prim: "ceil", args: [b] }), { k: "const", value: step }] }],
        };
  return { k: "prim", prim: "select", args: [{ k: "prim", prim: "gt", args: [b, a] }, count, { k: "const", value: 0 }] };
}

/** The constant step of a loop counter: its latch is `phi + c` or `phi - c`, in the loop body itself. */
function stepOf(phi: ValueId, latch: Operand, definedBy: Map<ValueId, Op>, body: Block): number | undefined {
  if (latch.kind !== "value") return undefined;
  const op = definedBy.get(latch.id);
  if (!op || !body.includes(op) || (op.prim !== "add" && op.prim !== "sub")) return undefined;
  const [a, b] = op.args;
  if (a.kind !== "value" || a.id !== phi || b.kind !== "const" || b.text !== undefined) return undefined;
  return op.prim === "add" ? b.value : -b.value;
}
