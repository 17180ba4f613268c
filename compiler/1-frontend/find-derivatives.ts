// Finds the derivatives the user supplies: a top-level function tagged `/** @derivativeOf f */`
// is f's gradient, written by hand with the contract of a generated fGradInto:
//
//   /** @derivativeOf softplus */
//   export function softplusGradInto(x: number, grad: { x: number }, seed = 1): number
//
// (f's parameters, then the gradient record to add into, then the seed; it returns f's value).
// A @differentiable function that calls f runs f for its value and this function in its
// reverse sweep. f may be declared in the file or imported (a library function adc cannot see).
import ts from "typescript";
import { AdcError, spanOf, type Diagnostic } from "../diagnostics/report.js";
import { messages } from "../diagnostics/messages.js";
import type { Shape } from "../ir/types.js";
import { shapeOfType } from "./shapes.js";

/** A function a @differentiable function may call, and how its gradient is had. */
export interface CallTarget {
  paramNames: string[];
  /** Each parameter's shape (number, array, record). */
  params: Shape[];
  /** Which parameters the target's gradient record has (its wrt list). */
  wrt: boolean[];
  /**
   * "tagged": @differentiable in this file (its GradInto is generated with the caller's);
   * "imported": @differentiable in another file adc processes (its GradInto is in that file's .grad.ts);
   * "custom": the user's @derivativeOf.
   */
  kind: "tagged" | "imported" | "custom";
  /** Imported ones: the specifier of the file, its name there (`import { sigmoid as s }`). */
  importedFrom?: { specifier: string; name: string };
  /** The function the reverse sweep calls: fGradInto, or the user's derivative. */
  gradInto: string;
  /** Custom ones: where the generated file imports the function from (a specifier of the source file's, or the file itself). */
  primalFrom?: { specifier: string } | "self";
}

const TAG = /@derivativeOf\s+([A-Za-z_$][\w$]*)/;

export function findDerivatives(file: ts.SourceFile): { targets: Map<string, CallTarget>; diagnostics: Diagnostic[] } {
  const targets = new Map<string, CallTarget>();
  const diagnostics: Diagnostic[] = [];
  for (const st of file.statements) {
    const primal = tagOf(file, st);
    if (!primal) continue;
    try {
      if (!ts.isFunctionDeclaration(st) || !st.name || !st.body) throw new AdcError(spanOf(st, file), messages.derivativeForm(primal));
      const name = st.name.text;
      if (!isExported(st)) throw new AdcError(spanOf(st.name, file), messages.mustExport(name, "the generated file calls it"));
      if (targets.has(primal)) throw new AdcError(spanOf(st.name, file), messages.derivativeTwice(primal));
      const ps = st.parameters;
      if (ps.length < 2) throw new AdcError(spanOf(st, file), messages.derivativeForm(primal));
      const seed = ps[ps.length - 1];
      const grad = ps[ps.length - 2];
      const seedIsNumber = (seed.type && seed.type.kind === ts.SyntaxKind.NumberKeyword) || (!seed.type && seed.initializer);
      if (!seedIsNumber || !ts.isIdentifier(grad.name) || !grad.type) throw new AdcError(spanOf(st, file), messages.derivativeForm(primal));
      const params = ps.slice(0, -2);
      const paramNames = params.map((p) => {
        if (!ts.isIdentifier(p.name) || !p.type) throw new AdcError(spanOf(p, file), messages.derivativeForm(primal));
        return p.name.text;
      });
      const shapes = params.map((p) => shapeOfType(p.type!, file, `parameter '${(p.name as ts.Identifier).text}'`));
      const record = shapeOfType(grad.type, file, `the gradient record '${grad.name.text}'`);
      if (record.kind !== "record") throw new AdcError(spanOf(grad.type, file), messages.derivativeForm(primal));
      for (const field of record.fields)
        if (!paramNames.includes(field.name)) throw new AdcError(spanOf(grad.type, file), messages.derivativeField(field.name, primal));
      targets.set(primal, {
        paramNames,
        params: shapes,
        wrt: paramNames.map((n) => record.fields.some((fl) => fl.name === n)),
        kind: "custom",
        gradInto: name,
        primalFrom: primalSource(file, primal, st),
      });
    } catch (e) {
      if (!(e instanceof AdcError)) throw e;
      diagnostics.push({ span: e.span, message: e.message });
    }
  }
  return { targets, diagnostics };
}

function tagOf(file: ts.SourceFile, statement: ts.Statement): string | undefined {
  for (const r of ts.getLeadingCommentRanges(file.text, statement.pos) ?? []) {
    const text = file.text.slice(r.pos, r.end);
    if (!text.startsWith("/**")) continue;
    const m = TAG.exec(text);
    if (m) return m[1];
  }
  return undefined;
}

/** Where the primal comes from: imported by name (the generated file imports it the same way), or declared here and exported. */
function primalSource(file: ts.SourceFile, primal: string, derivative: ts.FunctionDeclaration): CallTarget["primalFrom"] {
  for (const st of file.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const bindings = st.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings) && bindings.elements.some((el) => el.name.text === primal && !el.propertyName))
        return { specifier: st.moduleSpecifier.text };
    }
    if (ts.isFunctionDeclaration(st) && st.name?.text === primal) {
      if (!isExported(st))
        throw new AdcError(spanOf(st.name, file), messages.mustExport(primal, "the generated file calls it for its value"));
      return "self";
    }
  }
  throw new AdcError(spanOf(derivative, file), messages.derivativeOfUnknown(primal));
}

function isExported(st: ts.Statement): boolean {
  return (ts.canHaveModifiers(st) ? (ts.getModifiers(st) ?? []) : []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}
