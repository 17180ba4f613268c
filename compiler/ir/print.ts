// Text form of the IR (jaxpr-like), for --dump and for tests that check a phase's output:
//   func addMul(%x, %y, %z) {
//     %q = add %x, %y          ; active
//     %t1 = mul %q, %z         ; active  record: %q %z
//     return %t1
//   }
import type { Adjoint } from "./adjoint.js";
import type { Expr } from "./expr.js";
import type { Func, Operand, ValueId } from "./types.js";

export interface PrintOptions {
  active?: Set<ValueId>;
  /** Per operation (by its result): the forward values its adjoint reads. */
  reads?: Map<ValueId, ValueId[]>;
}

/** IR names: a variable's name (`%x`, then `%x.2` for its next assignment) or `%t<n>`. */
export function irNames(f: Func): Map<ValueId, string> {
  const names = new Map<ValueId, string>();
  const seen = new Map<string, number>();
  let temps = 0;
  for (const v of f.values) {
    if (v.hint === "") {
      names.set(v.id, `t${++temps}`);
      continue;
    }
    const n = (seen.get(v.hint) ?? 0) + 1;
    seen.set(v.hint, n);
    names.set(v.id, n === 1 ? v.hint : `${v.hint}.${n}`);
  }
  return names;
}

export function printFunc(f: Func, opts: PrintOptions = {}): string {
  const names = irNames(f);
  const ref = (a: Operand) => (a.kind === "value" ? `%${names.get(a.id)}` : (a.text ?? String(a.value)));
  const params = f.params.map((p) => `%${p.name}${p.wrt ? "" : " (const)"}`).join(", ");
  const lines = [`func ${f.name}(${params}) {`];
  for (const op of f.body) {
    const code = `  %${names.get(op.result)} = ${op.prim} ${op.args.map(ref).join(", ")}`;
    const notes: string[] = [];
    if (opts.active?.has(op.result)) notes.push("active");
    const reads = opts.reads?.get(op.result) ?? [];
    if (reads.length) notes.push(`record: ${reads.map((id) => `%${names.get(id)}`).join(" ")}`);
    lines.push(notes.length ? `${code.padEnd(34)} ; ${notes.join("  ")}` : code);
  }
  lines.push(`  return ${ref(f.result)}`, "}");
  return lines.join("\n");
}

export function printExpr(e: Expr, names: Map<ValueId, string>): string {
  switch (e.k) {
    case "const":
      return e.text ?? String(e.value);
    case "val":
      return `%${names.get(e.id)}`;
    case "adj":
      return `d%${names.get(e.id)}`;
    case "role":
      return e.role;
    case "prim":
      return `${e.prim}(${e.args.map((a) => printExpr(a, names)).join(", ")})`;
  }
}

export function printAdjoint(a: Adjoint): string {
  const names = irNames(a.func);
  const lines = [`adjoint ${a.func.name} {`, "  forward:"];
  const ref = (x: Operand) => (x.kind === "value" ? `%${names.get(x.id)}` : (x.text ?? String(x.value)));
  for (const op of a.forward) lines.push(`    %${names.get(op.result)} = ${op.prim} ${op.args.map(ref).join(", ")}`);
  lines.push("  reverse:");
  for (const u of a.reverse) lines.push(`    d%${names.get(u.target)} ${u.mode === "init" ? "=" : "+="} ${printExpr(u.expr, names)}`);
  lines.push(
    `  grad: { ${a.gradients.map((g) => `${g.param.name}: ${g.adjoint === null ? "0" : `d%${names.get(g.adjoint)}`}`).join(", ")} }`,
    "}",
  );
  return lines.join("\n");
}
