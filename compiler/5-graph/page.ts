// The HTML page: one self-contained file (no network, no files beside it) with the SVG, the
// function's IR and rule table as data, the graph's engine and the script that steps through
// the passes and reacts to the inputs (page-script.ts). The engine's and the formatter's
// functions are embedded as their own source text, so the page computes what adc computes.
import { GRAD_COLOR, VALUE_COLOR, toDot } from "./dot.js";
import * as engine from "./engine.js";
import { formatNumber, formatValue, shapeOf } from "./format.js";
import type { Drawing } from "./index.js";
import { layoutSvg } from "./layout.js";
import { pageMain, type PageData } from "./page-script.js";
import { primsSource } from "./prims.js";

export async function renderPage(d: Drawing): Promise<string> {
  const svg = (await layoutSvg(toDot(d.graph, { title: d.title }))).replace(/^[\s\S]*?(?=<svg)/, "");
  const data: PageData = {
    name: d.func.name,
    params: d.func.params.map((p) => ({ name: p.name, shape: p.shape })),
    args: d.args.map(plain),
    program: d.program,
    decisions: d.trace.decisions,
    nodes: d.graph.nodes.map(({ id, kind, label, name, title, pattern, key, formulas }) => ({
      id,
      kind,
      label,
      name,
      title,
      pattern,
      key,
      formulas,
    })),
    edges: d.graph.edges.map(({ id, from, to, source, parts }) => ({ id, from, to, source, parts })),
    valueColor: VALUE_COLOR,
    gradColor: GRAD_COLOR,
  };
  const functions = [
    engine.traceProgram,
    engine.evalPrimitive,
    engine.placed,
    engine.copyShallow,
    engine.zerosOf,
    engine.addGrads,
    engine.scaleGrad,
    engine.backpropTrace,
    engine.localGradients,
    formatNumber,
    formatValue,
    shapeOf,
    pageMain,
  ];
  const script = [
    '"use strict";',
    // (a bundler that keeps function names wraps them in __name(); nothing to keep here)
    "var __name = (f) => f;",
    ...functions.map((f) => f.toString()),
    `const DATA = ${JSON.stringify(data)};`,
    `const PRIMS = ${primsSource([d.program])};`,
    "pageMain(DATA, PRIMS, { traceProgram, backpropTrace, addGrads, formatValue });",
  ].join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(d.title)}: the chain rule, step by step</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${html(d.title)}</h1>
<p>The forward pass computes each wire's <span class="value">value</span>; the backward pass, from the output back, each wire's <span class="grad">gradient</span> of ${html(d.func.name)}: at every gate, <b>local gradient × upstream gradient</b>. Step with the buttons or the arrow keys.</p>
</header>
<main>
<section id="graph">${svg}</section>
<aside>
<div class="buttons"><button id="first" title="Home">« start</button> <button id="prev" title="←">◀ back</button> <button id="next" title="→">next ▶</button> <button id="last" title="End">end »</button></div>
<p id="step"></p>
<div id="explain"></div>
<h2>Gradients</h2>
<div id="grads"></div>
<h2>Change the inputs</h2>
<p class="hint">What happens to ${html(d.func.name)} when an input changes by Δ? About ∇${html(d.func.name)}·Δ: the gradient's prediction, beside the true new value.</p>
<div id="inputs"></div>
<button id="reset">reset the inputs</button>
<p id="error" class="warn"></p>
<div id="predict"></div>
</aside>
</main>
<script>
${script.replace(/<\/(script)/gi, "<\\/$1")}
</script>
</body>
</html>
`;
}

/** Typed arrays as plain arrays, for JSON. */
function plain(v: unknown): unknown {
  if (v instanceof Float64Array || v instanceof Float32Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function html(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #1f2328; }
header { padding: 12px 20px 0; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 16px 0 6px; }
header p { margin: 4px 0 8px; max-width: 70em; }
main { display: flex; flex-wrap: wrap; gap: 16px; padding: 0 20px 20px; align-items: flex-start; }
#graph { flex: 1 1 620px; overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; }
#graph svg { display: block; max-width: 100%; height: auto; }
aside { flex: 0 1 440px; font-size: 14px; }
.buttons button, #reset { font-size: 14px; padding: 4px 10px; margin: 0 2px 4px 0; }
#step { font-weight: bold; margin: 6px 0; }
#explain { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 4px 12px; min-height: 90px; }
#explain ul { padding-left: 18px; }
.value { color: ${VALUE_COLOR}; }
.grad { color: ${GRAD_COLOR}; }
.sum { color: #8250df; }
.warn { color: #9a6700; }
.hint { color: #57606a; margin: 0 0 6px; }
table { border-collapse: collapse; }
td { padding: 2px 10px 2px 0; vertical-align: top; }
td.off { color: #9a6700; font-weight: bold; }
td.ok { color: ${VALUE_COLOR}; }
.input label { display: block; margin: 2px 0; }
.input input[type=range] { width: 180px; vertical-align: middle; }
.input input[type=number] { width: 80px; }
.input input[type=text] { width: 260px; }
g.current ellipse, g.current polygon, g.current path { stroke: #bf8700; stroke-width: 3; }
g.current text { font-weight: bold; }
g.wire-in path { stroke: #0969da; stroke-width: 2.5; }
g.wire-out path { stroke: #bf8700; stroke-width: 2.5; }
g.wire-sum path { stroke: #8250df; stroke-width: 3; }
`;
