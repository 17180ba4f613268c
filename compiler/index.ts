// compile(): the pipeline, in order. Each phase is its own folder:
//   1-frontend  TS AST -> SSA IR (tagged functions, unsupported syntax -> diagnostics)
//   2-analysis  activity, to-be-recorded, liveness
//   3-reverse   forward sweep + reverse sweep (the adjoint program)
//   4-emit      adjoint IR -> ts.factory -> printer -> prettier
import * as path from "node:path";
import * as ts from "typescript";
import { findTagged, type TaggedFunction } from "./1-frontend/find-tagged.js";
import { lower } from "./1-frontend/lower.js";
import { moduleConstants, shadowedGlobals, stopGradientImports, type ModuleContext } from "./1-frontend/module-context.js";
import { analyse, type Analysed } from "./2-analysis/index.js";
import { reverse } from "./3-reverse/reverse-sweep.js";
import { format, header, printModule } from "./4-emit/format.js";
import { emitFunctions, gradIntoName, gradName } from "./4-emit/to-ts.js";
import { AdcError, spanAt, spanOf, type Diagnostic } from "./diagnostics/report.js";
import { messages } from "./diagnostics/messages.js";
import type { Adjoint } from "./ir/adjoint.js";
import { opsOf, type Func } from "./ir/types.js";
import { verify } from "./ir/verify.js";

export interface CompiledFunction {
  name: string;
  ir: Func;
  analysed: Analysed;
  adjoint: Adjoint;
}

export interface CompileResult {
  /** The .grad.ts text, or undefined when there were errors or no tagged functions. */
  code?: string;
  functions: CompiledFunction[];
  diagnostics: Diagnostic[];
}

export async function compile(file: ts.SourceFile, options: CompileOptions = {}): Promise<CompileResult> {
  const syntax = syntaxErrors(file); //                                  a file that does not parse is not guessed at
  if (syntax.length) return { functions: [], diagnostics: syntax };
  const { functions: tagged, diagnostics } = findTagged(file); //   1 frontend: find the tags
  const ctx: ModuleContext = {
    file,
    tagged: new Set(tagged.map((t) => t.name)),
    signatures: new Map(
      tagged.map((t) => [
        t.name,
        { params: t.node.parameters.length, numbersOnly: t.node.parameters.every((p) => p.type?.kind === ts.SyntaxKind.NumberKeyword) },
      ]),
    ),
    constants: moduleConstants(file),
    stopGradient: stopGradientImports(file),
    shadowed: shadowedGlobals(file),
  };
  const functions: CompiledFunction[] = [];
  for (const t of tagged) {
    try {
      const ir = lower(t, ctx); //                                       TS AST -> SSA IR
      verify(ir);
      const analysed = analyse(ir); //                                   2 activity, to-record, liveness
      const adjoint = reverse(analysed); //                              3 forward + reverse sweep
      functions.push({ name: t.name, ir, analysed, adjoint });
    } catch (e) {
      if (!(e instanceof AdcError)) throw e;
      diagnostics.push({ span: e.span, message: e.message });
    }
  }
  diagnostics.push(...nameClashes(file, tagged));
  // calls between tagged functions: each knows its callees (for the interpreters); no cycles
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  for (const fn of functions) {
    for (const op of opsOf(fn.ir.body)) {
      if (op.prim !== "callTagged") continue;
      const callee = byName.get(op.member!);
      if (!callee) continue; // it has diagnostics of its own
      (fn.ir.callees ??= new Map()).set(op.member!, { func: callee.ir, adjoint: callee.adjoint });
      if (reaches(callee.ir, fn.name, byName)) diagnostics.push({ span: op.span, message: messages.recursion(op.member!) });
    }
  }
  if (diagnostics.length || functions.length === 0) return { functions, diagnostics };
  const statements = emitFunctions(
    functions.map((fn) => ({ adjoint: fn.adjoint, userNames: identifiersOf(tagged.find((t) => t.name === fn.name)!.node) })),
  ); // 4 emit
  const code = await format(printModule(statements, header(options.headerSource ?? path.basename(file.fileName), options.headerNote)));
  return { code, functions, diagnostics };
}

/** Does `from` call `target`, directly or through other tagged functions? */
function reaches(from: Func, target: string, byName: Map<string, CompiledFunction>, seen = new Set<string>()): boolean {
  for (const op of opsOf(from.body)) {
    if (op.prim !== "callTagged" || seen.has(op.member!)) continue;
    if (op.member === target) return true;
    seen.add(op.member!);
    const next = byName.get(op.member!);
    if (next && reaches(next.ir, target, byName, seen)) return true;
  }
  return false;
}

/** Parses a file the way the CLI does (parents set, so JSDoc and getText work). */
export function parse(fileName: string, text: string): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

export async function compileText(fileName: string, text: string, options?: CompileOptions): Promise<CompileResult> {
  return compile(parse(fileName, text), options);
}

export interface CompileOptions {
  /** How the header names the source (default: its file name, for a .grad.ts written beside it). */
  headerSource?: string;
  /** How the header says to regenerate (default: `run npx adc <source>`). */
  headerNote?: string;
}

/** The parser's errors (TypeScript keeps parsing after one, so they must be asked for). */
function syntaxErrors(file: ts.SourceFile): Diagnostic[] {
  const parsed = (file as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  return parsed.map((d) => ({
    span: spanAt(file, d.start, d.start + d.length),
    message: messages.syntaxError(ts.flattenDiagnosticMessageText(d.messageText, " ")),
  }));
}

function identifiersOf(node: ts.Node): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node) => {
    if (ts.isIdentifier(n)) out.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return out;
}

/** A generated export must not collide with another tagged function's name (`f` and `fGrad` both tagged). */
function nameClashes(file: ts.SourceFile, tagged: TaggedFunction[]): Diagnostic[] {
  const names = new Set(tagged.map((t) => t.name));
  const out: Diagnostic[] = [];
  for (const t of tagged) {
    for (const generated of [gradName(t.name), gradIntoName(t.name)]) {
      if (names.has(generated)) {
        const other = tagged.find((x) => x.name === generated)!;
        out.push({ span: spanOf(other.statement, file), message: messages.generatedNameClash(generated, t.name) });
      }
    }
  }
  return out;
}
