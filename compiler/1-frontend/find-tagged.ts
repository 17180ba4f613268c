// Finds the functions tagged `/** @differentiable */` at the top level of a source file.
// Reads the comment text itself rather than ts.getJSDocTags, which answers [] inside tsc
// (tsc skips most JSDoc in .ts files) — so the CLI and the plugin see the same tags.
// A tag anywhere else (a method, a nested function, a `//` comment) is a diagnostic: a tag
// that silently does nothing would leave the user without the gradient they asked for.
import ts from "typescript";
import { AdcError, spanAt, spanOf, type Diagnostic } from "../diagnostics/report.js";
import { messages } from "../diagnostics/messages.js";
import type { Span } from "../ir/types.js";

export type FunctionNode = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

export interface TaggedFunction {
  name: string;
  node: FunctionNode;
  /** The top-level statement that declares it (for its span and export status). */
  statement: ts.Statement;
  /** Parameters named in `wrt(…)`, with where each is written, or undefined for all of them. */
  wrt?: { name: string; span: Span }[];
  tagSpan: Span;
}

export interface FoundTags {
  functions: TaggedFunction[];
  diagnostics: Diagnostic[];
}

const TAG = /@differentiable\b/;
const IDENT = /[A-Za-z_$][\w$]*/y;

export function findTagged(file: ts.SourceFile): FoundTags {
  const functions: TaggedFunction[] = [];
  const diagnostics: Diagnostic[] = [];
  const claimed = new Set<number>();
  for (const statement of file.statements) {
    const tag = readTag(file, statement);
    if (!tag) continue;
    claimed.add(tag.commentPos);
    try {
      const fn = taggedFunction(file, statement, tag);
      const first = functions.find((f) => f.name === fn.name);
      if (first) throw new AdcError(spanOf(statement, file), messages.duplicateTagged(fn.name, first.tagSpan.line));
      functions.push(fn);
    } catch (e) {
      if (!(e instanceof AdcError)) throw e;
      diagnostics.push({ span: e.span, message: e.message });
    }
  }
  diagnostics.push(...strayTags(file, claimed));
  return { functions, diagnostics };
}

interface Tag {
  /** Text after `@differentiable`, up to the next tag or the end of the comment, `*` margins removed. */
  rest: string;
  /** Where `rest` starts in the file. */
  restPos: number;
  span: Span;
  commentPos: number;
}

/** A top-level function named `name` (a declaration or `const name = (…) => …`), as if it were tagged: for the plugin's grad(f). */
export function declaredFunction(file: ts.SourceFile, name: string): TaggedFunction | undefined {
  for (const statement of file.statements) {
    const declares = ts.isFunctionDeclaration(statement)
      ? statement.name?.text === name
      : ts.isVariableStatement(statement) &&
        statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name);
    if (!declares) continue;
    try {
      return taggedFunction(file, statement, {
        rest: "",
        restPos: statement.getStart(file),
        span: spanOf(statement, file),
        commentPos: -1,
      });
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function readTag(file: ts.SourceFile, statement: ts.Statement): Tag | undefined {
  const ranges = ts.getLeadingCommentRanges(file.text, ts.getOriginalNode(statement).pos) ?? [];
  for (const r of ranges) {
    const text = file.text.slice(r.pos, r.end);
    if (!text.startsWith("/**")) continue;
    const m = TAG.exec(text);
    if (!m) continue;
    const start = r.pos + m.index;
    const restStart = m.index + m[0].length;
    const next = text.slice(restStart).search(/@\w|\*\/$/);
    const raw = text.slice(restStart, next < 0 ? undefined : restStart + next);
    return { rest: raw, restPos: r.pos + restStart, span: spanAt(file, start, start + m[0].length), commentPos: r.pos };
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
    while (init && (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isSatisfiesExpression(init)))
      init = init.expression;
    if (ts.isIdentifier(decl.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
      name = decl.name.text;
      node = init;
    }
  }
  if (!name || !node) throw new AdcError(spanOf(statement, file), messages.notAFunction());
  return { name, node, statement, wrt: parseWrt(file, tag), tagSpan: tag.span };
}

// `@differentiable`, `@differentiable wrt(a, b)` (on the tag's line or the next), or the tag
// followed by a description. Text that starts with `wrt` must be a well-formed list.
function parseWrt(file: ts.SourceFile, tag: Tag): { name: string; span: Span }[] | undefined {
  const lead = /^[\s*]*/.exec(tag.rest)![0].length;
  const text = tag.rest.slice(lead);
  if (!/^wrt\b/.test(text)) return undefined;
  const bad = () =>
    new AdcError(spanAt(file, tag.restPos + lead), messages.wrtSyntax(`@differentiable ${text.replace(/\s*\*\s*/g, " ").trim()}`));
  let i = 3;
  const skip = () => {
    while (i < text.length && /[\s*]/.test(text[i])) i++;
  };
  skip();
  if (text[i] !== "(") throw bad();
  i++;
  const names: { name: string; span: Span }[] = [];
  for (;;) {
    skip();
    if (text[i] === ")" && names.length === 0) break;
    IDENT.lastIndex = i;
    const m = IDENT.exec(text);
    if (!m) throw bad();
    const pos = tag.restPos + lead + i;
    const span = spanAt(file, pos, pos + m[0].length);
    if (names.some((n) => n.name === m[0])) throw new AdcError(span, messages.wrtDuplicate(m[0]));
    names.push({ name: m[0], span });
    i += m[0].length;
    skip();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === ")") break;
    throw bad();
  }
  if (names.length === 0) throw new AdcError(spanAt(file, tag.restPos + lead), messages.wrtEmpty());
  return names;
}

// Every comment of the file that holds the tag but is not the JSDoc of a top-level function.
function strayTags(file: ts.SourceFile, claimed: Set<number>): Diagnostic[] {
  if (allClaimed(file.text, claimed)) return []; // the usual case, without walking every token of the file
  const seen = new Set<number>();
  const out: Diagnostic[] = [];
  const visit = (pos: number) => {
    for (const r of ts.getLeadingCommentRanges(file.text, pos) ?? []) {
      if (seen.has(r.pos) || claimed.has(r.pos)) continue;
      seen.add(r.pos);
      const text = file.text.slice(r.pos, r.end);
      const m = TAG.exec(text);
      if (!m) continue;
      const at = spanAt(file, r.pos + m.index, r.pos + m.index + m[0].length);
      if (text.startsWith("/**")) out.push({ span: at, message: messages.tagNotOnTopLevelFunction() });
      else if (/^(\/\/|\/\*)\s*@differentiable\b/.test(text)) out.push({ span: at, message: messages.tagNotInJsDoc() });
    }
  };
  const walk = (node: ts.Node) => {
    visit(node.pos);
    for (const child of node.getChildren(file)) walk(child);
  };
  walk(file);
  visit(file.endOfFileToken.pos);
  return out;
}

/** Whether every `@differentiable` in the text is inside a comment that tags a function. */
function allClaimed(text: string, claimed: Set<number>): boolean {
  const spans = [...claimed].map((pos) => ({
    pos,
    end: text.startsWith("/*", pos) ? text.indexOf("*/", pos + 2) : text.indexOf("\n", pos),
  }));
  const all = new RegExp(TAG.source, "g");
  for (let m = all.exec(text); m; m = all.exec(text)) {
    const at = m.index;
    if (!spans.some((s) => s.pos <= at && (s.end < 0 || at < s.end))) return false;
  }
  return true;
}
