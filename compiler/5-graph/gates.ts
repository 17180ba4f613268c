// How the lectures name the gates: the symbol drawn in a gate (`+`, `*`, `exp`, `1/x`, `+1` for
// an add with a constant), the pattern of its backward flow (add distributes, mul switches,
// max routes), and its local gradient written over its operands' names (`d(q*z)/dq = z`).
import type { Expr } from "../ir/expr.js";
import { roles } from "../rules/apply.js";
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

/**
 * The local gradient of operand k as a formula over the operands' names and the output's
 * (`z`, `-out²`), from the rule table; for a routing rule, 1 or 0 as the condition says.
 */
export function localGradientText(prim: string, k: number, names: string[], out: string): string | undefined {
  const rule = ruleOf(prim);
  if (rule.kind !== "partials" && rule.kind !== "vjp") return undefined;
  const e = rule.grad(roles(names.length))[k];
  return e ? exprText(e, names, out) : undefined;
}

function exprText(e: Expr, names: string[], out: string): string {
  switch (e.k) {
    case "const":
      return e.text ?? String(e.value);
    case "role":
      return e.role === "out" ? out : e.role === "g" ? "1" : names[Number(e.role.slice(3))];
    case "prim": {
      const a = e.args.map((x) => exprText(x, names, out));
      const form = ruleOf(e.prim).form;
      const wrap = (s: string) => (/^[\w.]+$/.test(s) ? s : `(${s})`);
      if (e.prim === "mul" && a[0] === a[1]) return `${wrap(a[0])}²`;
      switch (form.kind) {
        case "binary":
          return `${wrap(a[0])} ${form.op} ${wrap(a[1])}`;
        case "prefix":
          return `${form.op}${wrap(a[0])}`;
        case "call":
          return `${form.callee.replace(/^Math\./, "")}(${a.join(", ")})`;
        case "reciprocal":
          return `1 / ${wrap(a[0])}`;
        case "select":
          return `${wrap(a[0])} ? ${a[1]} : ${a[2]}`;
        default:
          return `${e.prim}(${a.join(", ")})`;
      }
    }
    default:
      return "?";
  }
}
