// How the lectures name the gates: the symbol drawn in a gate (`+`, `*`, `exp`, `1/x`, `+1` for
// an add with a constant), the pattern of its backward flow (add distributes, mul switches,
// max routes); its local gradient as a formula is compiler/rules/describe.ts's.
import { ruleOf } from "../rules/table.js";

/** An operand as a gate shows it: a wire (drawn) or a fixed value written in the gate (a literal, a counter). */
export interface GateOperand {
  wire: boolean;
  /** The operand's name (a wire) or its value (fixed). */
  text: string;
}

const SYMBOLS: Record<string, string> = { add: "+", sub: "-", mul: "*", div: "/", pow: "^", mod: "%" };
const COMMUTATIVE = new Set(["add", "mul"]);

/** The text in the gate's circle. */
export function gateLabel(prim: string, member: string | undefined, ops: GateOperand[], arrayName = ""): string {
  const fixed = (k: number) => !ops[k]?.wire;
  if (prim === "neg") return "*-1";
  if (prim === "recip") return "1/x";
  if (prim === "index") return `[${ops[1]?.text ?? ""}]`;
  if (prim === "field") return `.${member}`;
  if (prim === "load")
    return `${arrayName}[${ops
      .slice(1)
      .map((o) => o.text)
      .join("][")}]`;
  if (prim === "store")
    return `${arrayName}[${ops
      .slice(1, -1)
      .map((o) => o.text)
      .join("][")}] =`;
  if (prim === "arrayLiteral") return "[ ]";
  if (prim === "stopGradient") return "stop";
  if (prim === "callTagged") return call(member!, ops);
  const symbol = SYMBOLS[prim];
  if (symbol && ops.length === 2) {
    if (fixed(1) && !fixed(0)) return `${symbol}${ops[1].text}`; //      x + 1  ->  +1
    if (fixed(0) && !fixed(1)) return COMMUTATIVE.has(prim) ? `${symbol}${ops[0].text}` : `${ops[0].text}${symbol}`; // 1 + e -> +1; 1 - x -> 1-
    return symbol;
  }
  const form = ruleOf(prim).form;
  const name = form.kind === "call" ? form.callee.replace(/^Math\./, "") : prim;
  return call(name, ops);
}

/** What the gate computes, over its operands' names (`q * z`, `exp(t5)`, `a[2]`). */
export function gateExpression(prim: string, member: string | undefined, ops: GateOperand[], arrayName = ""): string {
  const t = ops.map((o) => o.text);
  const symbol = SYMBOLS[prim] === "^" ? "**" : SYMBOLS[prim];
  if (symbol && t.length === 2) return `${t[0]} ${symbol} ${t[1]}`;
  if (prim === "neg") return `-${t[0]}`;
  if (prim === "recip") return `1 / ${t[0]}`;
  if (prim === "index") return `${t[0]}[${t[1]}]`;
  if (prim === "field") return `${t[0]}.${member}`;
  if (prim === "load") return `${arrayName}[${t.slice(1).join("][")}]`;
  if (prim === "store") return `${arrayName}[${t.slice(1, -1).join("][")}] = ${t[t.length - 1]}`;
  if (prim === "arrayLiteral") return `[${t.join(", ")}]`;
  if (prim === "callTagged") return `${member}(${t.join(", ")})`;
  const form = ruleOf(prim).form;
  return `${form.kind === "call" ? form.callee.replace(/^Math\./, "") : prim}(${t.join(", ")})`;
}

function call(name: string, ops: GateOperand[]): string {
  if (ops.every((o) => o.wire)) return name;
  return `${name}(${ops.map((o) => (o.wire ? "·" : o.text)).join(", ")})`;
}

/** The gate's pattern in the backward pass, in the lectures' words. */
export function gatePattern(prim: string, ops: GateOperand[]): string {
  const wires = ops.filter((o) => o.wire).length;
  switch (prim) {
    case "add":
      return wires > 1
        ? "add gate: gradient distributor (each input gets the upstream gradient as it is)"
        : "add a constant: the gradient passes through";
    case "sub":
      return "sub gate: distributes the gradient, negated for the subtracted input";
    case "mul":
      return wires > 1
        ? "mul gate: gradient switcher (each input gets the upstream gradient times the other input)"
        : "mul by a constant: gradient scaler (the upstream gradient times the constant)";
    case "max":
    case "min":
      return `${prim} gate: gradient router (the chosen input gets the whole upstream gradient, the other 0)`;
    case "exp":
      return "exp gate: the local gradient is the output itself";
    case "recip":
      return "1/x gate: local gradient -1/x²";
    case "neg":
      return "*-1 gate: flips the gradient's sign";
    case "abs":
      return "abs gate: routes the gradient with the input's sign";
    case "index":
    case "field":
    case "load":
      return "a read: the gradient goes back into that element";
    case "store":
      return "a write: the element's gradient goes to the value written";
    case "callTagged":
      return "a call: the callee's gradient at these arguments, times the upstream gradient";
    case "stopGradient":
      return "stopGradient: no gradient passes";
    default:
      return "local gradient × upstream gradient";
  }
}
