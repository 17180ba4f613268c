// Activity analysis: a value is active when it is varied (depends differentiably on a wrt
// parameter) and useful (the result depends differentiably on it). Only active values get
// adjoints; inactive ones (data, sizes, counters, comparisons, floor(x)) cost nothing in the
// reverse sweep. Phis depend on their branch values (not on the condition); a loop's carried
// value on its init and its latch, so both are solved to a fixed point.
import type { Block, Func, ValueId } from "../ir/types.js";
import { differentiableOperands } from "../rules/apply.js";
import { ruleOf } from "../rules/table.js";

export interface Activity {
  varied: Set<ValueId>;
  useful: Set<ValueId>;
  active: Set<ValueId>;
}

export function activity(f: Func): Activity {
  const varied = new Set<ValueId>(f.params.filter((p) => p.wrt).map((p) => p.value));
  const isVaried = (a: { kind: string; id?: ValueId }) => a.kind === "value" && varied.has(a.id!);
  fixpoint(() => {
    let changed = false;
    const mark = (id: ValueId, yes: boolean) => {
      if (yes && !varied.has(id)) (varied.add(id), (changed = true));
    };
    const forward = (b: Block) => {
      for (const s of b) {
        if (s.kind === "op") {
          const diff = differentiableOperands(ruleOf(s.prim), s.args.length);
          mark(
            s.result,
            s.args.some((a, i) => diff[i] && isVaried(a)),
          );
        } else if (s.kind === "if") {
          forward(s.then);
          forward(s.else);
          for (const p of s.phis) mark(p.result, isVaried(p.then) || isVaried(p.else));
        } else {
          for (const c of s.carried) mark(c.phi, isVaried(c.init) || isVaried(c.latch));
          forward(s.header);
          forward(s.body);
          for (const c of s.carried) mark(c.result, varied.has(c.phi));
        }
      }
    };
    forward(f.body);
    return changed;
  });

  const useful = new Set<ValueId>();
  if (f.result.kind === "value") useful.add(f.result.id);
  fixpoint(() => {
    let changed = false;
    const mark = (a: { kind: string; id?: ValueId }) => {
      if (a.kind === "value" && !useful.has(a.id!)) (useful.add(a.id!), (changed = true));
    };
    const backward = (b: Block) => {
      for (let k = b.length - 1; k >= 0; k--) {
        const s = b[k];
        if (s.kind === "op") {
          if (!useful.has(s.result)) continue;
          const diff = differentiableOperands(ruleOf(s.prim), s.args.length);
          s.args.forEach((a, i) => diff[i] && mark(a));
        } else if (s.kind === "if") {
          for (const p of s.phis) if (useful.has(p.result)) (mark(p.then), mark(p.else));
          backward(s.then);
          backward(s.else);
        } else {
          for (const c of s.carried) if (useful.has(c.result)) mark({ kind: "value", id: c.phi });
          backward(s.body);
          for (const c of s.carried) if (useful.has(c.phi)) (mark(c.init), mark(c.latch));
        }
      }
    };
    backward(f.body);
    return changed;
  });

  const active = new Set([...varied].filter((v) => useful.has(v)));
  return { varied, useful, active };
}

function fixpoint(step: () => boolean): void {
  for (let guard = 0; step(); guard++) if (guard > 10_000) throw new Error("activity analysis does not converge");
}
