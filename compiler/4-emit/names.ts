// Names in generated code, stable and readable (Tangent's Namer): a user's variable keeps its
// name (`q`), its later assignments get `_2`, `_3`; temporaries are `t1, t2, …` numbered as
// in the IR dump; a temporary result is `out`; adjoints are `d` + the primal's name (`dq`,
// `dt3`, `dout`). Every name the function mentions is reserved first; on a collision the
// suffix `_2`, `_3`… is added — never a random one, so identical input gives identical output.
import { irNames } from "../ir/print.js";
import type { Func, ValueId } from "../ir/types.js";

export class Namer {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string>) {
    for (const r of reserved) this.taken.add(r);
  }

  /** Marks a name as used without handing it out. */
  reserve(name: string): void {
    this.taken.add(name);
  }

  /** Claims `base`, or `base_2`, `base_3`, … if it is taken. */
  claim(base: string): string {
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }
}

export interface FunctionNames {
  value: Map<ValueId, string>;
  adjoint: Map<ValueId, string>;
  grad: string;
  seed: string;
  /** For the function's own extra locals (trip counters, loop indices). */
  namer: Namer;
}

/**
 * Names for one generated function. `visible` lists the values that appear in the output (as
 * a const or let of the forward sweep, or through their adjoint), in forward order; `same`
 * maps a value to another whose variable it shares (a loop's result is its carried variable);
 * `userNames` are all identifiers of the user's function (reserved so temporaries never shadow
 * them).
 */
export function nameFunction(
  f: Func,
  visible: ValueId[],
  withAdjoint: ValueId[],
  userNames: Set<string>,
  globals: Iterable<string>,
  same: Map<ValueId, ValueId> = new Map(),
): FunctionNames {
  const namer = new Namer(globals);
  const value = new Map<ValueId, string>();
  for (const p of f.params) value.set(p.value, namer.claim(p.name));
  const own = visible.filter((id) => !same.has(id));
  const userOrder = own.filter((id) => f.values[id].hint !== "" && !f.values[id].synthetic);
  // first assignments keep the user's name; later ones are suffixed
  const given = new Set(value.values());
  for (const id of userOrder) {
    const hint = f.values[id].hint;
    if (given.has(hint)) continue;
    value.set(id, namer.claim(hint));
    given.add(hint);
  }
  for (const u of userNames) namer.reserve(u);
  const grad = namer.claim("grad");
  const seed = namer.claim("seed");
  for (const id of userOrder) if (!value.has(id)) value.set(id, namer.claim(f.values[id].hint));
  // adc's own variables (the flags of break, continue and return) after the user's
  for (const id of own) if (!value.has(id) && f.values[id].synthetic) value.set(id, namer.claim(f.values[id].hint));
  const resultId = f.result.kind === "value" ? f.result.id : -1;
  // temporaries keep their IR number (`%t6` in --dump is `t6` here), so the two read alike
  const ir = irNames(f);
  for (const id of own) {
    if (value.has(id)) continue;
    value.set(id, id === resultId ? namer.claim("out") : namer.claim(ir.get(id)!));
  }
  for (const [id, other] of same) if (value.has(other)) value.set(id, value.get(other)!);
  const adjoint = new Map<ValueId, string>();
  for (const id of withAdjoint) {
    if (adjoint.has(id)) continue;
    const primal = value.get(id) ?? (f.values[id].hint || ir.get(id)!);
    adjoint.set(id, namer.claim(`d${primal}`));
  }
  return { value, adjoint, grad, seed, namer };
}
