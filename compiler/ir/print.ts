// Text form of the IR (jaxpr-like), for --dump and for tests that check a phase's output:
//   func addMul(%x, %y, %z) {
//     %q = add %x, %y          ; active
//     %t1 = mul %q, %z         ; active  record: %q %z
//     return %t1
//   }
import type { AdjStmt, Adjoint } from "./adjoint.js";
import type { Expr } from "./expr.js";
import type { Block, Func, Operand, ValueId } from "./types.js";

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
  const block = (b: Block, indent: string) => {
    for (const s of b) {
      if (s.kind === "op") {
        const code = `${indent}%${names.get(s.result)} = ${s.prim} ${s.args.map(ref).join(", ")}`;
        const notes: string[] = [];
        if (opts.active?.has(s.result)) notes.push("active");
        const reads = opts.reads?.get(s.result) ?? [];
        if (reads.length) notes.push(`record: ${reads.map((id) => `%${names.get(id)}`).join(" ")}`);
        lines.push(notes.length ? `${code.padEnd(34)} ; ${notes.join("  ")}` : code);
      } else if (s.kind === "if") {
        lines.push(`${indent}if${s.id} ${ref(s.cond)} {`);
        block(s.then, indent + "  ");
        lines.push(`${indent}} else {`);
        block(s.else, indent + "  ");
        const phis = s.phis.map((p) => `%${names.get(p.result)} = phi ${ref(p.then)}, ${ref(p.else)}`);
        lines.push(`${indent}}${phis.length ? ` ${phis.join("; ")}` : ""}`);
      } else {
        const carried = s.carried.map((c) => `%${names.get(c.phi)} = ${ref(c.init)}`).join(", ");
        lines.push(`${indent}loop${s.id} (${carried}) {`);
        block(s.header, indent + "  ");
        lines.push(`${indent}  while ${ref(s.cond)}`);
        block(s.body, indent + "  ");
        if (s.carried.length) lines.push(`${indent}  next ${s.carried.map((c) => `%${names.get(c.phi)} = ${ref(c.latch)}`).join(", ")}`);
        lines.push(`${indent}}${s.carried.length ? ` => ${s.carried.map((c) => `%${names.get(c.result)}`).join(", ")}` : ""}`);
      }
    }
  };
  block(f.body, "  ");
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
    case "adjAt":
      return `d%${names.get(e.id)}${e.at.map((i) => `[${printExpr(i, names)}]`).join("")}`;
    case "role":
      return e.role;
    case "prim":
      return `${e.prim}(${e.args.map((a) => printExpr(a, names)).join(", ")})`;
  }
}

export function printAdjoint(a: Adjoint): string {
  const names = irNames(a.func);
  const ref = (x: Operand) => (x.kind === "value" ? `%${names.get(x.id)}` : (x.text ?? String(x.value)));
  const lines = [`adjoint ${a.func.name} {`, "  forward:"];
  const forward = (b: Block, indent: string) => {
    for (const s of b) {
      if (s.kind === "op") {
        const push = a.recording.stacked.has(s.result) ? "   ; push" : "";
        lines.push(`${indent}%${names.get(s.result)} = ${s.prim} ${s.args.map(ref).join(", ")}${push}`);
      } else if (s.kind === "if") {
        lines.push(`${indent}if${s.id} ${ref(s.cond)}${a.recording.bits.has(s.id) ? "   ; push decision" : ""} {`);
        forward(s.then, indent + "  ");
        lines.push(`${indent}} else {`);
        forward(s.else, indent + "  ");
        lines.push(`${indent}}${s.phis.map((p) => ` %${names.get(p.result)} = phi ${ref(p.then)}, ${ref(p.else)}`).join(";")}`);
      } else {
        const trips = a.recording.trips.get(s.id);
        lines.push(
          `${indent}loop${s.id} (${s.carried.map((c) => `%${names.get(c.phi)} = ${ref(c.init)}`).join(", ")})${trips ? `   ; count trips (${trips})` : ""} {`,
        );
        forward(s.header, indent + "  ");
        lines.push(`${indent}  while ${ref(s.cond)}`);
        forward(s.body, indent + "  ");
        if (s.carried.length) lines.push(`${indent}  next ${s.carried.map((c) => `%${names.get(c.phi)} = ${ref(c.latch)}`).join(", ")}`);
        lines.push(`${indent}}${s.carried.length ? ` => ${s.carried.map((c) => `%${names.get(c.result)}`).join(", ")}` : ""}`);
      }
    }
  };
  forward(a.forward, "    ");
  lines.push("  reverse:");
  const reverse = (list: AdjStmt[], indent: string) => {
    for (const s of list) {
      if (s.kind === "declare") lines.push(`${indent}d%${names.get(s.target)} = 0`);
      else if (s.kind === "zeros") lines.push(`${indent}d%${names.get(s.target)} = zeros like %${names.get(s.target)}`);
      else if (s.kind === "pop") lines.push(`${indent}pop %${names.get(s.value)}`);
      else if (s.kind === "restore") lines.push(`${indent}restore %${names.get(s.value)}`);
      else if (s.kind === "recompute") lines.push(`${indent}recompute %${names.get(s.value)}`);
      else if (s.kind === "call") {
        const targets = s.targets.map((t) => (t === null ? "_" : `d%${names.get(t)}`)).join(", ");
        lines.push(`${indent}${targets} += grad of ${s.op.member}(${s.op.args.map(ref).join(", ")}) with seed ${printExpr(s.seed, names)}`);
      } else if (s.kind === "induction")
        lines.push(`${indent}%${names.get(s.value)} = ${ref(s.init)} + ${s.step} * (iteration of loop${s.loop})`);
      else if (s.kind === "update")
        lines.push(
          `${indent}d%${names.get(s.target)}${(s.path ?? []).map((p) => ("field" in p ? `.${p.field}` : `[${printExpr(p.index, names)}]`)).join("")} ${s.mode === "add" ? "+=" : "="} ${printExpr(s.expr, names)}`,
        );
      else if (s.kind === "if") {
        lines.push(`${indent}if ${s.decision === "stack" ? "(popped decision)" : printExpr(s.decision, names)} {`);
        reverse(s.then, indent + "  ");
        lines.push(`${indent}} else {`);
        reverse(s.else, indent + "  ");
        lines.push(`${indent}}`);
      } else if (s.kind === "guard") {
        lines.push(`${indent}only if ${printExpr(s.cond, names)} {`);
        reverse(s.body, indent + "  ");
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}loop${s.region.id} backwards {`);
        reverse(s.body, indent + "  ");
        lines.push(`${indent}}`);
      }
    }
  };
  reverse(a.reverse, "    ");
  lines.push(
    `  grad: { ${a.gradients.map((g) => `${g.param.name}: ${g.adjoint === null ? "0" : `d%${names.get(g.adjoint)}`}`).join(", ")} }`,
    "}",
  );
  return lines.join("\n");
}
