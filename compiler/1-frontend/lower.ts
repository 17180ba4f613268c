// Lowers a tagged function's TypeScript AST into the SSA IR.
// After lower(): every operand is an SSA value or a literal; every operation is a primitive of
// the rule table; control flow is structured (if regions with phis, loops with carried
// values, test at the top); each operation and region knows the source statement it came
// from. Anything outside the supported language is an AdcError at the offending node.
//
// break, continue and return become flags (internal variables, merged like any other):
// `return e` sets `returned` and the result; `break` sets the loop's `broke`, which its
// condition reads; `continue` sets `skipped` for the rest of the iteration. The statements
// after one that may have jumped run under `if (!flag)`; when one branch of an if always
// jumps (`if (c) break;`), the statements after the if simply go into the other branch.
import ts from "typescript";
import { AdcError, spanOf } from "../diagnostics/report.js";
import { messages } from "../diagnostics/messages.js";
import { FuncBuilder } from "../ir/builder.js";
import { constant, FALSE, NUMBER, TRUE, type Carried, type Func, type Operand, type Phi, type Shape } from "../ir/types.js";
import { primOfMathCall, ruleOf } from "../rules/table.js";
import { assignedNames, blockCompletes, completesNormally, containsBreakFor, containsContinueFor, containsReturn } from "./completion.js";
import { describeExpression, describeStatement } from "./describe.js";
import { elementOf, fieldOf, shapeOfType } from "./shapes.js";
import type { FunctionNode, TaggedFunction } from "./find-tagged.js";
import type { ModuleContext } from "./module-context.js";

interface Binding {
  name: string;
  mutable: boolean;
  /** adc's own (a flag or the return value), not a variable of the user's. */
  synthetic?: boolean;
  /** undefined until a `let` without initializer is assigned (or where only some paths assign it). */
  operand?: Operand;
  /** A local array: its operand is the current version; element writes make new ones. */
  storage?: boolean;
}

/** What lowerItems walks: statements, and the scope changes of the blocks they came from. */
type Item = ts.Statement | { scope: "push" | "pop" } | { run: () => void };

/** A loop or switch that break (and, for loops, continue) may leave. */
interface JumpTarget {
  kind: "loop" | "switch";
  broke?: Binding;
  skipped?: Binding;
}

// The binary operators of the language and their primitives.
const ARITHMETIC: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.PlusToken]: "add",
  [ts.SyntaxKind.MinusToken]: "sub",
  [ts.SyntaxKind.AsteriskToken]: "mul",
  [ts.SyntaxKind.SlashToken]: "div",
  [ts.SyntaxKind.AsteriskAsteriskToken]: "pow",
  [ts.SyntaxKind.PercentToken]: "mod",
};

const COMPARISON: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.LessThanToken]: "lt",
  [ts.SyntaxKind.LessThanEqualsToken]: "le",
  [ts.SyntaxKind.GreaterThanToken]: "gt",
  [ts.SyntaxKind.GreaterThanEqualsToken]: "ge",
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "eq",
  [ts.SyntaxKind.EqualsEqualsToken]: "eq",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "ne",
  [ts.SyntaxKind.ExclamationEqualsToken]: "ne",
};

const LOGICAL: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.AmpersandAmpersandToken]: "and",
  [ts.SyntaxKind.BarBarToken]: "or",
};

const COMPOUND: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.PlusEqualsToken]: "add",
  [ts.SyntaxKind.MinusEqualsToken]: "sub",
  [ts.SyntaxKind.AsteriskEqualsToken]: "mul",
  [ts.SyntaxKind.SlashEqualsToken]: "div",
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken]: "pow",
  [ts.SyntaxKind.PercentEqualsToken]: "mod",
};

const MATH_CONSTANTS = new Set(["PI", "E", "LN2", "LN10", "LOG2E", "LOG10E", "SQRT2", "SQRT1_2"]);
const GLOBAL_CONSTANTS: Record<string, number> = { Infinity, NaN };
const PUSH: Item = { scope: "push" };
const POP: Item = { scope: "pop" };

export function lower(tagged: TaggedFunction, ctx: ModuleContext): Func {
  return new Lowering(tagged, ctx).run();
}

class Lowering {
  private readonly b: FuncBuilder;
  private readonly file: ts.SourceFile;
  private scopes: Map<string, Binding>[] = [new Map()];
  /** Flags and the return value: visible everywhere, merged like variables. */
  private readonly internals: Binding[] = [];
  private readonly targets: JumpTarget[] = [];
  private readonly returned: Binding;
  private readonly result: Binding;

  constructor(
    private readonly tagged: TaggedFunction,
    private readonly ctx: ModuleContext,
  ) {
    this.file = ctx.file;
    this.b = new FuncBuilder(tagged.name, this.span(tagged.statement));
    this.returned = this.internal("returned", FALSE);
    // NaN until a return sets it: a path that has not returned carries it along, never uses it
    this.result = this.internal("out", constant(NaN));
  }

  run(): Func {
    const fn = this.tagged.node;
    this.checkSignature(fn);
    const wrt = this.tagged.wrt;
    const paramNames = fn.parameters.map((p) => (p.name as ts.Identifier).text);
    for (const w of wrt ?? []) {
      if (!paramNames.includes(w.name)) throw new AdcError(w.span, messages.wrtUnknown(w.name, this.tagged.name, paramNames));
    }
    for (const p of fn.parameters) {
      const name = (p.name as ts.Identifier).text;
      const shape = shapeOfType(p.type!, this.file, `parameter '${name}'`);
      const id = this.b.param(name, this.span(p), wrt === undefined || wrt.some((w) => w.name === name), shape);
      // an array or record parameter is read, never reassigned
      this.declare(name, { kind: "value", id }, shape.kind === "number");
    }
    const body = fn.body!;
    if (!ts.isBlock(body)) {
      // `(x) => expr` is `return expr`
      this.b.statement(oneLine(body.getText(this.file)), this.span(body));
      return this.b.finish(this.number(body));
    }
    if (blockCompletes(body.statements)) {
      const end = body.statements.length ? body.statements[body.statements.length - 1] : body;
      throw new AdcError(this.span(end), messages.missingReturn(this.tagged.name));
    }
    this.lowerItems([...body.statements]);
    return this.b.finish(this.result.operand!);
  }

  private checkSignature(fn: FunctionNode): void {
    const mods = ts.canHaveModifiers(fn) ? (ts.getModifiers(fn) ?? []) : [];
    const async = mods.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
    if (async) throw new AdcError(this.span(async), messages.functionModifier("async"));
    if (fn.asteriskToken) throw new AdcError(this.span(fn.asteriskToken), messages.functionModifier("generator"));
    if (fn.typeParameters?.length) throw new AdcError(this.span(fn.typeParameters[0]), messages.typeParameters());
    for (const p of fn.parameters) {
      if (!ts.isIdentifier(p.name)) throw new AdcError(this.span(p), messages.parameterForm("destructured"));
      if (p.dotDotDotToken) throw new AdcError(this.span(p), messages.parameterForm("rest"));
      if (p.questionToken) throw new AdcError(this.span(p), messages.parameterForm("optional"));
      if (p.initializer) throw new AdcError(this.span(p), messages.parameterForm("default-valued"));
      if (!p.type) throw new AdcError(this.span(p), messages.parameterNeedsType(p.name.text));
    }
    if (fn.type && fn.type.kind !== ts.SyntaxKind.NumberKeyword) {
      throw new AdcError(this.span(fn.type), messages.returnType(oneLine(fn.type.getText(this.file))));
    }
  }

  // ---- sequences, and what happens after a jump ----------------------------------------------

  /**
   * Lowers statements in order. After a statement that may have jumped (set a flag), the rest
   * runs under `if (!flag)`; after an if one of whose branches always jumps, the rest goes
   * into the other branch. Either way this call then lowers the rest itself and returns.
   */
  private lowerItems(items: Item[]): void {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if ("scope" in item) {
        if (item.scope === "push") this.scopes.push(new Map());
        else this.scopes.pop();
        continue;
      }
      if ("run" in item) {
        item.run();
        continue;
      }
      if (ts.isEmptyStatement(item) || isTypeOnly(item)) continue;
      const rest = items.slice(i + 1);
      const code = rest.find((r) => "run" in r || (!("scope" in r) && !ts.isEmptyStatement(r) && !isTypeOnly(r)));
      if (!completesNormally(item)) {
        this.statement(item);
        if (code) throw new AdcError("run" in code ? this.span(item) : this.span(code as ts.Statement), messages.codeAfterReturn());
        this.applyScopes(rest);
        return;
      }
      if (code && ts.isIfStatement(item) && item.elseStatement !== undefined) {
        const thenJumps = !completesNormally(item.thenStatement);
        const elseJumps = !completesNormally(item.elseStatement);
        if (thenJumps !== elseJumps) {
          this.ifStatement(item, rest, thenJumps ? "else" : "then");
          this.applyScopes(rest);
          return;
        }
      }
      if (code && ts.isIfStatement(item) && item.elseStatement === undefined && !completesNormally(item.thenStatement)) {
        this.ifStatement(item, rest, "else");
        this.applyScopes(rest);
        return;
      }
      const before = this.flags().map((f) => [f, f.operand] as const);
      const first = this.b.statements.length;
      this.statement(item);
      const changed = before.filter(([f, op]) => !sameOperand(f.operand, op)).map(([f]) => f);
      if (code && changed.length) {
        // the rest runs only if none of the jumps happened
        const any = changed.map((f) => f.operand!).reduce((a, f) => this.b.op("or", [a, f], this.span(item)));
        this.branch(any, [], rest, this.span(item), first);
        this.applyScopes(rest);
        return;
      }
    }
  }

  /** After `rest` was lowered inside a region, leave the scopes as lowering it in place would have. */
  private applyScopes(rest: Item[]): void {
    // the region restored the scopes it saw; the blocks that `rest` closes are closed here
    let depth = 0;
    for (const r of rest) if ("scope" in r) depth += r.scope === "push" ? 1 : -1;
    for (let k = 0; k < -depth; k++) this.scopes.pop();
  }

  private statement(st: ts.Statement): void {
    if (ts.isVariableStatement(st)) return this.variables(st);
    if (ts.isExpressionStatement(st)) return this.expressionStatement(st);
    if (ts.isBlock(st)) return this.lowerItems([PUSH, ...st.statements, POP]);
    if (ts.isIfStatement(st)) return this.ifStatement(st);
    if (ts.isForStatement(st))
      return this.loop(st, { init: st.initializer, test: st.condition, update: st.incrementor, body: st.statement });
    if (ts.isWhileStatement(st)) return this.loop(st, { test: st.expression, body: st.statement });
    if (ts.isDoStatement(st)) return this.loop(st, { test: st.expression, body: st.statement, doWhile: true });
    if (ts.isSwitchStatement(st)) return this.switchStatement(st);
    if (ts.isReturnStatement(st)) return this.returnStatement(st);
    if (ts.isBreakStatement(st) || ts.isContinueStatement(st)) return this.jump(st);
    if (ts.isLabeledStatement(st)) throw new AdcError(this.span(st.label), messages.labeledStatement());
    throw new AdcError(this.span(st), messages.unsupportedStatement(describeStatement(st)));
  }

  // Lowers `const q = x + y` into `%q = add %x, %y`; `let s;` binds s with no value yet.
  private variables(st: ts.VariableStatement | ts.VariableDeclarationList): void {
    const list = ts.isVariableStatement(st) ? st.declarationList : st;
    const isLet = (list.flags & ts.NodeFlags.Let) !== 0;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    if (!isLet && !isConst) throw new AdcError(this.span(st), messages.varDeclaration());
    if (ts.isVariableStatement(st)) this.b.statement(statementText(st, this.file), this.span(st));
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name)) throw new AdcError(this.span(d.name), messages.destructuring());
      const name = d.name.text;
      const init = d.initializer && skipWrappers(d.initializer);
      if (init && isAllocation(init)) {
        // `const a = new Array(n).fill(0)`: a local array, written in place
        if (!isConst) throw new AdcError(this.span(d.name), messages.allocationPlace());
        const operand = this.allocation(init);
        this.b.nameValue(operand, name);
        this.scopes[this.scopes.length - 1].set(name, { name, mutable: false, operand, storage: true });
        continue;
      }
      if (d.type && d.type.kind !== ts.SyntaxKind.NumberKeyword && d.type.kind !== ts.SyntaxKind.BooleanKeyword && !isConst) {
        throw new AdcError(this.span(d.type), messages.localType(name, oneLine(d.type.getText(this.file))));
      }
      const operand = d.initializer ? this.expr(d.initializer) : undefined;
      if (operand) this.b.nameValue(operand, name);
      if (isLet && operand && this.b.typeOf(operand) === "object") throw new AdcError(this.span(d.name), messages.objectVariable(name));
      this.declare(name, operand, isLet);
    }
  }

  // Lowers `x = e`, `x += e` (`%x.2 = add %x, %e`), `x++`.
  private expressionStatement(st: ts.ExpressionStatement): void {
    this.b.statement(statementText(st, this.file), this.span(st));
    this.effect(st.expression, st);
  }

  private effect(expression: ts.Expression, at: ts.Node): void {
    const e = skipParens(expression);
    if (ts.isBinaryExpression(e) && ts.isIdentifier(skipParens(e.left))) {
      const op = e.operatorToken.kind;
      const target = skipParens(e.left) as ts.Identifier;
      if (op === ts.SyntaxKind.EqualsToken) return this.assign(target, this.expr(e.right));
      const prim = COMPOUND[op];
      if (prim) return this.assign(target, this.b.op(prim, [this.readNumber(target), this.number(e.right)], this.span(e), target.text));
    }
    if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) && ts.isIdentifier(skipParens(e.operand))) {
      const prim = e.operator === ts.SyntaxKind.PlusPlusToken ? "add" : e.operator === ts.SyntaxKind.MinusMinusToken ? "sub" : undefined;
      const target = skipParens(e.operand) as ts.Identifier;
      if (prim) return this.assign(target, this.b.op(prim, [this.readNumber(target), constant(1)], this.span(e), target.text));
    }
    const target = ts.isBinaryExpression(e)
      ? skipParens(e.left)
      : ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)
        ? skipParens(e.operand)
        : undefined;
    if (target && ts.isElementAccessExpression(target)) return this.elementWrite(e, target);
    if (target && ts.isPropertyAccessExpression(target)) {
      throw new AdcError(this.span(target), messages.writeIntoArray(oneLine(target.getText(this.file))));
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken) {
      this.effect(e.left, at);
      return this.effect(e.right, at);
    }
    throw new AdcError(
      this.span(at),
      messages.unsupportedStatement(`the expression statement '${oneLine(expression.getText(this.file))}'`),
    );
  }

  private assign(target: ts.Identifier, value: Operand): void {
    const binding = this.lookup(target.text);
    if (!binding) throw new AdcError(this.span(target), messages.assignToUnknown(target.text));
    if (this.b.typeOf(value) === "object" || (binding.operand && this.b.typeOf(binding.operand) === "object")) {
      throw new AdcError(this.span(target), messages.objectVariable(target.text));
    }
    if (!binding.mutable) throw new AdcError(this.span(target), messages.assignToConst(target.text));
    this.b.nameValue(value, target.text);
    binding.operand = value;
  }

  // ---- control flow ---------------------------------------------------------------------------

  // Lowers `if (c) A else B` into an if region with phis for the variables A or B assign;
  // `rest` (the statements after the if) goes into the branch that does not always jump.
  private ifStatement(st: ts.IfStatement, rest: Item[] = [], restInto?: "then" | "else"): void {
    const stmt = this.b.statement(`if (${oneLine(st.expression.getText(this.file))})`, this.span(st));
    const cond = this.condition(st.expression);
    const thenItems = [...branchItems(st.thenStatement), ...(restInto === "then" ? rest : [])];
    const elseItems = [...(st.elseStatement ? branchItems(st.elseStatement) : []), ...(restInto === "else" ? rest : [])];
    this.branch(cond, thenItems, elseItems, this.span(st), stmt);
  }

  /** An if region: each branch lowered from the same state; variables that differ after them get phis. */
  private branch(
    cond: Operand,
    thenItems: Item[],
    elseItems: Item[],
    span: ReturnType<Lowering["span"]>,
    stmt = this.b.currentStatement,
  ): void {
    const before = this.visible();
    const saved = this.saveScopes();
    const [thenBlock, thenState] = this.b.inBlock(() => {
      this.lowerItems(thenItems);
      return before.map(([binding]) => binding.operand);
    });
    this.restoreScopes(saved, before);
    const [elseBlock, elseState] = this.b.inBlock(() => {
      this.lowerItems(elseItems);
      return before.map(([binding]) => binding.operand);
    });
    this.restoreScopes(saved, before);
    const phis: Phi[] = [];
    const after: (() => void)[] = [];
    before.forEach(([binding], k) => {
      const a = thenState[k];
      const e = elseState[k];
      if (sameOperand(a, e)) binding.operand = a;
      else if (!a || !e)
        binding.operand = undefined; // assigned on one path only
      else if (sameOperand(a, TRUE) && sameOperand(e, FALSE))
        binding.operand = cond; // a flag set in the then-branch is the condition
      else if (sameOperand(a, FALSE) && sameOperand(e, TRUE)) after.push(() => (binding.operand = this.b.op("not", [cond], span)));
      else {
        const result = this.b.joinValue(binding.name, this.b.typeOf(a), span, binding.synthetic, a);
        phis.push({ result, then: a, else: e });
        binding.operand = { kind: "value", id: result };
      }
    });
    this.b.addIf(cond, thenBlock, elseBlock, phis, span, stmt);
    for (const f of after) f();
  }

  // Lowers a loop into a loop region (test at the top). The variables it assigns are carried:
  // a phi per iteration, the value before the loop as init, the value at the end of an
  // iteration as latch, the value after it as result. do…while tests a carried `again`.
  private loop(
    st: ts.IterationStatement,
    parts: { init?: ts.ForInitializer; test?: ts.Expression; update?: ts.Expression; body: ts.Statement; doWhile?: boolean },
  ): void {
    const stmt = this.b.statement(loopHeaderText(st, this.file), this.span(st));
    this.scopes.push(new Map());
    if (parts.init) {
      if (ts.isVariableDeclarationList(parts.init)) this.variables(parts.init);
      else this.effect(parts.init, parts.init);
    }
    const returns = containsReturn(st);
    const broke = containsBreakFor(st) ? this.internal("broke", FALSE) : undefined;
    const again = parts.doWhile ? this.internal("again", TRUE) : undefined;
    const assigned = assignedNames(st);
    const carriedBindings: Binding[] = [];
    for (const name of assigned) {
      const binding = this.lookup(name);
      if (binding && (binding.mutable || binding.storage) && !carriedBindings.includes(binding)) carriedBindings.push(binding);
    }
    if (returns) carriedBindings.push(this.returned, this.result);
    if (broke) carriedBindings.push(broke);
    if (again) carriedBindings.push(again);

    const span = this.span(st);
    const carried: (Omit<Carried, "latch" | "result"> & { binding: Binding })[] = [];
    for (const binding of carriedBindings) {
      const init = binding.operand;
      if (!init) throw new AdcError(span, messages.needsValueBeforeLoop(binding.name));
      const phi = this.b.joinValue(binding.name, this.b.typeOf(init), span, binding.synthetic, init);
      carried.push({ phi, init, binding });
      binding.operand = { kind: "value", id: phi };
    }

    const [header, cond] = this.b.inBlock(() => {
      let c: Operand = again ? again.operand! : parts.test ? this.condition(parts.test) : TRUE;
      // a loop also stops when it was left by break or return
      for (const flag of [broke, returns ? this.returned : undefined]) {
        if (!flag) continue;
        const notFlag = this.b.op("not", [flag.operand!], span);
        c = c === TRUE ? notFlag : this.b.op("and", [notFlag, c], span);
      }
      return c;
    });

    const target: JumpTarget = { kind: "loop", broke, skipped: containsContinueFor(st) ? this.internal("skipped", FALSE) : undefined };
    const [body] = this.b.inBlock(() => {
      if (target.skipped) target.skipped.operand = FALSE;
      // an iteration runs only when neither break nor return has happened
      if (broke) broke.operand = FALSE;
      if (returns) this.returned.operand = FALSE;
      this.targets.push(target);
      this.lowerItems(branchItems(parts.body));
      this.targets.pop();
      // the update (for) and the test (do…while) run after a continue too, not after break or return
      const tail = () => {
        if (parts.update) {
          this.b.statement(oneLine(parts.update.getText(this.file)), this.span(parts.update));
          this.effect(parts.update, parts.update);
        }
        if (again) again.operand = this.condition(parts.test!);
      };
      const leaving = [broke, returns ? this.returned : undefined].filter(
        (f): f is Binding => f !== undefined && !sameOperand(f.operand, FALSE),
      );
      if (!parts.update && !again) return;
      if (leaving.length === 0) return tail();
      const any = leaving.map((f) => f.operand!).reduce((a, f) => this.b.op("or", [a, f], span));
      this.branch(any, [], [{ run: tail }], span);
    });
    if (target.skipped) this.dropInternal(target.skipped);

    const done: Carried[] = carried.map((c) => {
      const latch = c.binding.operand ?? constant(NaN);
      const result = this.b.joinValue(c.binding.name, this.b.typeOf(c.init), span, c.binding.synthetic, c.init);
      c.binding.operand = { kind: "value", id: result };
      return { phi: c.phi, init: c.init, latch, result };
    });
    this.b.addLoop(done, header, cond, body, span, stmt);
    if (broke) this.dropInternal(broke);
    if (again) this.dropInternal(again);
    this.scopes.pop();
  }

  // Lowers a switch on a number into a chain of ifs on `===`; `break` leaves the switch.
  private switchStatement(st: ts.SwitchStatement): void {
    const stmt = this.b.statement(`switch (${oneLine(st.expression.getText(this.file))})`, this.span(st));
    const d = this.number(st.expression);
    // clauses with no statements share the next clause's body (`case 1: case 2: …`)
    const groups: { tests: ts.Expression[]; isDefault: boolean; statements: readonly ts.Statement[]; node: ts.CaseOrDefaultClause }[] = [];
    let pending: ts.Expression[] = [];
    let pendingDefault = false;
    for (const clause of st.caseBlock.clauses) {
      if (ts.isDefaultClause(clause)) pendingDefault = true;
      else pending.push(clause.expression);
      if (clause.statements.length === 0) continue;
      groups.push({ tests: pending, isDefault: pendingDefault, statements: clause.statements, node: clause });
      pending = [];
      pendingDefault = false;
    }
    if (pending.length || pendingDefault)
      groups.push({
        tests: pending,
        isDefault: pendingDefault,
        statements: [],
        node: st.caseBlock.clauses[st.caseBlock.clauses.length - 1],
      });
    groups.forEach((g, k) => {
      if (k < groups.length - 1 && blockCompletes(g.statements)) throw new AdcError(this.span(g.node), messages.switchFallthrough());
    });
    const target: JumpTarget = { kind: "switch", broke: this.internal("brokeSwitch", FALSE) };
    this.targets.push(target);
    const span = this.span(st);
    const fallback = groups.find((g) => g.isDefault);
    const chain = (k: number): Item[] => {
      const cases = groups.slice(k).filter((g) => g.tests.length > 0);
      if (cases.length === 0) return fallback ? [PUSH, ...fallback.statements, POP] : [];
      const [g] = cases;
      const next = groups.indexOf(g) + 1;
      return [
        {
          run: () => {
            const tests = g.tests.map((t) => this.b.op("eq", [d, this.number(t)], this.span(t)));
            const cond = tests.reduce((a, t) => this.b.op("or", [a, t], span));
            this.branch(cond, [PUSH, ...g.statements, POP], chain(next), this.span(g.node), stmt);
          },
        },
      ];
    };
    this.lowerItems(chain(0));
    this.targets.pop();
    this.dropInternal(target.broke!);
  }

  private returnStatement(st: ts.ReturnStatement): void {
    this.b.statement(statementText(st, this.file), this.span(st));
    if (!st.expression) throw new AdcError(this.span(st), messages.missingReturn(this.tagged.name));
    this.result.operand = this.number(st.expression);
    this.returned.operand = TRUE;
  }

  private jump(st: ts.BreakStatement | ts.ContinueStatement): void {
    if (st.label) throw new AdcError(this.span(st.label), messages.labeledStatement());
    if (ts.isBreakStatement(st)) {
      const target = this.targets[this.targets.length - 1];
      if (!target?.broke) throw new AdcError(this.span(st), messages.unsupportedStatement("break outside a loop or switch"));
      target.broke.operand = TRUE;
    } else {
      const target = [...this.targets].reverse().find((t) => t.kind === "loop");
      if (!target?.skipped) throw new AdcError(this.span(st), messages.unsupportedStatement("continue outside a loop"));
      target.skipped.operand = TRUE;
    }
  }

  // ---- expressions ----------------------------------------------------------------------------

  /** A number-valued expression. */
  private number(e: ts.Expression): Operand {
    const v = this.expr(e);
    if (this.b.typeOf(v) !== "number") throw new AdcError(this.span(e), messages.expectedNumber());
    return v;
  }

  /** A boolean-valued expression: a comparison, a logical combination, a boolean variable. */
  private condition(e: ts.Expression): Operand {
    const v = this.expr(e);
    if (this.b.typeOf(v) !== "boolean") throw new AdcError(this.span(e), messages.conditionNotBoolean(oneLine(e.getText(this.file))));
    return v;
  }

  /** Lowers an expression; returns the operand holding its value. */
  private expr(e: ts.Expression): Operand {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) {
      return this.expr(e.expression);
    }
    if (ts.isNumericLiteral(e)) return constant(Number(e.text));
    if (e.kind === ts.SyntaxKind.TrueKeyword) return TRUE;
    if (e.kind === ts.SyntaxKind.FalseKeyword) return FALSE;
    if (ts.isIdentifier(e)) return this.read(e);
    if (ts.isPrefixUnaryExpression(e)) return this.prefix(e);
    if (ts.isBinaryExpression(e)) return this.binary(e);
    if (ts.isConditionalExpression(e)) return this.ternary(e);
    if (ts.isCallExpression(e)) return this.call(e);
    if (ts.isElementAccessExpression(e)) return this.element(e);
    if (isAllocation(e)) throw new AdcError(this.span(e), messages.allocationPlace());
    if (ts.isPropertyAccessExpression(e) && !this.isMathName(e.expression)) return this.member(e);
    if (ts.isPropertyAccessExpression(e) && this.isMath(e.expression)) {
      const name = e.name.text;
      if (MATH_CONSTANTS.has(name)) return constant((Math as unknown as Record<string, number>)[name], `Math.${name}`);
      const callable = name === "pow" || name === "max" || name === "min" || name === "hypot" || primOfMathCall(name) !== undefined;
      throw new AdcError(this.span(e), callable ? messages.mathFunctionAsValue(name) : messages.unknownMathMember(name));
    }
    throw new AdcError(this.span(e), messages.unsupportedExpression(describeExpression(e)));
  }

  // Lowers `a[i]` into `%t = index %a, %i` (an element: a number, or a row of a matrix).
  private element(e: ts.ElementAccessExpression): Operand {
    if (e.questionDotToken) throw new AdcError(this.span(e), messages.unsupportedExpression("optional chaining (?.)"));
    const local = this.localPlace(e);
    if (local) {
      // `A[i][j]` of a local array: `%t = load %A, %i, %j` (reads the current version)
      if (local.element.kind !== "number") throw new AdcError(this.span(e), messages.localRow(local.binding.name));
      return this.b.local("load", [local.binding.operand!, ...local.indices], NUMBER, this.span(e));
    }
    const container = this.expr(e.expression);
    const shape = this.b.shapeOf(container);
    const element = shape && elementOf(shape);
    if (!element) throw new AdcError(this.span(e.expression), messages.notAnArray(oneLine(e.expression.getText(this.file))));
    const index = this.number(e.argumentExpression);
    return this.b.access("index", [container, index], element, this.span(e));
  }

  /** An argument of a call: a number, or an array or record (a parameter, a part of one, or a local array) of the parameter's shape. */
  private argument(e: ts.Expression, shape: Shape, callee: string, param: string): Operand {
    if (shape.kind === "number") return this.number(e);
    const bare = skipWrappers(e);
    const binding = ts.isIdentifier(bare) ? this.lookup(bare.text) : undefined;
    const x = binding?.storage && binding.operand ? binding.operand : this.expr(e);
    const have = this.b.shapeOf(x);
    if (!have || !sameShape(have, shape)) throw new AdcError(this.span(e), messages.callArgumentShape(callee, param, describeShape(shape)));
    return x;
  }

  /** `A[i][j]` where A is a local array: its binding, the indices (lowered, outermost first) and the shape they reach. */
  private localPlace(e: ts.ElementAccessExpression): { binding: Binding; indices: Operand[]; element: Shape } | undefined {
    const chain: ts.ElementAccessExpression[] = [];
    let base: ts.Expression = e;
    while (ts.isElementAccessExpression(base)) {
      if (base.questionDotToken) throw new AdcError(this.span(base), messages.unsupportedExpression("optional chaining (?.)"));
      chain.unshift(base);
      base = skipWrappers(base.expression);
    }
    if (!ts.isIdentifier(base)) return undefined;
    const binding = this.lookup(base.text);
    if (!binding?.storage) return undefined;
    let shape: Shape = this.b.shapeOf(binding.operand!)!;
    const indices: Operand[] = [];
    for (const access of chain) {
      const element = elementOf(shape);
      if (!element) throw new AdcError(this.span(access.expression), messages.notAnArray(oneLine(access.expression.getText(this.file))));
      indices.push(this.number(access.argumentExpression));
      shape = element;
    }
    return { binding, indices, element: shape };
  }

  // Lowers `A[i] = v` into `%A.2 = store %A, %i, %v`; `A[i] += v` reads A[i] first.
  private elementWrite(e: ts.Expression, target: ts.ElementAccessExpression): void {
    const local = this.localPlace(target);
    if (!local) throw new AdcError(this.span(target), messages.writeIntoArray(oneLine(target.expression.getText(this.file))));
    const { binding, indices } = local;
    if (local.element.kind !== "number") throw new AdcError(this.span(target), messages.localRow(binding.name));
    const span = this.span(e);
    const current = () => this.b.local("load", [binding.operand!, ...indices], NUMBER, this.span(target));
    let written: Operand;
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) written = this.number(e.right);
    else if (ts.isBinaryExpression(e) && COMPOUND[e.operatorToken.kind]) {
      written = this.b.op(COMPOUND[e.operatorToken.kind]!, [current(), this.number(e.right)], span);
    } else if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) && e.operator === ts.SyntaxKind.PlusPlusToken) {
      written = this.b.op("add", [current(), constant(1)], span);
    } else if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) && e.operator === ts.SyntaxKind.MinusMinusToken) {
      written = this.b.op("sub", [current(), constant(1)], span);
    } else throw new AdcError(span, messages.unsupportedStatement(`the expression statement '${oneLine(e.getText(this.file))}'`));
    binding.operand = this.b.local("store", [binding.operand!, ...indices, written], this.b.shapeOf(binding.operand!)!, span, binding.name);
  }

  // Lowers `new Array(n).fill(0)` into `%A = allocate 0, %n` (the shape says Array or
  // Float64Array, one or two levels); `[a, b]` into `%A = arrayLiteral %a, %b`.
  private allocation(e: ts.Expression): Operand {
    const fail = (): never => {
      throw new AdcError(this.span(e), messages.allocationForm(oneLine(e.getText(this.file))));
    };
    if (ts.isArrayLiteralExpression(e)) {
      if (e.elements.length === 0 || e.elements.some(ts.isSpreadElement)) fail();
      const elements = e.elements.map((x) => this.number(x));
      return this.b.local("arrayLiteral", elements, { kind: "array", element: NUMBER, container: "array", readonly: false }, this.span(e));
    }
    const form = allocationForm(e);
    if (!form) return fail();
    const fill = form.fill === undefined ? 0 : literalNumber(form.fill);
    if (fill === undefined) return fail();
    const sizes = form.sizes.map((n) => this.number(n));
    return this.b.local("allocate", [constant(fill), ...sizes], form.shape, this.span(e));
  }

  // Lowers `p.W1` into `%t = field %p .W1`, and `a.length` into `%t = length %a`.
  private member(e: ts.PropertyAccessExpression): Operand {
    if (e.questionDotToken) throw new AdcError(this.span(e), messages.unsupportedExpression("optional chaining (?.)"));
    const root = skipWrappers(e.expression);
    const local = ts.isIdentifier(root) ? this.lookup(root.text) : undefined;
    const container = local?.storage && local.operand ? local.operand : this.expr(e.expression);
    const shape = this.b.shapeOf(container);
    const name = e.name.text;
    const text = oneLine(e.expression.getText(this.file));
    if (shape?.kind === "array" && name === "length") return this.b.access("length", [container], { kind: "number" }, this.span(e));
    const field = shape && fieldOf(shape, name);
    if (!field) {
      if (!shape) throw new AdcError(this.span(e), messages.unsupportedExpression(describeExpression(e)));
      throw new AdcError(this.span(e.name), messages.noSuchField(name, text));
    }
    return this.b.access("field", [container], field, this.span(e), name);
  }

  private read(id: ts.Identifier): Operand {
    const binding = this.lookup(id.text);
    if (binding?.storage) throw new AdcError(this.span(id), messages.localArrayUse(id.text));
    if (binding) {
      if (!binding.operand) throw new AdcError(this.span(id), messages.readBeforeAssign(id.text));
      return binding.operand;
    }
    const k = this.ctx.constants.get(id.text);
    if (k !== undefined) return constant(k);
    if (id.text in GLOBAL_CONSTANTS && !this.ctx.shadowed.has(id.text)) return constant(GLOBAL_CONSTANTS[id.text], id.text);
    throw new AdcError(this.span(id), messages.unknownName(id.text));
  }

  private readNumber(id: ts.Identifier): Operand {
    const v = this.read(id);
    if (this.b.typeOf(v) !== "number") throw new AdcError(this.span(id), messages.expectedNumber());
    return v;
  }

  // Lowers `-x` into `%t = neg %x` (`-3` is the literal -3; `+x` is x); `!c` into `%t = not %c`.
  private prefix(e: ts.PrefixUnaryExpression): Operand {
    if (e.operator === ts.SyntaxKind.MinusToken) {
      if (ts.isNumericLiteral(e.operand)) return constant(-Number(e.operand.text));
      return this.b.op("neg", [this.number(e.operand)], this.span(e));
    }
    if (e.operator === ts.SyntaxKind.PlusToken) return this.number(e.operand);
    if (e.operator === ts.SyntaxKind.ExclamationToken) return this.b.op("not", [this.condition(e.operand)], this.span(e));
    throw new AdcError(this.span(e), messages.unsupportedOperator(ts.tokenToString(e.operator) ?? "?"));
  }

  // Lowers `a * b` into `%t = mul %a, %b`, `a < b` into `%t = lt %a, %b`, `a && b` into `%t = and %a, %b`.
  private binary(e: ts.BinaryExpression): Operand {
    const kind = e.operatorToken.kind;
    if (ARITHMETIC[kind]) {
      // a long left-leaning chain (a + b + c + …) is walked, not recursed into
      const chain: ts.BinaryExpression[] = [];
      let inner: ts.Expression = e;
      while (ts.isBinaryExpression(inner) && ARITHMETIC[inner.operatorToken.kind]) {
        chain.push(inner);
        inner = skipParens(inner.left);
      }
      let acc = this.number(inner);
      for (let k = chain.length - 1; k >= 0; k--) {
        const node = chain[k];
        const prim = ARITHMETIC[node.operatorToken.kind]!;
        const right = this.number(node.right);
        // `1 / y` is the reciprocal, whose adjoint needs no second division
        const one = acc.kind === "const" && acc.value === 1 && acc.text === undefined;
        acc = prim === "div" && one ? this.b.op("recip", [right], this.span(node)) : this.b.op(prim, [acc, right], this.span(node));
      }
      return acc;
    }
    const comparison = COMPARISON[kind];
    if (comparison) {
      const left = this.expr(e.left);
      const right = this.expr(e.right);
      if (this.b.typeOf(left) !== this.b.typeOf(right)) throw new AdcError(this.span(e), messages.mixedComparison());
      if (this.b.typeOf(left) === "boolean" && comparison !== "eq" && comparison !== "ne")
        throw new AdcError(this.span(e), messages.expectedNumber());
      return this.b.op(comparison, [left, right], this.span(e));
    }
    const logical = LOGICAL[kind];
    if (logical) return this.b.op(logical, [this.condition(e.left), this.condition(e.right)], this.span(e));
    if (COMPOUND[kind] || kind === ts.SyntaxKind.EqualsToken) {
      throw new AdcError(this.span(e), messages.unsupportedExpression("an assignment inside an expression"));
    }
    throw new AdcError(this.span(e.operatorToken), messages.unsupportedOperator(e.operatorToken.getText(this.file)));
  }

  // Lowers `c ? a : b` into an if region whose phi is the value: only the branch taken is
  // computed, and only its adjoint runs (a NaN in the other branch cannot leak into the gradient).
  private ternary(e: ts.ConditionalExpression): Operand {
    const cond = this.condition(e.condition);
    const [thenBlock, a] = this.b.inBlock(() => this.expr(e.whenTrue));
    const [elseBlock, b] = this.b.inBlock(() => this.expr(e.whenFalse));
    if (this.b.typeOf(a) !== this.b.typeOf(b)) throw new AdcError(this.span(e), messages.mixedComparison());
    if (this.b.typeOf(a) === "object")
      throw new AdcError(this.span(e), messages.unsupportedExpression("a conditional choosing between arrays or records"));
    const result = this.b.joinValue("", this.b.typeOf(a), this.span(e));
    this.b.addIf(cond, thenBlock, elseBlock, [{ result, then: a, else: b }], this.span(e), this.b.currentStatement);
    return { kind: "value", id: result };
  }

  // Lowers `Math.exp(a)` into `%t = exp %a`; Math.max/min of n operands into a chain of
  // two-operand max/min; Math.pow into pow; stopGradient(x) into `%t = stopGradient %x`.
  private call(e: ts.CallExpression): Operand {
    const callee = skipParens(e.expression);
    const calleeText = oneLine(callee.getText(this.file));
    const sg = this.ctx.stopGradient;
    const isStop = ts.isIdentifier(callee)
      ? sg.names.has(callee.text)
      : ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        sg.namespaces.has(callee.expression.text) &&
        callee.name.text === "stopGradient";
    if (isStop) {
      if (e.arguments.length !== 1)
        throw new AdcError(this.span(e), messages.unsupportedExpression("stopGradient with other than one argument"));
      return this.b.op("stopGradient", [this.number(e.arguments[0])], this.span(e));
    }
    if (ts.isIdentifier(callee)) {
      const signature = this.ctx.signatures.get(callee.text);
      if (signature) {
        // Lowers `f(a, b)` for a tagged f into `%t = callTagged %a, %b  (f)`
        if (callee.text === this.tagged.name) throw new AdcError(this.span(e), messages.recursion(callee.text));
        if (e.arguments.length !== signature.params.length)
          throw new AdcError(this.span(e), messages.callArguments(callee.text, signature.params.length, e.arguments.length));
        const args = e.arguments.map((a, k) => this.argument(a, signature.params[k], callee.text, signature.paramNames[k]));
        const result = this.b.op("callTagged", args, this.span(e));
        this.b.setMember(result, callee.text);
        return result;
      }
      throw new AdcError(this.span(e), messages.noRuleForCall(calleeText));
    }
    if (!ts.isPropertyAccessExpression(callee) || !this.isMath(callee.expression) || e.questionDotToken || callee.questionDotToken) {
      throw new AdcError(this.span(e), messages.noRuleForCall(calleeText));
    }
    const name = callee.name.text;
    const spread = e.arguments.find(ts.isSpreadElement);
    if (spread) throw new AdcError(this.span(spread), messages.unsupportedExpression("a spread argument"));
    const args = e.arguments.map((a) => this.number(a));
    const span = this.span(e);
    if (name === "max" || name === "min") {
      if (args.length === 0) return constant(name === "max" ? -Infinity : Infinity);
      return args.slice(1).reduce((acc, a) => this.b.op(name, [acc, a], span), args[0]);
    }
    if (name === "hypot") return args.length === 0 ? constant(0) : this.b.op("hypot", args, span);
    const prim = name === "pow" ? "pow" : primOfMathCall(name);
    if (!prim)
      throw new AdcError(this.span(e), name === "random" ? messages.noRuleForCall("Math.random") : messages.unknownMathMember(name));
    const want = name === "pow" ? 2 : ruleOf(prim).arity;
    if (args.length !== want) {
      throw new AdcError(span, messages.unsupportedExpression(`'Math.${name}' with ${args.length} argument(s) (it takes ${want})`));
    }
    return this.b.op(prim, args, span);
  }

  // ---- bindings and scopes --------------------------------------------------------------------

  private declare(name: string, operand: Operand | undefined, mutable: boolean): void {
    this.scopes[this.scopes.length - 1].set(name, { name, mutable, operand });
  }

  private lookup(name: string): Binding | undefined {
    for (let k = this.scopes.length - 1; k >= 0; k--) {
      const b = this.scopes[k].get(name);
      if (b) return b;
    }
    return undefined;
  }

  private internal(name: string, operand: Operand | undefined): Binding {
    const b: Binding = { name, mutable: true, operand, synthetic: true };
    this.internals.push(b);
    return b;
  }

  private dropInternal(b: Binding): void {
    this.internals.splice(this.internals.indexOf(b), 1);
  }

  /** The flags a jump sets: returned, and the broke/skipped of the loops and switches around. */
  private flags(): Binding[] {
    return this.internals.filter((b) => b !== this.result);
  }

  /** Every binding in sight with its operand now: what an if region must merge. */
  private visible(): (readonly [Binding, Operand | undefined])[] {
    const out: (readonly [Binding, Operand | undefined])[] = [];
    const seen = new Set<Binding>();
    for (const scope of this.scopes) for (const b of scope.values()) if (!seen.has(b)) (seen.add(b), out.push([b, b.operand]));
    for (const b of this.internals) if (!seen.has(b)) (seen.add(b), out.push([b, b.operand]));
    return out;
  }

  private saveScopes(): { scopes: Map<string, Binding>[]; names: Set<string>[] } {
    return { scopes: [...this.scopes], names: this.scopes.map((s) => new Set(s.keys())) };
  }

  /** Back to the scopes before a branch, with the operands they had. */
  private restoreScopes(
    saved: { scopes: Map<string, Binding>[]; names: Set<string>[] },
    before: (readonly [Binding, Operand | undefined])[],
  ): void {
    this.scopes = [...saved.scopes];
    this.scopes.forEach((scope, k) => {
      for (const name of [...scope.keys()]) if (!saved.names[k].has(name)) scope.delete(name);
    });
    for (const [binding, operand] of before) binding.operand = operand;
  }

  /** Is this the identifier `Math` (whether or not it is the global one)? */
  private isMathName(e: ts.Expression): boolean {
    return ts.isIdentifier(e) && e.text === "Math" && !this.lookup("Math");
  }

  /** `Math`, the global one: a `Math` declared in the file or the function is not trusted. */
  private isMath(e: ts.Expression): boolean {
    if (!ts.isIdentifier(e) || e.text !== "Math") return false;
    if (this.ctx.shadowed.has("Math") || this.lookup("Math")) throw new AdcError(this.span(e), messages.shadowedMath());
    return true;
  }

  private span(node: ts.Node) {
    return spanOf(node, this.file);
  }
}

function branchItems(st: ts.Statement): Item[] {
  return ts.isBlock(st) ? [PUSH, ...st.statements, POP] : [st];
}

function isTypeOnly(st: ts.Statement): boolean {
  return ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st);
}

function sameOperand(a: Operand | undefined, b: Operand | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.kind === "value" || b.kind === "value") return a.kind === b.kind && (a as { id: number }).id === (b as { id: number }).id;
  return Object.is(a.value, b.value) && a.text === b.text;
}

/** Do two shapes hold the same numbers in the same places (readonly and container kinds aside)? */
function sameShape(a: Shape, b: Shape): boolean {
  if (a.kind === "number" || b.kind === "number") return a.kind === b.kind;
  if (a.kind === "array" && b.kind === "array")
    return sameShape(a.element, b.element) && (a.container === "array") === (b.container === "array");
  if (a.kind === "record" && b.kind === "record")
    return (
      a.fields.length === b.fields.length &&
      a.fields.every((fl) => b.fields.some((g) => g.name === fl.name && sameShape(fl.shape, g.shape)))
    );
  return false;
}

function describeShape(s: Shape): string {
  if (s.kind === "number") return "number";
  if (s.kind === "array")
    return s.container !== "array" ? s.container : `${s.element.kind === "record" ? "(record)" : describeShape(s.element)}[]`;
  return `{ ${s.fields.map((fl) => `${fl.name}: ${describeShape(fl.shape)}`).join("; ")} }`;
}

/** `(e)`, `e as T`, `e!`, `e satisfies T`: e. */
function skipWrappers(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e))
    e = e.expression;
  return e;
}

/** Does `e` make a new array (the forms `allocationForm` reads, or an array literal)? */
function isAllocation(e: ts.Expression): boolean {
  if (ts.isArrayLiteralExpression(e) || ts.isNewExpression(e)) return true;
  if (!ts.isCallExpression(e)) return false;
  const callee = skipWrappers(e.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const target = skipWrappers(callee.expression);
  return (
    (callee.name.text === "fill" && ts.isNewExpression(target)) ||
    (callee.name.text === "from" && ts.isIdentifier(target) && target.text === "Array")
  );
}

/**
 * The sizes, fill and shape of `new Array(n).fill(c)`, `new Float64Array(n)`, `new Float32Array(n)`,
 * `Array.from({ length: n }, () => c)`, and `Array.from({ length: m }, () => <one of those>)`.
 */
function allocationForm(e: ts.Expression): { sizes: ts.Expression[]; fill?: ts.Expression; shape: Shape } | undefined {
  e = skipWrappers(e);
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.arguments?.length === 1) {
    const name = e.expression.text;
    if (name === "Float64Array" || name === "Float32Array")
      return { sizes: [e.arguments[0]], shape: { kind: "array", element: NUMBER, container: name, readonly: false } };
    return undefined;
  }
  if (!ts.isCallExpression(e)) return undefined;
  const callee = skipWrappers(e.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const target = skipWrappers(callee.expression);
  if (callee.name.text === "fill" && e.arguments.length === 1 && ts.isNewExpression(target)) {
    if (!ts.isIdentifier(target.expression) || target.expression.text !== "Array" || target.arguments?.length !== 1) return undefined;
    return {
      sizes: [target.arguments[0]],
      fill: e.arguments[0],
      shape: { kind: "array", element: NUMBER, container: "array", readonly: false },
    };
  }
  if (callee.name.text !== "from" || !ts.isIdentifier(target) || target.text !== "Array" || e.arguments.length !== 2) return undefined;
  const [like, make] = e.arguments;
  if (!ts.isObjectLiteralExpression(like) || like.properties.length !== 1) return undefined;
  const length = like.properties[0];
  if (!ts.isPropertyAssignment(length) || !ts.isIdentifier(length.name) || length.name.text !== "length") return undefined;
  if (!ts.isArrowFunction(make) || make.parameters.length !== 0 || ts.isBlock(make.body)) return undefined;
  const body = skipWrappers(make.body);
  if (literalNumber(body) !== undefined)
    return { sizes: [length.initializer], fill: body, shape: { kind: "array", element: NUMBER, container: "array", readonly: false } };
  const row = allocationForm(body);
  if (!row || row.shape.kind !== "array" || row.shape.element.kind !== "number") return undefined;
  return {
    sizes: [length.initializer, ...row.sizes],
    fill: row.fill,
    shape: { kind: "array", element: row.shape, container: "array", readonly: false },
  };
}

/** A number literal, `-3` too. */
function literalNumber(e: ts.Expression): number | undefined {
  e = skipWrappers(e);
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand))
    return -Number(e.operand.text);
  return undefined;
}

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** Collapses whitespace so a statement fits one comment line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function statementText(st: ts.Statement, file: ts.SourceFile): string {
  const text = oneLine(st.getText(file)).replace(/;$/, "");
  return text.length > 100 ? `${text.slice(0, 97)}…` : text;
}

/** `for (let i = 0; i < n; i++)`, `while (x > 1)`, `do … while (c)`: a loop's first line. */
function loopHeaderText(st: ts.IterationStatement, file: ts.SourceFile): string {
  if (ts.isDoStatement(st)) return `do … while (${oneLine(st.expression.getText(file))})`;
  const text = file.text.slice(st.getStart(file), st.statement.getStart(file));
  return oneLine(text);
}
