// The HTML page's script: steps through the forward pass, then the backward pass, one node at
// a time (buttons and arrow keys), explaining each step with its local gradient, upstream
// gradient and their product; and lets the learner change the inputs: the engine runs again,
// the labels change, and the change the gradient predicts (f + ∇f·Δ) stands beside f's true
// new value. The page embeds pageMain with toString(): it reads nothing from outside but its
// parameters (the data, the rule table and the engine's functions).
import type { Backprop, Prims, Program, Trace, Val } from "./engine.js";
import type { Shape } from "../ir/types.js";

/** The page's view of the DOM: the compiler's type check has no DOM library. */
declare const document: any;

export interface PageNode {
  id: string;
  kind: "input" | "gate" | "loop" | "output";
  label: string;
  name: string;
  title: string;
  pattern?: string;
  key?: string;
  formulas?: (string | undefined)[];
}

export interface PageEdge {
  id: string;
  from: string;
  to: string;
  source: string;
  parts: string[];
}

export interface PageData {
  name: string;
  params: { name: string; shape: Shape }[];
  args: Val[];
  program: Program;
  decisions: string[];
  nodes: PageNode[];
  edges: PageEdge[];
  valueColor: string;
  gradColor: string;
}

export interface PageEngine {
  traceProgram(prog: Program, args: Val[], P: Prims): Trace;
  backpropTrace(t: Trace, P: Prims, seed?: number): Backprop;
  addGrads(a: Val, b: Val): Val;
  formatValue(v: Val): string;
}

export function pageMain(data: PageData, P: Prims, E: PageEngine): void {
  const $ = (sel: string) => document.querySelector(sel);
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
  const fmt = (v: Val) => E.formatValue(v);
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const inWires = (id: string) => data.edges.filter((e) => e.to === id);
  const outWires = (id: string) => data.edges.filter((e) => e.from === id);
  const copy = (v: Val): Val => JSON.parse(JSON.stringify(v));

  // the engine at a point: every value, adjoint and wire gradient the page shows
  interface Run {
    value: Val;
    trace: Trace;
    bp: Backprop;
    values: Map<string, Val>;
    changed: string[];
  }
  const compute = (args: Val[]): Run => {
    const trace = E.traceProgram(data.program, args, P);
    const bp = E.backpropTrace(trace, P, 1);
    const values = new Map(trace.nodes.map((n) => [n.key, n.value]));
    const changed = trace.decisions.filter((d, k) => d !== data.decisions[k]);
    if (trace.decisions.length !== data.decisions.length && changed.length === 0) changed.push("the number of decisions");
    return { value: trace.value, trace, bp, values, changed };
  };
  const wireValue = (r: Run, e: PageEdge): Val => (e.source === "" ? r.value : r.values.get(e.source));
  const wireGrad = (r: Run, e: PageEdge): Val =>
    e.source === "" ? 1 : e.parts.reduce((sum: Val, p) => E.addGrads(sum, r.bp.edges.get(p)?.contribution), undefined);
  const nodeGrad = (r: Run, n: PageNode): Val => (n.key ? r.bp.adjoint.get(n.key) : undefined);

  const base = compute(data.args);
  let run = base;
  let args = copy(data.args) as Val[];

  // the steps: the start, each gate forward, the output, the seed, each gate backward, the inputs
  type Step = { kind: "start" | "forward" | "output" | "seed" | "backward" | "inputs"; node?: string };
  const order = data.nodes.filter((n) => n.kind === "gate" || n.kind === "loop").map((n) => n.id);
  const steps: Step[] = [
    { kind: "start" },
    ...order.map((node): Step => ({ kind: "forward", node })),
    { kind: "output" },
    { kind: "seed" },
    ...[...order].reverse().map((node): Step => ({ kind: "backward", node })),
    { kind: "inputs" },
  ];
  let step = 0;
  const indexOf = (kind: Step["kind"], node?: string) => steps.findIndex((s) => s.kind === kind && s.node === node);

  // the labels Graphviz drew: centred, so a longer number stays over its wire
  const labels = new Map<string, { value?: any; grad?: any }>();
  const centre = (t: any) => {
    if (!t) return;
    const box = t.getBBox();
    t.setAttribute("text-anchor", "middle");
    t.setAttribute("x", String(box.x + box.width / 2));
  };
  for (const e of data.edges) {
    const g = document.getElementById(`e_${e.id}`);
    const value = g?.querySelector(`text[fill="${data.valueColor}"]`);
    const grad = g?.querySelector(`text[fill="${data.gradColor}"]`);
    centre(value);
    centre(grad);
    labels.set(e.id, { value, grad });
  }
  const sums = new Map<string, any>();
  for (const n of data.nodes) {
    const t = document.getElementById(`n_${n.id}`)?.querySelector(`text[fill="${data.gradColor}"]`);
    if (t) sums.set(n.id, t);
  }

  const show = () => {
    const s = steps[step];
    const forwardDone = (id: string) => {
      const n = byId.get(id)!;
      if (n.kind === "input") return true;
      const k = indexOf("forward", id);
      return k >= 0 && k <= step;
    };
    const backwardDone = (id: string) => {
      const k = indexOf("backward", id);
      return k >= 0 && k <= step;
    };
    for (const e of data.edges) {
      const l = labels.get(e.id)!;
      const valueShown = e.to === "out" ? step >= indexOf("output") : forwardDone(e.from);
      const gradShown = e.to === "out" ? step >= indexOf("seed") : backwardDone(e.to);
      if (l.value) l.value.textContent = valueShown ? fmt(wireValue(run, e)) : "";
      if (l.grad) l.grad.textContent = gradShown ? fmt(wireGrad(run, e)) : "";
    }
    for (const [id, t] of sums) {
      const n = byId.get(id)!;
      const shown = n.kind === "input" ? step >= indexOf("inputs") : backwardDone(id);
      t.textContent = shown ? `Σ ${fmt(nodeGrad(run, n))}` : "";
    }
    // highlights: the node of this step, the wires it reads and writes
    for (const el of document.querySelectorAll(".current, .wire-in, .wire-out, .wire-sum"))
      el.classList.remove("current", "wire-in", "wire-out", "wire-sum");
    const mark = (id: string, cls: string) => document.getElementById(id)?.classList.add(cls);
    if (s.node) {
      mark(`n_${s.node}`, "current");
      const outs = outWires(s.node);
      for (const e of inWires(s.node)) mark(`e_${e.id}`, s.kind === "forward" ? "wire-in" : "wire-out");
      for (const e of outs) mark(`e_${e.id}`, s.kind === "forward" ? "wire-out" : outs.length > 1 ? "wire-sum" : "wire-in");
    }
    if (s.kind === "output" || s.kind === "seed") mark("e_result", "wire-in");
    if (s.kind === "inputs")
      for (const n of data.nodes)
        if (n.kind === "input" && outWires(n.id).length > 1) for (const e of outWires(n.id)) mark(`e_${e.id}`, "wire-sum");
    $("#step").textContent =
      `step ${step} of ${steps.length - 1}: ${s.kind === "start" || s.kind === "forward" || s.kind === "output" ? "forward pass" : "backward pass"}`;
    $("#explain").innerHTML = explain(s);
    $("#grads").innerHTML = gradients(step >= indexOf("inputs"));
    $("#prev").disabled = step === 0;
    $("#next").disabled = step === steps.length - 1;
  };

  const nameOfWire = (e: PageEdge) => byId.get(e.from)!.name;
  const explain = (s: Step): string => {
    if (s.kind === "start")
      return `<p>The inputs are on the left, each wire carries its <b class="value">value</b> (forward pass) and, later, its <b class="grad">gradient</b> ∂${esc(data.name)}/∂wire (backward pass). Step with → or the buttons.</p>`;
    if (s.kind === "output") return `<p>Forward pass done: <b>${esc(data.name)} = <span class="value">${fmt(run.value)}</span></b>.</p>`;
    if (s.kind === "seed")
      return `<p>The backward pass starts at the output: ∂${esc(data.name)}/∂${esc(data.name)} = <span class="grad">1</span>. From here, each gate multiplies its <b>local gradient</b> by the <b>upstream gradient</b> and passes the product back to its inputs.</p>`;
    if (s.kind === "inputs") {
      const adds = data.nodes.filter((n) => n.kind === "input" && outWires(n.id).length > 1);
      const lines = adds.map(
        (n) =>
          `<li>${esc(n.name)} feeds ${outWires(n.id).length} wires: <b>gradients add at a branch</b>, ${outWires(n.id)
            .map((e) => fmt(wireGrad(run, e)))
            .join(" + ")} = <span class="grad">${fmt(nodeGrad(run, n))}</span></li>`,
      );
      return `<p>Backward pass done: the gradient of each input is below.</p>${lines.length ? `<ul>${lines.join("")}</ul>` : ""}`;
    }
    const n = byId.get(s.node!)!;
    const ins = inWires(n.id);
    const outs = outWires(n.id);
    if (s.kind === "forward") {
      const reads = ins.map((e) => `${esc(nameOfWire(e))} = <span class="value">${fmt(wireValue(run, e))}</span>`).join(", ");
      const result = outs.map((e) => `<span class="value">${fmt(wireValue(run, e))}</span>`);
      if (n.kind === "loop") return `<p><b>${esc(n.title)}</b>. It reads ${reads || "nothing drawn"} and gives ${result.join(", ")}.</p>`;
      return `<p><b>${esc(n.title)}</b>${reads ? `, with ${reads}` : ""}: ${esc(n.name)} = <span class="value">${fmt(run.values.get(n.key!))}</span>.</p>`;
    }
    // backward: upstream (the sum over the wires out when it fans out), then local x upstream per wire in
    const upstream = nodeGrad(run, n);
    const sum =
      outs.length > 1
        ? `<p class="sum"><b>Gradients add at a branch</b>: ${esc(n.name)} feeds ${outs.length} wires, so its upstream gradient is ${outs
            .map((e) => fmt(wireGrad(run, e)))
            .join(" + ")} = <span class="grad">${fmt(upstream)}</span>.</p>`
        : "";
    const head = `<p><b>${esc(n.title)}</b>${n.pattern ? ` — <i>${esc(n.pattern)}</i>` : ""}.</p>${sum}`;
    if (n.kind === "loop") {
      const rows = ins.map((e) => `<li>${esc(nameOfWire(e))} receives <span class="grad">${fmt(wireGrad(run, e))}</span></li>`).join("");
      return `${head}<p>Upstream: ${outs.map((e) => `<span class="grad">${fmt(wireGrad(run, e))}</span>`).join(", ")}. The iterations run backwards, each one local gradient × upstream gradient:</p><ul>${rows}</ul>`;
    }
    const rows = ins
      .map((e) => {
        const part = run.bp.edges.get(e.parts[0]);
        const k = Number(e.parts[0]?.split("#")[1]);
        const formula = n.formulas?.[k];
        const local = e.parts.length === 1 && part ? part.local : undefined;
        const lhs = `∂${esc(n.name)}/∂${esc(nameOfWire(e))}`;
        if (local === undefined || typeof local !== "number")
          return `<li>${esc(nameOfWire(e))} receives <span class="grad">${fmt(wireGrad(run, e))}</span></li>`;
        return `<li>${esc(nameOfWire(e))}: local gradient ${lhs} = ${formula && formula !== fmt(local) ? `${esc(formula)} = ` : ""}<b>${fmt(local)}</b>, upstream <span class="grad">${fmt(upstream)}</span>, product ${fmt(local)} × ${fmt(upstream)} = <span class="grad">${fmt(wireGrad(run, e))}</span></li>`;
      })
      .join("");
    return `${head}<p>Upstream gradient ∂${esc(data.name)}/∂${esc(n.name)} = <span class="grad">${fmt(upstream)}</span>.</p><ul>${rows}</ul>`;
  };

  const gradients = (done: boolean): string => {
    const rows = data.params.map((p, i) => {
      const n = data.nodes.find((x) => x.kind === "input" && x.key === `p${i}`);
      const g = n ? nodeGrad(run, n) : undefined;
      return `<tr><td>∂${esc(data.name)}/∂${esc(p.name)}</td><td class="grad">${done ? fmt(g ?? 0) : "?"}</td></tr>`;
    });
    return `<table>${rows.join("")}</table>`;
  };

  // the inputs: change one, and the engine runs again at the new point
  const baseGrads = data.params.map((_, i) => base.bp.adjoint.get(`p${i}`) ?? 0);
  const dot = (g: Val, d: Val): number =>
    typeof g === "number" ? g * (d as number) : Array.from(g as ArrayLike<Val>).reduce((s: number, x, i) => s + dot(x, (d as any)[i]), 0);
  const minus = (a: Val, b: Val): Val =>
    typeof a === "number" ? a - (b as number) : Array.from(a as ArrayLike<Val>).map((x, i) => minus(x, (b as any)[i]));
  const predict = () => {
    let change = 0;
    const terms: string[] = [];
    data.params.forEach((p, i) => {
      if (p.shape.kind === "record") return;
      const d = minus(args[i], data.args[i]);
      const c = dot(baseGrads[i], d);
      if (c !== 0 || (typeof d === "number" && d !== 0)) terms.push(`${fmt(baseGrads[i])} × ${fmt(d)}`);
      change += c;
    });
    const f0 = base.value as number;
    const truth = run.value as number;
    const predicted = f0 + change;
    const error = truth - predicted;
    const path = run.changed.length
      ? `<p class="warn">At this point ${esc(data.name)} takes another path (${esc(run.changed.join(", "))}): the picture is of the path at the starting point, the numbers of the new one where they exist.</p>`
      : "";
    $("#predict").innerHTML = `<table>
      <tr><td>${esc(data.name)} at the start</td><td>${fmt(f0)}</td></tr>
      <tr><td>∇${esc(data.name)}·Δ</td><td>${terms.length ? terms.join(" + ") : "0"} = ${fmt(change)}</td></tr>
      <tr><td>prediction ${esc(data.name)} + ∇${esc(data.name)}·Δ</td><td id="predicted"><b>${fmt(predicted)}</b></td></tr>
      <tr><td>true new value</td><td id="truth"><b>${fmt(truth)}</b></td></tr>
      <tr><td>true − predicted</td><td class="${Math.abs(error) > 1e-9 * Math.max(1, Math.abs(truth)) ? "off" : "ok"}">${fmt(error)}${Math.abs(error) <= 1e-9 * Math.max(1, Math.abs(truth)) ? " (the linear prediction holds)" : ""}</td></tr>
    </table>${path}`;
  };
  const update = () => {
    try {
      run = compute(args);
      $("#error").textContent = "";
    } catch (e) {
      $("#error").textContent = `cannot compute at this point: ${(e as Error).message}`;
      return;
    }
    predict();
    show();
  };
  const controls = $("#inputs");
  data.params.forEach((p, i) => {
    const row = document.createElement("div");
    row.className = "input";
    if (p.shape.kind === "number") {
      const x0 = data.args[i] as number;
      const span = Math.max(5, Math.abs(x0));
      row.innerHTML = `<label>${esc(p.name)} <input type="range" min="${x0 - span}" max="${x0 + span}" step="0.01" value="${x0}"> <input type="number" step="0.1" value="${x0}"></label>`;
      const [range, box] = row.querySelectorAll("input");
      range.addEventListener("input", () => {
        box.value = range.value;
        args[i] = Number(range.value);
        update();
      });
      box.addEventListener("input", () => {
        if (box.value === "" || !Number.isFinite(Number(box.value))) return;
        range.value = box.value;
        args[i] = Number(box.value);
        update();
      });
    } else {
      row.innerHTML = `<label>${esc(p.name)} <input type="text" value="${esc(JSON.stringify(data.args[i]))}"></label>`;
      const box = row.querySelector("input");
      box.addEventListener("change", () => {
        try {
          args[i] = JSON.parse(box.value);
          update();
        } catch {
          $("#error").textContent = `${p.name}: not JSON`;
        }
      });
    }
    controls.appendChild(row);
  });
  $("#reset").addEventListener("click", () => {
    args = copy(data.args) as Val[];
    for (const [i, row] of [...controls.querySelectorAll(".input")].entries())
      for (const input of row.querySelectorAll("input"))
        input.value = data.params[i].shape.kind === "number" ? String(data.args[i]) : JSON.stringify(data.args[i]);
    update();
  });

  const go = (k: number) => {
    step = Math.max(0, Math.min(steps.length - 1, k));
    show();
  };
  $("#first").addEventListener("click", () => go(0));
  $("#prev").addEventListener("click", () => go(step - 1));
  $("#next").addEventListener("click", () => go(step + 1));
  $("#last").addEventListener("click", () => go(steps.length - 1));
  document.addEventListener("keydown", (ev: any) => {
    if (ev.target?.tagName === "INPUT") return;
    if (ev.key === "ArrowRight") go(step + 1);
    else if (ev.key === "ArrowLeft") go(step - 1);
    else if (ev.key === "Home") go(0);
    else if (ev.key === "End") go(steps.length - 1);
    else return;
    ev.preventDefault();
  });
  predict();
  show();
}
