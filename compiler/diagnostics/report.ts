// Diagnostics as values, bound to a source span, printed as `path:line:col: error ADCnnnn: …`.
import ts from "typescript";
import type { Span } from "../ir/types.js";

export interface Diagnostic {
  span: Span;
  message: string;
}

/** Thrown inside a phase; compile() turns it into a Diagnostic for the function being compiled. */
export class AdcError extends Error {
  constructor(
    readonly span: Span,
    message: string,
  ) {
    super(message);
    this.name = "AdcError";
  }
}

export function spanOf(node: ts.Node, file: ts.SourceFile = node.getSourceFile()): Span {
  const start = node.getStart(file);
  const { line, character } = file.getLineAndCharacterOfPosition(start);
  return { file: file.fileName, start, end: node.getEnd(), line: line + 1, col: character + 1 };
}

export function spanAt(file: ts.SourceFile, start: number, end = start): Span {
  const { line, character } = file.getLineAndCharacterOfPosition(start);
  return { file: file.fileName, start, end, line: line + 1, col: character + 1 };
}

/** `path:line:col: error ADC1004: …`, the form editors and CI logs link. */
export function formatDiagnostic(d: Diagnostic, path = d.span.file): string {
  return `${path}:${d.span.line}:${d.span.col}: error ${d.message}`;
}
