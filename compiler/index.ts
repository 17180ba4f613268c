// compile(): the pipeline, in order. Each phase is its own folder:
//   1-frontend  TS AST -> SSA IR (tagged functions, unsupported syntax -> diagnostics)
//   2-analysis  activity, to-be-recorded, liveness
//   3-reverse   forward sweep + reverse sweep (the adjoint program)
//   4-emit      adjoint IR -> ts.factory -> printer -> prettier
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { declaredFunction, findTagged, type TaggedFunction } from "./1-frontend/find-tagged.js";
import { findDerivatives, type CallTarget } from "./1-frontend/find-derivatives.js";
import { lower } from "./1-frontend/lower.js";
import { shapeOfType } from "./1-frontend/shapes.js";
import { moduleConstants, shadowedGlobals, stopGradientImports, type ModuleContext } from "./1-frontend/module-context.js";
import { analyse, type Analysed } from "./2-analysis/index.js";
import { reverse } from "./3-reverse/reverse-sweep.js";
import { formatModule, header, printModule } from "./4-emit/format.js";
import { emitFunctions, gradIntoName, gradName } from "./4-emit/to-ts.js";
import { AdcError, spanAt, spanOf, type Diagnostic } from "./diagnostics/report.js";
import { messages } from "./diagnostics/messages.js";
import { adjStmtsOf, type Adjoint } from "./ir/adjoint.js";
import { opsOf, type Func } from "./ir/types.js";
import { hoistInvariants } from "./ir/hoist-invariant.js";
import { forwardStores, promoteElements } from "./ir/promote-elements.js";
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
  const { module, ...result } = compileToStatements(file, options);
  return module ? { ...result, code: await formatModule(module.groups, module.header) } : result;
}

/** compile(), without formatting the code (synchronous: for the build plugin, which prints it itself). */
export function compileUnformatted(file: ts.SourceFile, options: CompileOptions = {}): CompileResult {
  const { module, ...result } = compileToStatements(file, options);
  return module ? { ...result, code: printModule(module.groups, module.header) } : result;
}

/** The pipeline up to the emitted statements, in groups, and the header (printed by compile() or compileUnformatted()). */
export function compileToStatements(
  file: ts.SourceFile,
  options: CompileOptions,
): CompileResult & { module?: { groups: ts.Statement[][]; header: string } } {
  const syntax = syntaxErrors(file); //                                  a file that does not parse is not guessed at
  if (syntax.length) return { functions: [], diagnostics: syntax };
  const found = findTagged(file); //                                 1 frontend: find the tags
  const diagnostics = found.diagnostics;
  const tagged = withForced(file, found.functions, options.tag, diagnostics);
  const derivatives = findDerivatives(file); //                      and the derivatives the user wrote
  diagnostics.push(...derivatives.diagnostics);
  const signatures = new Map(derivatives.targets);
  // tagged functions imported from other files adc processes (compiled here too, for the interpreters)
  const imported = importedTagged(file, options, diagnostics);
  for (const [local, t] of imported) if (!signatures.has(local)) signatures.set(local, t.target);
  for (const t of tagged) {
    if (signatures.has(t.name)) diagnostics.push({ span: spanOf(t.statement, file), message: messages.derivativeAndTagged(t.name) });
    const target = taggedTarget(t, file);
    if (target) signatures.set(t.name, target);
  }
  const ctx: ModuleContext = {
    file,
    tagged: new Set(tagged.map((t) => t.name)),
    signatures,
    constants: moduleConstants(file),
    stopGradient: stopGradientImports(file),
    shadowed: shadowedGlobals(file),
  };
  const functions: CompiledFunction[] = [];
  for (const t of tagged) {
    try {
      const ir = lower(t, ctx); //                                       TS AST -> SSA IR
      verify(ir);
      hoistInvariants(ir); //                                            rows and lengths out of the loops that do not change them
      promoteElements(ir); //                                            an element a loop adds into, in a variable
      forwardStores(ir);
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
      const target = signatures.get(op.member!);
      if (target?.kind === "imported") {
        const other = imported.get(op.member!)!.compiled;
        if (other) (fn.ir.callees ??= new Map()).set(op.member!, { func: other.ir, adjoint: other.adjoint });
        continue;
      }
      if (target?.kind === "custom") {
        (fn.ir.callees ??= new Map()).set(op.member!, {
          custom: { gradInto: target.gradInto, params: target.paramNames, wrt: target.wrt },
        });
        continue;
      }
      const callee = byName.get(op.member!);
      if (!callee) continue; // it has diagnostics of its own
      (fn.ir.callees ??= new Map()).set(op.member!, { func: callee.ir, adjoint: callee.adjoint });
      if (reaches(callee.ir, fn.name, byName)) diagnostics.push({ span: op.span, message: messages.recursion(op.member!) });
    }
  }
  // a callee that does not differentiate a parameter cannot pass a gradient back to what the caller gave it
  for (const fn of functions)
    for (const st of adjStmtsOf(fn.adjoint.reverse)) {
      if (st.kind !== "call") continue;
      const target = signatures.get(st.op.member!);
      const k = target ? st.targets.findIndex((t, k) => t !== null && !target.wrt[k]) : -1;
      if (target && k >= 0)
        diagnostics.push({ span: st.op.span, message: messages.calleeNotWrt(st.op.member!, target.paramNames[k], fn.name) });
    }
  if (diagnostics.length || functions.length === 0 || options.emit === false) return { functions, diagnostics };
  const sourceModule = options.sourceModule ?? `./${path.basename(file.fileName).replace(/\.(c|m)?tsx?$/, "")}`;
  const statements = emitFunctions(
    functions.map((fn) => ({
      adjoint: fn.adjoint,
      userNames: identifiersOf(tagged.find((t) => t.name === fn.name)!.node),
      explain: options.explain,
    })),
    signatures,
    sourceModule,
  ); // 4 emit
  const headerLine = header(options.headerSource ?? path.basename(file.fileName), options.headerNote);
  return { functions, diagnostics, module: { groups: statements, header: headerLine } };
}

/**
 * The plugin's `grad(f)`: f is differentiated whether or not it is tagged, with respect to the
 * parameters the call asks for (its tag's wrt, if any, is replaced).
 */
function withForced(
  file: ts.SourceFile,
  tagged: TaggedFunction[],
  forced: CompileOptions["tag"],
  diagnostics: Diagnostic[],
): TaggedFunction[] {
  if (!forced?.size) return tagged;
  const out = [...tagged];
  for (const [name, wrt] of forced) {
    const t = out.find((x) => x.name === name) ?? declaredFunction(file, name);
    if (!t) {
      diagnostics.push({ span: spanAt(file, 0), message: messages.notAFunction() });
      continue;
    }
    const spanned = wrt?.map((n) => ({ name: n, span: t.tagSpan }));
    const changed = { ...t, wrt: spanned };
    const k = out.indexOf(t);
    if (k >= 0) out[k] = changed;
    else out.push(changed);
  }
  return out;
}

/**
 * The tagged functions a file imports by name from relative specifiers (`import { sigmoid } from
 * "./neuron"`): each imported file is read and compiled (once per compile, cycles stopped), and
 * its tagged functions are callable with the GradInto of its own .grad.ts.
 */
function importedTagged(
  file: ts.SourceFile,
  options: CompileOptions,
  diagnostics: Diagnostic[],
): Map<string, { target: CallTarget; compiled?: CompiledFunction }> {
  const out = new Map<string, { target: CallTarget; compiled?: CompiledFunction }>();
  const read = options.readFile ?? readSource;
  const seen = options.seen ?? new Set([path.resolve(file.fileName)]);
  for (const st of file.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.importClause?.isTypeOnly) continue;
    const spec = st.moduleSpecifier.text;
    const bindings = st.importClause?.namedBindings;
    if (!spec.startsWith(".") || !bindings || !ts.isNamedImports(bindings)) continue;
    const base = path.resolve(path.dirname(file.fileName), spec);
    const candidates = /\.(c|m)?tsx?$/.test(base)
      ? [base]
      : [`${base}.ts`, base.replace(/\.(c|m)?js$/, ".ts"), path.join(base, "index.ts")];
    const found = candidates.map((p) => ({ p, text: read(p) })).find((c) => c.text !== undefined);
    if (!found || seen.has(found.p)) continue;
    const text = found.text!;
    if (!/@differentiable\b/.test(text)) continue;
    const other = parse(found.p, text);
    const { functions: tagged } = findTagged(other);
    const wanted = bindings.elements.filter((el) => tagged.some((t) => t.name === (el.propertyName ?? el.name).text));
    if (wanted.length === 0) continue;
    const result = compileUnformatted(other, { readFile: read, seen: new Set([...seen, found.p]), emit: false });
    for (const el of wanted) {
      const name = (el.propertyName ?? el.name).text;
      const t = tagged.find((x) => x.name === name)!;
      const compiled = result.functions.find((fn) => fn.name === name);
      const target = taggedTarget(t, other);
      if (!compiled) diagnostics.push({ span: spanOf(el, file), message: messages.importedNotCompiled(name, spec) });
      if (!target) continue;
      out.set(el.name.text, { target: { ...target, kind: "imported", importedFrom: { specifier: spec, name } }, compiled });
    }
  }
  return out;
}

function readSource(p: string): string | undefined {
  try {
    return fs.readFileSync(p, "utf8");
  } catch {
    return undefined;
  }
}

/** How a tagged function of this file is called: its parameters' shapes (undefined when they have none adc knows: its own diagnostics say why). */
function taggedTarget(t: TaggedFunction, file: ts.SourceFile): CallTarget | undefined {
  try {
    const paramNames = t.node.parameters.map((p) => (p.name as ts.Identifier).text);
    return {
      paramNames,
      params: t.node.parameters.map((p) => shapeOfType(p.type!, file, "a parameter")),
      wrt: paramNames.map((n) => t.wrt === undefined || t.wrt.some((w) => w.name === n)),
      kind: "tagged",
      gradInto: gradIntoName(t.name),
    };
  } catch {
    return undefined;
  }
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
  /** How the generated file imports the source file (for derivatives the user wrote; default `./<its name>`). */
  sourceModule?: string;
  /** Reads an imported file (default: from disk); undefined when there is none. */
  readFile?: (path: string) => string | undefined;
  /** Files being compiled up the chain of imports (a cycle stops there). */
  seen?: Set<string>;
  /** false: compile for the IR and adjoints only, no code (an imported file). */
  emit?: boolean;
  /** Functions to differentiate whether or not they are tagged, each with its wrt names (undefined: all). */
  tag?: Map<string, string[] | undefined>;
  /** `adc --explain`: a comment on each statement of the reverse sweep naming its chain-rule step. */
  explain?: boolean;
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
