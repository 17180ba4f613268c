// Graphviz's dot layout, in WebAssembly (@hpcc-js/wasm-graphviz): no system binary. The
// package is an ES module, loaded once on first use.
type Graphviz = { dot(source: string, format?: "svg"): string };

let loading: Promise<Graphviz> | undefined;

async function graphviz(): Promise<Graphviz> {
  loading ??= import("@hpcc-js/wasm-graphviz").then((m) => m.Graphviz.load() as Promise<Graphviz>);
  return loading;
}

/** The SVG of a DOT graph. Minus signs are written as '-' (Graphviz writes `&#45;`), so the text reads as it is shown. */
export async function layoutSvg(dot: string): Promise<string> {
  const svg = (await graphviz()).dot(dot, "svg");
  return svg.replace(/&#45;/g, "-");
}
