// Static facts about statements, read off the TypeScript AST before lowering: whether a
// statement can complete normally (fall through to the next one), which variables a loop
// assigns, and whether a loop contains a break, continue or return that concerns it.
import ts from "typescript";

/** Can control reach the statement after `st`? (return/break/continue do not; `while (true)` without a break does not.) */
export function completesNormally(st: ts.Statement): boolean {
  if (ts.isReturnStatement(st) || ts.isBreakStatement(st) || ts.isContinueStatement(st) || ts.isThrowStatement(st)) return false;
  if (ts.isBlock(st)) return blockCompletes(st.statements);
  if (ts.isIfStatement(st)) return !st.elseStatement || completesNormally(st.thenStatement) || completesNormally(st.elseStatement);
  if (ts.isWhileStatement(st) || ts.isForStatement(st) || ts.isDoStatement(st)) {
    const test = ts.isForStatement(st) ? st.condition : st.expression;
    const forever = test === undefined || test.kind === ts.SyntaxKind.TrueKeyword;
    return !forever || containsBreakFor(st);
  }
  if (ts.isSwitchStatement(st)) {
    const clauses = st.caseBlock.clauses;
    const hasDefault = clauses.some(ts.isDefaultClause);
    if (!hasDefault || containsBreakFor(st)) return true;
    return clauses.length === 0 || blockCompletes(clauses[clauses.length - 1].statements);
  }
  return true;
}

export function blockCompletes(statements: readonly ts.Statement[]): boolean {
  return statements.every(completesNormally);
}

/** Does `target` (a loop or a switch) contain a `break` that leaves it? */
export function containsBreakFor(target: ts.Statement): boolean {
  return containsJump(target, "break");
}

/** Does the loop contain a `continue` that concerns it? */
export function containsContinueFor(loop: ts.Statement): boolean {
  return containsJump(loop, "continue");
}

/** Does `node` contain a `return` (not inside a nested function)? */
export function containsReturn(node: ts.Node): boolean {
  const visit = (n: ts.Node): boolean => !ts.isFunctionLike(n) && (ts.isReturnStatement(n) || ts.forEachChild(n, visit) === true);
  return ts.forEachChild(node, visit) === true;
}

// A jump inside `target` that belongs to it, not to a loop nested inside it (nor, for
// `break`, to a nested switch).
function containsJump(target: ts.Statement, kind: "break" | "continue"): boolean {
  const visit = (n: ts.Node, nested: boolean): boolean => {
    if (ts.isFunctionLike(n)) return false;
    if (kind === "break" ? ts.isBreakStatement(n) : ts.isContinueStatement(n)) return !nested;
    const captures = ts.isIterationStatement(n, false) || (kind === "break" && ts.isSwitchStatement(n));
    return ts.forEachChild(n, (c) => visit(c, nested || captures) || undefined) === true;
  };
  return ts.forEachChild(target, (c) => visit(c, false) || undefined) === true;
}

/** Names assigned (`=`, `+=`, `++`, …) anywhere inside `node`. */
export function assignedNames(node: ts.Node): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node) => {
    if (ts.isFunctionLike(n)) return;
    if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind)) {
      const target = writtenName(n.left);
      if (target) out.add(target);
    }
    if (
      (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
      (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)
    ) {
      const target = writtenName(n.operand);
      if (target) out.add(target);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return out;
}

/** The variable an assignment writes: `x` of `x = …`, and the array `A` of `A[i][j] = …`. */
function writtenName(target: ts.Expression): string | undefined {
  for (;;) {
    if (ts.isParenthesizedExpression(target) || ts.isElementAccessExpression(target)) target = target.expression;
    else return ts.isIdentifier(target) ? target.text : undefined;
  }
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}
