// A function's IR as plain data for the graph's engine and the HTML page (engine.ts `Program`):
// no spans, its callees inside it by name.
import type { Func } from "../ir/types.js";
import type { Program } from "./engine.js";

export function toProgram(func: Func, seen: Map<Func, Program> = new Map()): Program {
  const known = seen.get(func);
  if (known) return known;
  const withoutSpans = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v) => (k === "span" ? undefined : v)));
  const program: Program = {
    name: func.name,
    params: func.params.map((p) => ({ name: p.name, value: p.value, shape: p.shape })),
    body: withoutSpans(func.body) as Program["body"],
    result: func.result,
    hints: func.values.map((v) => v.hint),
    callees: {},
  };
  seen.set(func, program);
  for (const [name, c] of func.callees ?? []) program.callees[name] = c.func ? toProgram(c.func, seen) : null;
  return program;
}
