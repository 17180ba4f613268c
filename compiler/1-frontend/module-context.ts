// What the lowering needs to know about the file around a tagged function: the other tagged
// functions, module-level numeric constants, how stopGradient is imported, shadowed globals.
import ts from "typescript";
import type { CallTarget } from "./find-derivatives.js";

/** What the lowering knows about the module around the function. */
export interface ModuleContext {
  file: ts.SourceFile;
  /** Names of all tagged functions in the file (calls to them are not supported yet). */
  tagged: Set<string>;
  /** The functions a tagged function may call: the other tagged ones, and those with a @derivativeOf. */
  signatures: Map<string, CallTarget>;
  /** Module-level `const K = <number literal>`: inlined as literals. */
  constants: Map<string, number>;
  /** How `stopGradient` from "adc" is called in this file: local names, and namespace names (`adc.stopGradient`). */
  stopGradient: { names: Set<string>; namespaces: Set<string> };
  /** Global names the file declares for itself (a `Math` of its own is not the global Math). */
  shadowed: Set<string>;
}

/** Names declared anywhere in the file that hide globals adc relies on. */
export function shadowedGlobals(file: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  if (!mayDeclareGlobals(file.text)) return out; // the usual case, without walking every node of the file
  const visit = (node: ts.Node) => {
    const name = (node as { name?: ts.Node }).name;
    const declares =
      ts.isVariableDeclaration(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isParameter(node) ||
      ts.isImportSpecifier(node) ||
      ts.isNamespaceImport(node) ||
      ts.isImportClause(node) ||
      ts.isModuleDeclaration(node) ||
      ts.isEnumDeclaration(node);
    if (declares && name && ts.isIdentifier(name) && (name.text === "Math" || name.text === "Infinity" || name.text === "NaN"))
      out.add(name.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/**
 * Whether the text may declare Math, Infinity or NaN: not when each occurrence is a member access
 * (`Math.sin`, not after `namespace`), as a declared name is never followed by a dot; a unicode
 * escape (`\u004Dath`) could spell one anywhere.
 */
function mayDeclareGlobals(text: string): boolean {
  if (text.includes("\\u")) return true;
  const names = /\b(Math|Infinity|NaN)\b/g;
  for (let m = names.exec(text); m; m = names.exec(text)) {
    if (text[m.index + m[0].length] !== ".") return true;
    if (/\b(namespace|module)\s*$/.test(text.slice(Math.max(0, m.index - 30), m.index))) return true;
  }
  return false;
}

/** The names under which the file imports `stopGradient` from "adc". */
export function stopGradientImports(file: ts.SourceFile): ModuleContext["stopGradient"] {
  const names = new Set<string>();
  const namespaces = new Set<string>();
  for (const st of file.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== "adc") continue;
    const bindings = st.importClause?.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    else for (const el of bindings.elements) if ((el.propertyName ?? el.name).text === "stopGradient") names.add(el.name.text);
  }
  return { names, namespaces };
}

/** Top-level `const K = 2.5` (or `-2.5`) declarations of a file. */
export function moduleConstants(file: ts.SourceFile): Map<string, number> {
  const out = new Map<string, number>();
  for (const st of file.statements) {
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const v = literalValue(d.initializer);
      if (v !== undefined) out.set(d.name.text, v);
    }
  }
  return out;
}

function literalValue(e: ts.Expression): number | undefined {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand))
    return -Number(e.operand.text);
  return undefined;
}
