// adc graph: the computational graph of a function at a point, as the lectures draw it.
//   program   the function's IR as plain data (the page runs it too)
//   engine    trace: every operation executed, with its value; backprop: every adjoint and
//             every wire's local gradient x upstream gradient
//   view      which values are drawn and as what (gates, folded or unrolled loops)
//   dot       Graphviz DOT; layout: the SVG, laid out by Graphviz in WebAssembly
//   page      the HTML page that steps through the forward and the backward pass
import type { Func } from "../ir/types.js";
import { backpropTrace, traceProgram, type Backprop, type Program, type Trace, type Val } from "./engine.js";
import { formatValue } from "./format.js";
import { nodePrims } from "./prims.js";
import { toProgram } from "./program.js";
import { view, type Graph } from "./view.js";

export interface GraphOptions {
  /** Loops that ran at most this many times are drawn iteration by iteration (default 0: every loop is one node). */
  unroll?: number;
}

export interface Drawing {
  func: Func;
  args: Val[];
  program: Program;
  trace: Trace;
  backprop: Backprop;
  graph: Graph;
  /** `addMul(x = -2, y = 5, z = -4) = -12` */
  title: string;
  unroll: number;
}

export function draw(func: Func, args: Val[], options: GraphOptions = {}): Drawing {
  const program = toProgram(func);
  const trace = traceProgram(program, args, nodePrims);
  const backprop = backpropTrace(trace, nodePrims);
  const unroll = options.unroll ?? 0;
  const graph = view(func, trace, backprop, { unroll });
  const title = `${func.name}(${func.params.map((p, i) => `${p.name} = ${formatValue(args[i])}`).join(", ")}) = ${formatValue(trace.value)}`;
  return { func, args, program, trace, backprop, graph, title, unroll };
}

export { toDot } from "./dot.js";
export { layoutSvg } from "./layout.js";
