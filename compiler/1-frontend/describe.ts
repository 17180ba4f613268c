// Names of syntax for diagnostics: "a for loop", not "ForStatement".
import ts from "typescript";

const STATEMENTS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.ForInStatement]: "a for…in loop",
  [ts.SyntaxKind.ForOfStatement]: "a for…of loop",
  [ts.SyntaxKind.TryStatement]: "try/catch",
  [ts.SyntaxKind.ThrowStatement]: "throw",
  [ts.SyntaxKind.Block]: "a nested block",
  [ts.SyntaxKind.FunctionDeclaration]: "a nested function",
  [ts.SyntaxKind.ClassDeclaration]: "a class declaration",
  [ts.SyntaxKind.WithStatement]: "with",
  [ts.SyntaxKind.DebuggerStatement]: "debugger",
  [ts.SyntaxKind.ImportDeclaration]: "an import",
  [ts.SyntaxKind.InterfaceDeclaration]: "an interface declaration",
  [ts.SyntaxKind.TypeAliasDeclaration]: "a type alias",
  [ts.SyntaxKind.EnumDeclaration]: "an enum",
};

const EXPRESSIONS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.StringLiteral]: "a string",
  [ts.SyntaxKind.NoSubstitutionTemplateLiteral]: "a string",
  [ts.SyntaxKind.TemplateExpression]: "a template string",
  [ts.SyntaxKind.NullKeyword]: "null",
  [ts.SyntaxKind.BigIntLiteral]: "a bigint",
  [ts.SyntaxKind.ArrayLiteralExpression]: "an array literal",
  [ts.SyntaxKind.ObjectLiteralExpression]: "an object literal",
  [ts.SyntaxKind.ElementAccessExpression]: "indexing (a[i])",
  [ts.SyntaxKind.PropertyAccessExpression]: "a property access",
  [ts.SyntaxKind.ArrowFunction]: "a function expression",
  [ts.SyntaxKind.FunctionExpression]: "a function expression",
  [ts.SyntaxKind.NewExpression]: "new",
  [ts.SyntaxKind.ThisKeyword]: "this",
  [ts.SyntaxKind.AwaitExpression]: "await",
  [ts.SyntaxKind.YieldExpression]: "yield",
  [ts.SyntaxKind.TypeOfExpression]: "typeof",
  [ts.SyntaxKind.DeleteExpression]: "delete",
  [ts.SyntaxKind.VoidExpression]: "void",
  [ts.SyntaxKind.PostfixUnaryExpression]: "++/-- inside an expression",
  [ts.SyntaxKind.TaggedTemplateExpression]: "a tagged template",
  [ts.SyntaxKind.RegularExpressionLiteral]: "a regular expression",
  [ts.SyntaxKind.TypeAssertionExpression]: "a <type> assertion (write 'x as number')",
  [ts.SyntaxKind.ClassExpression]: "a class expression",
  [ts.SyntaxKind.CommaToken]: "the comma operator",
};

/** The name of a syntax kind, never one of the enum's First…/Last… aliases. */
function kindName(kind: ts.SyntaxKind): string {
  const names = Object.keys(ts.SyntaxKind).filter(
    (k) => (ts.SyntaxKind as unknown as Record<string, number>)[k] === kind && !/^(First|Last)/.test(k),
  );
  return names[0] ?? String(kind);
}

export function describeStatement(st: ts.Statement): string {
  return STATEMENTS[st.kind] ?? `the statement kind ${kindName(st.kind)}`;
}

export function describeExpression(e: ts.Expression): string {
  if (ts.isPrefixUnaryExpression(e)) return "++/-- inside an expression";
  return EXPRESSIONS[e.kind] ?? `the expression kind ${kindName(e.kind)}`;
}
