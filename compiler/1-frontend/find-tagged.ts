// Finds the functions tagged `/** @differentiable */` at the top level of a source file.
// Reads the comment text itself rather than ts.getJSDocTags, which answers [] inside tsc
// (tsc skips most JSDoc in .ts files) — so the CLI and the plugin see the same tags.
import * as ts from "typescript";
import { AdcError, spanAt, spanOf, type Diagnostic } from "../diagnostics/report.js";
import { messages } from "../diagnostics/messages.js";
import type { Span } from "../ir/types.js";

export type FunctionNode = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

export interface TaggedFunction {
  name: string;
  node: FunctionNode;
  /** The top-level statement that declares it (for its span and export status). */
  statement: ts.Statement;
  /** Parameters named in `wrt(…)`, or undefined for all of them. */
  wrt?: string[];
  tagSpan: Span;
}

export interface FoundTags {
  functions: TaggedFunction[];
  diagnostics: Diagnostic[];
}

const TAG = /@differentiable\b([^\n]*)/;
const WRT = /^wrt\(\s*([A-Za-z_$][\w$]*(?:\s*,\s*[A-Za-z_$][\w$]*)*)?\s*\)$/;

export function findTagged(file: ts.SourceFile): FoundTags {
  const functions: TaggedFunction[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const statement of file.statements) {
    const tag = readTag(file, statement);
    if (!tag) continue;
    try {
      const fn = taggedFunction(file, statement, tag);
      if (functions.some((f) => f.name === fn.name)) throw new AdcError(spanOf(statement, file), messages.duplicateTagged(fn.name));
      functions.push(fn);
    } catch (e) {
      if (!(e instanceof AdcError)) throw e;
      diagnostics.push({ span: e.span, message: e.message });
    }
  }
  return { functions, diagnostics };
}

interface Tag {
  /** Text after `@differentiable` on the same line, comment end removed. */
  rest: string;
  span: Span;
}

function readTag(file: ts.SourceFile, statement: ts.Statement): Tag | undefined {
  const ranges = ts.getLeadingCommentRanges(file.text, ts.getOriginalNode(statement).pos) ?? [];
  for (const r of ranges) {
    const text = file.text.slice(r.pos, r.end);
    if (!text.startsWith("/**")) continue;
    const m = TAG.exec(text);
    if (!m) continue;
    const rest = m[1].replace(/\*\/\s*$/, "").replace(/\*+\s*$/, "").trim();
    const start = r.pos + m.index;
    return { rest, span: spanAt(file, start, start + m[0].length) };
  }
  return undefined;
}

function taggedFunction(file: ts.SourceFile, statement: ts.Statement, tag: Tag): TaggedFunction {
  let name: string | undefined;
  let node: FunctionNode | undefined;
  if (ts.isFunctionDeclaration(statement)) {
    name = statement.name?.text;
    node = statement;
    if (!statement.body) throw new AdcError(spanOf(statement, file), messages.noBody(name ?? "function"));
  } else if (ts.isVariableStatement(statement) && statement.declarationList.declarations.length === 1) {
    const decl = statement.declarationList.declarations[0];
    let init = decl.initializer;
    while (init && (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isSatisfiesExpression(init))) init = init.expression;
    if (ts.isIdentifier(decl.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
      name = decl.name.text;
      node = init;
    }
  }
  if (!name || !node) throw new AdcError(spanOf(statement, file), messages.notAFunction());
  return { name, node, statement, wrt: parseWrt(tag), tagSpan: tag.span };
}

function parseWrt(tag: Tag): string[] | undefined {
  if (tag.rest === "") return undefined;
  const m = WRT.exec(tag.rest);
  if (!m) throw new AdcError(tag.span, messages.wrtSyntax(`@differentiable ${tag.rest}`));
  return (m[1] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}
