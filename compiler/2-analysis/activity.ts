// Activity analysis: a value is active when it is varied (depends differentiably on a wrt
// parameter) and useful (the result depends differentiably on it). Only active values get
// adjoints; inactive ones (data, sizes, constants, floor(x)) cost nothing in the reverse sweep.
import type { Func, ValueId } from "../ir/types.js";
import { differentiableOperands } from "../rules/apply.js";
import { ruleOf } from "../rules/table.js";

export interface Activity {
  varied: Set<ValueId>;
  useful: Set<ValueId>;
  active: Set<ValueId>;
}

export function activity(f: Func): Activity {
  const varied = new Set<ValueId>(f.params.filter((p) => p.wrt).map((p) => p.value));
  for (const op of f.body) {
    const diff = differentiableOperands(ruleOf(op.prim), op.args.length);
    if (op.args.some((a, i) => diff[i] && a.kind === "value" && varied.has(a.id))) varied.add(op.result);
  }
  const useful = new Set<ValueId>();
  if (f.result.kind === "value") useful.add(f.result.id);
  for (let k = f.body.length - 1; k >= 0; k--) {
    const op = f.body[k];
    if (!useful.has(op.result)) continue;
    const diff = differentiableOperands(ruleOf(op.prim), op.args.length);
    op.args.forEach((a, i) => {
      if (diff[i] && a.kind === "value") useful.add(a.id);
    });
  }
  const active = new Set([...varied].filter((v) => useful.has(v)));
  return { varied, useful, active };
}
