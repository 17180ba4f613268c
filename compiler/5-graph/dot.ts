// The graph as Graphviz DOT, drawn as the lectures draw it: inputs on the left, the output on
// the right, gates as circles; on each wire its forward value (green, above) and its gradient
// (red, below); where a value fans out, the sum of its gradients (Σ) beside its node. Ids are
// kept in the SVG (`n_<node>`, `e_<edge>`), so the HTML page can find and change the labels.
import { formatValue } from "./format.js";
import type { Graph, GraphNode } from "./view.js";

export const VALUE_COLOR = "#1a7f37";
export const GRAD_COLOR = "#cf222e";

export interface DotOptions {
  /** The first line of the picture: the function at the point (`neuron(w0 = 2, …) = 0.73`). */
  title: string;
  /** Blank the numbers (the page fills them in step by step); the layout keeps room for them. */
  blank?: boolean;
}

export function toDot(g: Graph, options: DotOptions): string {
  const fanOut = new Map<string, number>();
  for (const e of g.edges) fanOut.set(e.from, (fanOut.get(e.from) ?? 0) + 1);
  const lines = [
    `digraph ${quote(g.name)} {`,
    `  graph [rankdir=LR, fontname="Helvetica", nodesep=0.45, ranksep=0.75, forcelabels=true, labelloc=t, labeljust=l, label=<${titleLabel(options.title)}>];`,
    `  node [fontname="Helvetica", fontsize=14, color="#57606a", penwidth=1.2];`,
    `  edge [fontname="Helvetica", fontsize=12, color="#57606a", arrowsize=0.7];`,
  ];
  for (const n of g.nodes) {
    const attrs: Record<string, string> = { id: quote(`n_${n.id}`), class: quote(n.kind), tooltip: quote(n.title) };
    Object.assign(attrs, shapeOf(n));
    if ((fanOut.get(n.id) ?? 0) > 1 && n.grad !== undefined)
      attrs.xlabel = `<<font color="${GRAD_COLOR}" point-size="11">Σ ${html(formatValue(n.grad))}</font>>`;
    lines.push(
      `  ${quote(n.id)} [${Object.entries(attrs)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}];`,
    );
  }
  for (const e of g.edges) {
    const value = options.blank ? " " : formatValue(e.value);
    const grad = options.blank ? " " : formatValue(e.grad);
    const label = `<<font color="${VALUE_COLOR}">${html(value)}</font><br/><font color="${GRAD_COLOR}">${html(grad)}</font>>`;
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [id=${quote(`e_${e.id}`)}, label=${label}];`);
  }
  // inputs in the first column, the output in the last
  const inputs = g.nodes.filter((n) => n.kind === "input").map((n) => quote(n.id));
  if (inputs.length) lines.push(`  { rank=source; ${inputs.join("; ")}; }`);
  if (inputs.length > 1) lines.push(`  ${inputs.join(" -> ")} [style=invis];`);
  lines.push(`  { rank=sink; "out"; }`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

function shapeOf(n: GraphNode): Record<string, string> {
  switch (n.kind) {
    case "input":
      return { shape: "plaintext", fontsize: "16", label: quote(n.label) };
    case "output":
      return { shape: "plaintext", fontsize: "16", label: quote(n.label) };
    case "loop":
      return {
        shape: "box",
        style: quote("rounded,filled"),
        fillcolor: quote("#fff8c5"),
        label: `<${html(n.label)}<br/><font point-size="10">${html(short(n.title.replace(/: \d+ iterations?.*$/, "")))}</font>>`,
      };
    default: {
      const round = n.label.length <= 4;
      return round
        ? {
            shape: "circle",
            style: "filled",
            fillcolor: quote("#f6f8fa"),
            width: "0.5",
            fixedsize: "false",
            margin: "0.02",
            label: quote(n.label),
          }
        : { shape: "box", style: quote("rounded,filled"), fillcolor: quote("#f6f8fa"), label: quote(n.label) };
    }
  }
}

function titleLabel(title: string): string {
  return (
    [
      `<font point-size="15">${html(title)}</font>`,
      `<font point-size="11"><font color="${VALUE_COLOR}">green: forward value</font>    <font color="${GRAD_COLOR}">red: gradient of the output</font></font>`,
    ].join('<br align="left"/>') + '<br align="left"/>'
  );
}

function short(s: string): string {
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function html(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
