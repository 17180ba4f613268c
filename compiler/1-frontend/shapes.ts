// The shapes of parameters, read off their type annotations: number, number[] (readonly too),
// Float64Array, Float32Array, number[][], tuples of numbers, and object types whose fields are
// any of these, nested — written inline or as an interface or type alias declared in the file.
import ts from "typescript";
import { AdcError, spanOf } from "../diagnostics/report.js";
import { messages } from "../diagnostics/messages.js";
import type { Shape } from "../ir/types.js";

export function shapeOfType(t: ts.TypeNode, file: ts.SourceFile, what: string): Shape {
  const fail = (): never => {
    throw new AdcError(spanOf(t, file), messages.unsupportedType(what, t.getText(file).replace(/\s+/g, " ")));
  };
  const visit = (node: ts.TypeNode, readonly: boolean, seen: Set<string>): Shape => {
    if (node.kind === ts.SyntaxKind.NumberKeyword) return { kind: "number" };
    if (ts.isParenthesizedTypeNode(node)) return visit(node.type, readonly, seen);
    if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) return visit(node.type, true, seen);
    if (ts.isArrayTypeNode(node)) return { kind: "array", element: visit(node.elementType, false, seen), container: "array", readonly };
    if (ts.isTupleTypeNode(node)) {
      const elements = node.elements.map((e) => (ts.isNamedTupleMember(e) ? e.type : e));
      if (elements.length === 0 || !elements.every((e) => e.kind === ts.SyntaxKind.NumberKeyword)) fail();
      return { kind: "array", element: { kind: "number" }, container: "array", readonly, tuple: elements.length };
    }
    if (ts.isTypeLiteralNode(node)) return record(node.members, seen);
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const name = node.typeName.text;
      if ((name === "Float64Array" || name === "Float32Array") && !node.typeArguments?.length) {
        return { kind: "array", element: { kind: "number" }, container: name, readonly };
      }
      if ((name === "ReadonlyArray" || name === "Array") && node.typeArguments?.length === 1) {
        return {
          kind: "array",
          element: visit(node.typeArguments[0], false, seen),
          container: "array",
          readonly: readonly || name === "ReadonlyArray",
        };
      }
      // an interface or type alias of this file
      if (seen.has(name)) fail();
      for (const st of file.statements) {
        if (ts.isInterfaceDeclaration(st) && st.name.text === name && !st.typeParameters && !st.heritageClauses)
          return record(st.members, new Set([...seen, name]));
        if (ts.isTypeAliasDeclaration(st) && st.name.text === name && !st.typeParameters)
          return visit(st.type, readonly, new Set([...seen, name]));
      }
    }
    return fail();
  };
  const record = (members: ts.NodeArray<ts.TypeElement>, seen: Set<string>): Shape => {
    const fields = members.map((m) => {
      if (!ts.isPropertySignature(m) || !m.type || m.questionToken || !(ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) fail();
      const sig = m as ts.PropertySignature;
      return { name: (sig.name as ts.Identifier | ts.StringLiteral).text, shape: visit(sig.type!, false, seen) };
    });
    if (fields.length === 0) fail();
    return { kind: "record", fields };
  };
  return visit(t, false, new Set());
}

/** The part of a shape an element read gives: the element of an array. */
export function elementOf(s: Shape): Shape | undefined {
  return s.kind === "array" ? s.element : undefined;
}

export function fieldOf(s: Shape, name: string): Shape | undefined {
  return s.kind === "record" ? s.fields.find((f) => f.name === name)?.shape : undefined;
}
