// Where things are in a Func: the block each value lives in, the block around each block, and
// how many loops surround it. A value "lives" where the reverse sweep finds it: an operation's
// result in its block, an if's phi in the block around the if, a loop's phi in the loop body
// (a new one each iteration), a loop's result in the block around the loop.
import type { Block, Func, IfRegion, LoopRegion, ValueId } from "./types.js";

export interface Structure {
  home: Map<ValueId, Block>;
  parent: Map<Block, Block | undefined>;
  /** The region a nested block belongs to. */
  region: Map<Block, IfRegion | LoopRegion>;
  /** The number of loops around a block (its own loop counts for a loop body). */
  depth: Map<Block, number>;
  root: Block;
}

export function structure(f: Func): Structure {
  const home = new Map<ValueId, Block>();
  const parent = new Map<Block, Block | undefined>([[f.body, undefined]]);
  const region = new Map<Block, IfRegion | LoopRegion>();
  const depth = new Map<Block, number>([[f.body, 0]]);
  for (const p of f.params) home.set(p.value, f.body);
  const visit = (b: Block) => {
    for (const s of b) {
      if (s.kind === "op") {
        home.set(s.result, b);
        continue;
      }
      const inner = s.kind === "if" ? [s.then, s.else] : [s.header, s.body];
      for (const child of inner) {
        parent.set(child, b);
        region.set(child, s);
        depth.set(child, depth.get(b)! + (s.kind === "loop" ? 1 : 0));
        visit(child);
      }
      if (s.kind === "if") for (const p of s.phis) home.set(p.result, b);
      else
        for (const c of s.carried) {
          home.set(c.phi, s.body);
          home.set(c.result, b);
        }
    }
  };
  visit(f.body);
  return { home, parent, region, depth, root: f.body };
}

/** Is `v` in scope in block `from` (defined there or in a block around it)? */
export function visibleIn(s: Structure, v: ValueId, from: Block): boolean {
  const h = s.home.get(v);
  for (let b: Block | undefined = from; b; b = s.parent.get(b)) if (b === h) return true;
  return false;
}

/** Loops around the block where v lives: 0 means v is computed once per call. */
export function loopDepthOf(s: Structure, v: ValueId): number {
  return s.depth.get(s.home.get(v)!) ?? 0;
}
