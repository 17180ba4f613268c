// Loop-invariant rows and fields: `W[i][j]` in a loop over j reads the row `W[i]` again in every
// iteration. The row of a parameter never changes, so it is read once, before the loop, as a
// person writes `const Wi = W[i]` (V8 cannot do it itself: the loop's writes into the gradient
// might, for all it knows, change W). The reverse sweep then also finds the row's adjoint once
// (`const dWi = dW[i]`). Only rows and fields move (reading a property never throws, even of
// an index out of range, so a loop that runs zero times still cannot fail), and lengths that the
// loop's test reads (the test runs at least once anyway).
import { opsOf, type Block, type Func, type LoopRegion, type Op, type Operand, type ValueId } from "./types.js";

export function hoistInvariants(f: Func): void {
  const hint = (v: ValueId, op: Op): string => {
    // `W_i` for W[i], `layer_W` for layer.W: the name the row gets in the code
    const container = op.args[0].kind === "value" ? f.values[op.args[0].id].hint : "";
    const index =
      op.args[1]?.kind === "value" ? f.values[op.args[1].id].hint : op.args[1]?.kind === "const" ? String(op.args[1].value) : "";
    const part = op.prim === "field" ? op.member! : index;
    return container && part && /^[\w$]+$/.test(part) ? `${container}_${part}` : f.values[v].hint;
  };
  const visit = (b: Block) => {
    for (let k = 0; k < b.length; k++) {
      const st = b[k];
      if (st.kind === "if") {
        visit(st.then);
        visit(st.else);
      } else if (st.kind === "loop") {
        visit(st.header);
        visit(st.body);
        const moved = dedupe(f, invariants(f, st), b.slice(0, k));
        if (moved.length === 0) continue;
        for (const op of moved) {
          const v = f.values[op.result];
          if (v.hint === "") v.hint = hint(op.result, op);
        }
        b.splice(k, 0, ...moved);
        k += moved.length;
      }
    }
  };
  visit(f.body);
}

/** Drops a moved operation that repeats one already there (`X[i]` read twice): its uses read the first. */
function dedupe(f: Func, moved: Op[], before: Block): Op[] {
  const key = (op: Op) => `${op.prim}(${op.args.map((a) => (a.kind === "value" ? `%${a.id}` : a.value)).join(",")}).${op.member ?? ""}`;
  const seen = new Map<string, ValueId>();
  for (const st of before)
    if (st.kind === "op" && (st.prim === "index" || st.prim === "field" || st.prim === "length")) seen.set(key(st), st.result);
  const replace = new Map<ValueId, ValueId>();
  const kept: Op[] = [];
  for (const op of moved) {
    op.args = op.args.map((a) => (a.kind === "value" && replace.has(a.id) ? { kind: "value", id: replace.get(a.id)! } : a));
    const same = seen.get(key(op));
    if (same !== undefined) replace.set(op.result, same);
    else (seen.set(key(op), op.result), kept.push(op));
  }
  if (replace.size) renameUses(f.body, replace);
  return kept;
}

function renameUses(b: Block, replace: Map<ValueId, ValueId>): void {
  const sub = (a: Operand): Operand => (a.kind === "value" && replace.has(a.id) ? { kind: "value", id: replace.get(a.id)! } : a);
  for (const st of b) {
    if (st.kind === "op") st.args = st.args.map(sub);
    else if (st.kind === "if") {
      st.cond = sub(st.cond);
      renameUses(st.then, replace);
      renameUses(st.else, replace);
      for (const p of st.phis) ((p.then = sub(p.then)), (p.else = sub(p.else)));
    } else {
      for (const c of st.carried) ((c.init = sub(c.init)), (c.latch = sub(c.latch)));
      renameUses(st.header, replace);
      st.cond = sub(st.cond);
      renameUses(st.body, replace);
    }
  }
}

/** The operations of a loop that read only what the loop does not change, taken out of it, in order. */
function invariants(f: Func, loop: LoopRegion): Op[] {
  const inside = new Set<ValueId>(loop.carried.map((c) => c.phi));
  for (const op of [...opsOf(loop.header), ...opsOf(loop.body)]) inside.add(op.result);
  for (const r of [...regionsIn(loop.header), ...regionsIn(loop.body)])
    for (const v of r.kind === "if" ? r.phis.map((p) => p.result) : r.carried.flatMap((c) => [c.phi, c.result])) inside.add(v);
  const moved: Op[] = [];
  const take = (b: Block, header: boolean) => {
    for (let k = 0; k < b.length; k++) {
      const st = b[k];
      if (st.kind !== "op") continue;
      const invariant = st.args.every((a) => a.kind === "const" || !inside.has(a.id));
      const row = (st.prim === "index" || st.prim === "field") && f.values[st.result].type === "object";
      // a length: of a parameter anywhere, of anything else only where the loop's test reads it
      const measured = st.args[0]?.kind === "value" ? st.args[0].id : -1;
      const length = st.prim === "length" && (header || f.params.some((p) => p.value === measured));
      if (!invariant || !(row || length)) continue;
      moved.push(st);
      inside.delete(st.result);
      b.splice(k--, 1);
    }
  };
  take(loop.header, true);
  take(loop.body, false);
  return moved;
}

function* regionsIn(b: Block): Generator<Extract<Block[number], { kind: "if" | "loop" }>> {
  for (const st of b) {
    if (st.kind === "op") continue;
    yield st;
    if (st.kind === "if") (yield* regionsIn(st.then), yield* regionsIn(st.else));
    else (yield* regionsIn(st.header), yield* regionsIn(st.body));
  }
}
