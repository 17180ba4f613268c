// From the trace to the picture: which operations are drawn, and as what. A node is drawn when
// it depends on an input and the output depends on it (through differentiable operands), so
// counters, comparisons and sizes are not wires: their values are written in the gates that
// read them (`[2]`, `*0.5`). A loop that ran more than `unroll` times is one node, `loop ×n`,
// whose wires in and out carry the sums of what its iterations pass; a smaller one is drawn
// iteration by iteration. The phis of a loop pass values between iterations and are not drawn;
// an if's phi is a gate of its own (it routes the gradient to the branch taken).
import { irNames } from "../ir/print.js";
import { regionsOf, type Func } from "../ir/types.js";
import { differentiableOperands } from "../rules/apply.js";
import { ruleOf } from "../rules/table.js";
import { addGrads, type Backprop, type Trace, type TraceNode, type Val } from "./engine.js";
import { formatValue, shapeOf } from "./format.js";
import { localGradientText } from "../rules/describe.js";
import { gateExpression, gateLabel, gatePattern, type GateOperand } from "./gates.js";

export interface GraphNode {
  id: string;
  kind: "input" | "gate" | "loop" | "output";
  /** What the node shows: a parameter's name, a gate's symbol, `loop ×3`, the function's name. */
  label: string;
  /** The value's name (`q`, `t3`, `s.2@1`), for the explanations. */
  name: string;
  /** What it computes, in words and with its operands (the tooltip, and the page's forward step). */
  title: string;
  pattern?: string;
  /** The trace node whose value and adjoint it shows (an input, a gate). */
  key?: string;
  /** Per operand wire of a gate: its local gradient as a formula. */
  formulas?: (string | undefined)[];
  value?: Val;
  grad?: Val;
}

export interface GraphEdge {
  id: string;
  from: string;
  to: string;
  /** The trace node whose value the wire carries ("" for the output's wire: f itself). */
  source: string;
  /** The operand edges (`key#k`) whose contributions add up to the wire's gradient. */
  parts: string[];
  value: Val;
  grad: Val;
}

export interface Graph {
  name: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  value: Val;
  /** Loops drawn as one node. */
  folded: string[];
}

export interface ViewOptions {
  /** Loops that ran at most this many times are drawn unrolled. */
  unroll: number;
}

export function view(func: Func, t: Trace, b: Backprop, options: ViewOptions): Graph {
  const names = irNames(func);
  const byKey = new Map(t.nodes.map((n) => [n.key, n]));
  const loopText = new Map<number, string>();
  for (const r of regionsOf(func.body)) if (r.kind === "loop") loopText.set(r.id, func.statements[r.stmt]?.text ?? `loop${r.id}`);
  const runs = new Map(t.loops.map((l) => [l.key, l]));
  const folded = new Set(t.loops.filter((l) => l.trips > options.unroll).map((l) => l.key));

  // which operands carry a gradient at all
  const differentiable = (n: TraceNode): boolean[] =>
    n.kind === "phi" ? [true] : n.kind === "param" ? [] : differentiableOperands(ruleOf(n.prim!), n.args.length);
  // varied: depends on an input; useful: received an adjoint (the output depends on it)
  const varied = new Set<string>();
  for (const n of t.nodes) {
    if (n.kind === "param") varied.add(n.key);
    else if (n.args.some((a, k) => "key" in a && varied.has(a.key) && differentiable(n)[k])) varied.add(n.key);
  }
  const drawn = (key: string) => varied.has(key) && b.adjoint.has(key);
  // the node a trace node is drawn as: itself, or the outermost folded loop around it
  const place = (n: TraceNode): string => {
    for (let j = 0; j < n.path.length; j++) {
      const key = `L${n.path[j][0]}${n.path
        .slice(0, j)
        .map((s) => `_${s[0]}_${s[1]}`)
        .join("")}`;
      if (folded.has(key)) return key;
    }
    return n.key;
  };
  const nameOf = (n: TraceNode): string => {
    if (n.kind === "param") return func.params[n.param!].name;
    const base = names.get(n.id!) ?? n.key;
    return n.path.length ? `${base}@${n.path.map((s) => s[1]).join(",")}` : base;
  };
  const fixedText = (a: TraceNode["args"][number], value: Val): string => ("key" in a ? formatValue(value) : (a.text ?? formatValue(a.c)));

  const nodes = new Map<string, GraphNode>();
  for (const n of t.nodes) {
    if (!drawn(n.key)) continue;
    const id = place(n);
    if (nodes.has(id)) continue;
    if (n.kind === "param") {
      const p = func.params[n.param!];
      // an array is a vector node with its shape, as the vectorized slides draw it
      const dims = shapeOf(n.value);
      const label = dims.length ? `${p.name} [${dims.join("×")}]` : p.shape.kind === "record" ? `${p.name} {…}` : p.name;
      nodes.set(id, {
        id,
        kind: "input",
        label,
        name: p.name,
        title: `input ${p.name}`,
        key: n.key,
        value: n.value,
        grad: b.adjoint.get(n.key),
      });
      continue;
    }
    if (id !== n.key) {
      const run = runs.get(id)!;
      const label = `loop ×${run.trips}`;
      nodes.set(id, {
        id,
        kind: "loop",
        label,
        name: `loop${run.loop}`,
        title: `${loopText.get(run.loop)}: ${run.trips} iteration${run.trips === 1 ? "" : "s"}, drawn as one node`,
        pattern: `a loop, folded: what its ${run.trips} iterations pass back to each input, added up`,
      });
      continue;
    }
    const wires = differentiable(n).map((d, k) => d && "key" in n.args[k] && drawn((n.args[k] as { key: string }).key));
    const ops: GateOperand[] = n.args.map((a, k) =>
      wires[k] ? { wire: true, text: nameOf(byKey.get((a as { key: string }).key)!) } : { wire: false, text: fixedText(a, n.inputs[k]) },
    );
    const name = nameOf(n);
    if (n.kind === "phi") {
      nodes.set(id, {
        id,
        kind: "gate",
        label: "if",
        name,
        title: `${name} = ${ops[0].text}: the if took its ${n.branch} branch`,
        pattern: "if: routes the gradient to the branch taken",
        key: n.key,
        formulas: ["1"],
        value: n.value,
        grad: b.adjoint.get(n.key),
      });
      continue;
    }
    const arrayName = n.prim === "load" || n.prim === "store" ? nameOfArg(n.args[0], byKey, nameOf) : "";
    const label = gateLabel(n.prim!, n.member, ops, arrayName);
    nodes.set(id, {
      id,
      kind: "gate",
      label,
      name,
      title: `${name} = ${gateExpression(n.prim!, n.member, ops, arrayName)}`,
      pattern: gatePattern(n.prim!, ops),
      key: n.key,
      formulas: ops.map((o, k) =>
        o.wire
          ? localGradientText(
              n.prim!,
              k,
              ops.map((x) => x.text),
              name,
            )
          : undefined,
      ),
      value: n.value,
      grad: b.adjoint.get(n.key),
    });
  }

  // wires: one per (source value, node it goes into); a loop's inner wires are inside its node
  const edges = new Map<string, GraphEdge>();
  for (const n of t.nodes) {
    if (!drawn(n.key) || n.kind === "param") continue;
    const to = place(n);
    const diff = differentiable(n);
    n.args.forEach((a, k) => {
      if (!("key" in a) || !diff[k] || !drawn(a.key)) return;
      const from = place(byKey.get(a.key)!);
      if (from === to) return;
      const id = `${a.key}__${to}`;
      const part = `${n.key}#${k}`;
      const e = edges.get(id) ?? { id, from, to, source: a.key, parts: [], value: byKey.get(a.key)!.value, grad: undefined };
      if (b.edges.has(part)) {
        e.parts.push(part);
        e.grad = addGrads(e.grad, b.edges.get(part)!.contribution);
      }
      edges.set(id, e);
    });
  }
  // the output: f's value, and the seed 1 it starts the backward pass with
  nodes.set("out", { id: "out", kind: "output", label: func.name, name: func.name, title: `${func.name}: the output` });
  if ("key" in t.result && drawn(t.result.key)) {
    const from = place(byKey.get(t.result.key)!);
    edges.set("result", { id: "result", from, to: "out", source: "", parts: [], value: t.value, grad: 1 });
  }
  // inputs in the order the graph first reads them (the lectures' w0, x0, w1, x1, w2), top to bottom
  const firstUse = new Map<string, number>();
  [...edges.values()].forEach((e, k) => firstUse.set(e.from, Math.min(firstUse.get(e.from) ?? k, k)));
  const all = [...nodes.values()];
  const inputs = all.filter((n) => n.kind === "input").sort((p, q) => (firstUse.get(p.id) ?? 0) - (firstUse.get(q.id) ?? 0));
  const ordered = [...inputs, ...all.filter((n) => n.kind !== "input")];
  return { name: func.name, nodes: ordered, edges: [...edges.values()], value: t.value, folded: [...folded] };
}

function nameOfArg(a: TraceNode["args"][number], byKey: Map<string, TraceNode>, nameOf: (n: TraceNode) => string): string {
  if (!("key" in a)) return "";
  return nameOf(byKey.get(a.key)!).replace(/\.\d+(@.*)?$/, "");
}
