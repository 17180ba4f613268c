// The build plugin: a ts-patch program transformer (`{ "transform": "adc/plugin" }` in
// compilerOptions.plugins; build with `tspc`). In every module that calls grad, valueAndGrad or
// vjp from "adc", each call's function is found with the type checker (in this module or
// another), differentiated by the same pipeline as the CLI with respect to the parameters the
// call asks for, and the generated code is added to the module once per function and wrt set,
// in a closure made on first use; the call becomes a small function over it:
//
//   valueAndGrad(loss)   ->   (...a) => { const r = __adc_1().lossGrad(...a); return [r.value, r.grad.p]; }
//
// Problems are TypeScript diagnostics at the call or in the function (they print with tspc's).
import * as fs from "node:fs";
import * as path from "node:path";
import type * as TS from "typescript";
import { compileUnformatted, parse, type CompileResult } from "../index.js";
import { messages } from "../diagnostics/messages.js";
import type { Diagnostic } from "../diagnostics/report.js";

type Ts = typeof TS;
type Api = "grad" | "valueAndGrad" | "vjp";

interface Extras {
  ts: Ts;
  addDiagnostic: (d: TS.Diagnostic) => number;
}

/** One generated closure in a module: a function differentiated with respect to some parameters. */
interface Variant {
  key: string;
  /** `__adc_1`: the function that makes (once) and returns the closure's exports. */
  getter: string;
  statements: TS.Statement[];
  params: string[];
}

/** ts-patch's entry point for a program transformer. */
export default function adcPlugin(program: TS.Program, _config: unknown, extras: Extras): TS.TransformerFactory<TS.SourceFile> {
  const ts = extras.ts;
  const checker = program.getTypeChecker();
  const compiled = new Map<string, CompileResult>();
  const reported = new Set<string>();
  const report = (d: TS.Diagnostic) => {
    const key = `${d.file?.fileName}:${d.start}:${String(d.messageText)}`;
    if (reported.has(key)) return;
    reported.add(key);
    extras.addDiagnostic(d);
  };
  const atNode = (node: TS.Node, message: string): TS.Diagnostic => ({
    category: ts.DiagnosticCategory.Error,
    code: codeOf(message),
    file: node.getSourceFile(),
    start: node.getStart(),
    length: node.getWidth(),
    messageText: `adc: ${message}`,
  });
  const atSpan = (d: Diagnostic): TS.Diagnostic => {
    const file = program.getSourceFile(d.span.file);
    return {
      category: ts.DiagnosticCategory.Error,
      code: codeOf(d.message),
      file,
      start: d.span.start,
      length: Math.max(0, d.span.end - d.span.start),
      messageText: `adc: ${d.message}`,
    };
  };
  const readFile = (p: string) => program.getSourceFile(p)?.text ?? (fs.existsSync(p) ? fs.readFileSync(p, "utf8") : undefined);

  return (context) => (file) => {
    if (file.isDeclarationFile) return file;
    const names = apiNames(ts, file);
    if (names.direct.size === 0 && names.namespaces.size === 0) return file;
    const f = context.factory;
    const variants = new Map<string, Variant>();
    const imports: TS.Statement[] = [];
    const importAliases = new Map<string, string>();
    let counter = 0;
    const takenNames: Record<string, true> = {};
    const unique = (base: string) => {
      let name: string;
      do name = `__adc_${base}${++counter}`;
      while ((file as unknown as { identifiers?: Map<string, string> }).identifiers?.has(name) || name in takenNames);
      return name;
    };
    /**
     * A module's binding as an expression of this file: the module imported once as a namespace
     * under a name of adc's (`__adc_runtime1`, `__adc_module2.softplus`). Always a namespace: the
     * CommonJS output renames references to named imports only where the checker saw them.
     */
    const imported = (specifier: string, name: string | "*"): TS.Expression => {
      let alias = importAliases.get(specifier);
      if (!alias) {
        alias = unique(specifier === "adc/runtime" ? "runtime" : "module");
        importAliases.set(specifier, alias);
        const clause = f.createImportClause(false, undefined, f.createNamespaceImport(f.createIdentifier(alias)));
        imports.push(f.createImportDeclaration(undefined, clause, f.createStringLiteral(specifier)));
      }
      return name === "*" ? f.createIdentifier(alias) : f.createPropertyAccessExpression(f.createIdentifier(alias), name);
    };

    const variantFor = (call: TS.CallExpression, decl: FoundFunction, wrt: number[]): Variant | undefined => {
      const key = `${decl.file.fileName}\0${decl.name}\0${wrt.join(",")}`;
      const known = variants.get(key);
      if (known) return known;
      const wrtNames = wrt.map((k) => decl.params[k]);
      const cacheKey = key;
      let result = compiled.get(cacheKey);
      if (!result) {
        result = compileUnformatted(parse(decl.file.fileName, decl.file.text), {
          tag: new Map([[decl.name, wrtNames]]),
          readFile,
          sourceModule: "./__source__",
        });
        compiled.set(cacheKey, result);
      }
      if (result.diagnostics.length || !result.code) {
        for (const d of result.diagnostics) report(atSpan(d));
        if (!result.diagnostics.length) report(atNode(call, messages.pluginNothingCompiled(decl.name)));
        return undefined;
      }
      const variant = closure(ts, f, result.code, decl.file, decl.node, file, unique, imported, support);
      variants.set(key, variant);
      return variant;
    };
    /** The generated module of another file a function calls into (its `.grad`), as a closure of this module too. */
    const support = (fileName: string): string | undefined => {
      const key = `${fileName}\0*`;
      const known = variants.get(key);
      if (known) return known.getter;
      const other = program.getSourceFile(fileName);
      if (!other) return undefined;
      let result = compiled.get(key);
      if (!result) {
        result = compileUnformatted(parse(other.fileName, other.text), { readFile, sourceModule: "./__source__" });
        compiled.set(key, result);
      }
      if (result.diagnostics.length || !result.code) {
        for (const d of result.diagnostics) report(atSpan(d));
        return undefined;
      }
      const variant = closure(ts, f, result.code, other, other, file, unique, imported, support);
      variants.set(key, variant);
      return variant.getter;
    };

    const visit = (node: TS.Node): TS.Node => {
      const visited = ts.visitEachChild(node, visit, context);
      if (!ts.isCallExpression(visited) || !ts.isCallExpression(node)) return visited;
      const api = apiOf(ts, node.expression, names);
      if (!api) return visited;
      const target = node.arguments[0];
      if (!target) {
        report(atNode(node, messages.pluginNeedsFunction(api)));
        return visited;
      }
      const decl = resolveFunction(ts, checker, target);
      if (!decl) {
        report(atNode(target, messages.pluginNeedsFunction(api)));
        return visited;
      }
      const wrt = wrtOf(ts, node.arguments[1], decl.params.length);
      if (typeof wrt === "string") {
        report(atNode(node.arguments[1] ?? node, wrt));
        return visited;
      }
      if (api === "vjp" && node.arguments.length > 1) {
        report(atNode(node.arguments[1], messages.pluginVjpOptions()));
        return visited;
      }
      const variant = variantFor(node, decl, wrt);
      if (!variant) return visited;
      const replacement = callSite(f, api, variant, decl, wrt, node.arguments.length > 1, visited.arguments[0]);
      return ts.setTextRange(replacement, node);
    };

    const body = ts.visitNodes(file.statements, (s) => visit(s) as TS.Statement, ts.isStatement);
    if (variants.size === 0) return ts.factory.updateSourceFile(file, body);
    // imports first (after the file's own), then the closures, then the rest of the file
    const firstCode = body.findIndex((s) => !ts.isImportDeclaration(s));
    const at = firstCode < 0 ? body.length : firstCode;
    const closures = [...variants.values()].flatMap((v) => v.statements);
    return ts.factory.updateSourceFile(file, [...body.slice(0, at), ...imports, ...closures, ...body.slice(at)]);
  };
}

// ---- finding the calls ----------------------------------------------------------------------------

interface ApiNames {
  /** Local name -> API (`import { valueAndGrad as vg } from "adc"`). */
  direct: Map<string, Api>;
  /** `import * as adc from "adc"`. */
  namespaces: Set<string>;
}

const APIS = new Set<Api>(["grad", "valueAndGrad", "vjp"]);

function apiNames(ts: Ts, file: TS.SourceFile): ApiNames {
  const direct = new Map<string, Api>();
  const namespaces = new Set<string>();
  for (const st of file.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== "adc") continue;
    const bindings = st.importClause?.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    else
      for (const el of bindings.elements) {
        const name = (el.propertyName ?? el.name).text as Api;
        if (APIS.has(name)) direct.set(el.name.text, name);
      }
  }
  return { direct, namespaces };
}

function apiOf(ts: Ts, callee: TS.Expression, names: ApiNames): Api | undefined {
  if (ts.isIdentifier(callee)) return names.direct.get(callee.text);
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && names.namespaces.has(callee.expression.text)) {
    const name = callee.name.text as Api;
    return APIS.has(name) ? name : undefined;
  }
  return undefined;
}

interface FoundFunction {
  file: TS.SourceFile;
  name: string;
  params: string[];
  node: TS.Node;
}

/** The top-level function an expression names, through imports, in whichever file declares it. */
function resolveFunction(ts: Ts, checker: TS.TypeChecker, e: TS.Expression): FoundFunction | undefined {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  let symbol = checker.getSymbolAtLocation(e);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const decl = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (!decl) return undefined;
  const file = decl.getSourceFile();
  if (file.isDeclarationFile) return undefined;
  let fn: TS.SignatureDeclaration | undefined;
  let name: string | undefined;
  if (ts.isFunctionDeclaration(decl) && decl.name && decl.body && ts.isSourceFile(decl.parent)) {
    fn = decl;
    name = decl.name.text;
  } else if (ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && decl.initializer) {
    const statement = decl.parent?.parent;
    let init: TS.Expression = decl.initializer;
    while (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
    if (
      statement &&
      ts.isVariableStatement(statement) &&
      ts.isSourceFile(statement.parent) &&
      (ts.isArrowFunction(init) || ts.isFunctionExpression(init))
    ) {
      fn = init;
      name = decl.name.text;
    }
  }
  if (!fn || !name) return undefined;
  const params = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ""));
  return { file, name, params, node: decl };
}

/** The positions `{ wrt: [0, 2] }` names (literals only), [0] without options, or what is wrong. */
function wrtOf(ts: Ts, options: TS.Expression | undefined, arity: number): number[] | string {
  if (!options) return arity > 0 ? [0] : messages.pluginWrt("the function has no parameters");
  if (!ts.isObjectLiteralExpression(options) || options.properties.length !== 1) return messages.pluginWrt("write { wrt: [0, 2] }");
  const prop = options.properties[0];
  if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.name) || prop.name.text !== "wrt")
    return messages.pluginWrt("write { wrt: [0, 2] }");
  let list: TS.Expression = prop.initializer;
  while (ts.isAsExpression(list) || ts.isParenthesizedExpression(list) || ts.isSatisfiesExpression(list)) list = list.expression;
  if (!ts.isArrayLiteralExpression(list) || list.elements.length === 0)
    return messages.pluginWrt("wrt is a non-empty list of parameter positions, written out");
  const out: number[] = [];
  for (const el of list.elements) {
    if (!ts.isNumericLiteral(el)) return messages.pluginWrt("each position must be a number literal");
    const k = Number(el.text);
    if (!Number.isInteger(k) || k < 0 || k >= arity)
      return messages.pluginWrt(`position ${el.text} is not a parameter (the function has ${arity})`);
    if (out.includes(k)) return messages.pluginWrt(`position ${k} is named twice`);
    out.push(k);
  }
  return out;
}

// ---- what replaces a call ----------------------------------------------------------------------------

/**
 * `(...a) => __adc_1().lossGrad(...a).grad.p` for grad(loss), `[r.value, r.grad.p]` for valueAndGrad,
 * a tuple of gradients for `{ wrt }`, and for vjp `[f(...a), (seed) => … lossGrad(...a, seed) …]`.
 */
function callSite(
  f: TS.NodeFactory,
  api: Api,
  variant: Variant,
  decl: FoundFunction,
  wrt: number[],
  tuple: boolean,
  fn: TS.Expression,
): TS.Expression {
  const a = f.createIdentifier("a");
  const spread = () => f.createSpreadElement(a);
  const gradFn = () =>
    f.createPropertyAccessExpression(f.createCallExpression(f.createIdentifier(variant.getter), undefined, []), `${decl.name}Grad`);
  const run = (seed?: TS.Expression) => f.createCallExpression(gradFn(), undefined, seed ? [spread(), seed] : [spread()]);
  const r = f.createIdentifier("r");
  const field = (x: TS.Expression, k: number) =>
    f.createPropertyAccessExpression(f.createPropertyAccessExpression(x, "grad"), decl.params[k]);
  const gradients = (x: TS.Expression) => (tuple ? f.createArrayLiteralExpression(wrt.map((k) => field(x, k))) : field(x, wrt[0]));
  const arrow = (body: TS.ConciseBody, params = [f.createParameterDeclaration(undefined, f.createToken(SyntaxKindDotDotDot), a)]) =>
    f.createParenthesizedExpression(f.createArrowFunction(undefined, undefined, params, undefined, undefined, body));
  if (api === "grad") return arrow(gradients(run()));
  const block = (value: TS.Expression) =>
    f.createBlock(
      [
        f.createVariableStatement(
          undefined,
          f.createVariableDeclarationList([f.createVariableDeclaration(r, undefined, undefined, run())], NodeFlagsConst),
        ),
        f.createReturnStatement(f.createArrayLiteralExpression([value, gradients(r)])),
      ],
      true,
    );
  if (api === "valueAndGrad") return arrow(block(f.createPropertyAccessExpression(r, "value")));
  // vjp: the value now, the gradient when the pullback is called with a seed
  const seed = f.createIdentifier("seed");
  const pullback = f.createArrowFunction(
    undefined,
    undefined,
    [f.createParameterDeclaration(undefined, undefined, seed)],
    undefined,
    undefined,
    field(run(seed), wrt[0]),
  );
  return arrow(f.createArrayLiteralExpression([f.createCallExpression(fn, undefined, [spread()]), pullback]));
}

// (the values of two enums, so that this file needs TypeScript only as a type)
const SyntaxKindDotDotDot = 26 as TS.SyntaxKind.DotDotDotToken;
const NodeFlagsConst = 2 as TS.NodeFlags.Const;

// ---- the closure -----------------------------------------------------------------------------------------

/**
 * The generated module as statements of this file: its imports become imports of this file
 * (under adc's names, passed to a closure), its exports the closure's result, made on first use:
 *   var __adc_m1; function __adc_1() { return __adc_m1 ??= (function (adc, softplus) { …; return { lossGrad, … }; })(__adc_runtime2, softplus); }
 */
function closure(
  ts: Ts,
  f: TS.NodeFactory,
  code: string,
  from: TS.SourceFile,
  origin: TS.Node,
  into: TS.SourceFile,
  unique: (base: string) => string,
  imported: (specifier: string, name: string | "*") => TS.Expression,
  support: (fileName: string) => string | undefined,
): Variant {
  const generated = ts.createSourceFile("generated.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const params: string[] = [];
  const args: TS.Expression[] = [];
  const exported: string[] = [];
  const statements: TS.Statement[] = [];
  const sameFile = path.resolve(from.fileName) === path.resolve(into.fileName);
  for (const st of generated.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const spec = st.moduleSpecifier.text;
      const bindings = st.importClause?.namedBindings;
      if (!bindings) continue;
      if (ts.isNamespaceImport(bindings)) {
        params.push(bindings.name.text);
        args.push(imported(spec, "*"));
        continue;
      }
      for (const el of bindings.elements) {
        const there = (el.propertyName ?? el.name).text;
        params.push(el.name.text);
        // the function's own file: in scope when it is this file, imported from it otherwise;
        // another file's generated code (`./neuron.grad`): a closure of this module as well
        const grad =
          /\.grad$/.test(spec) && spec.startsWith(".")
            ? support(resolveTs(path.resolve(path.dirname(from.fileName), spec.replace(/\.grad$/, ""))))
            : undefined;
        if (grad) args.push(f.createPropertyAccessExpression(f.createCallExpression(f.createIdentifier(grad), undefined, []), there));
        else if (spec === "./__source__" && sameFile) args.push(f.createIdentifier(there));
        else args.push(imported(relocate(spec, from.fileName, into.fileName), there));
      }
      continue;
    }
    const mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) : undefined;
    if (mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      if (ts.isFunctionDeclaration(st) && st.name) exported.push(st.name.text);
      else if (ts.isVariableStatement(st))
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) exported.push(d.name.text);
      statements.push(withoutExport(ts, st));
    } else statements.push(st);
  }
  for (const st of statements) synthesize(ts, st);
  const getter = unique("");
  const cache = `${getter}_made`;
  const ret = f.createReturnStatement(f.createObjectLiteralExpression(exported.map((n) => f.createShorthandPropertyAssignment(n))));
  const make = f.createFunctionExpression(
    undefined,
    undefined,
    undefined,
    undefined,
    params.map((p) => f.createParameterDeclaration(undefined, undefined, p)),
    undefined,
    f.createBlock([...statements, ret], true),
  );
  const made = f.createCallExpression(f.createParenthesizedExpression(make), undefined, args);
  const cacheDecl = f.createVariableStatement(
    undefined,
    f.createVariableDeclarationList([f.createVariableDeclaration(cache)], ts.NodeFlags.None),
  );
  const getterDecl = f.createFunctionDeclaration(
    undefined,
    undefined,
    getter,
    undefined,
    [],
    undefined,
    f.createBlock(
      [f.createReturnStatement(f.createBinaryExpression(f.createIdentifier(cache), ts.SyntaxKind.QuestionQuestionEqualsToken, made))],
      true,
    ),
  );
  // the generated code maps back to the function it came from
  const source = ts.createSourceMapSource(from.fileName, from.text);
  for (const node of [cacheDecl, getterDecl]) ts.setSourceMapRange(node, { pos: origin.getStart(), end: origin.getEnd(), source });
  return { key: "", getter, statements: [cacheDecl, getterDecl], params };
}

/** The .ts file a module path without extension names. */
function resolveTs(base: string): string {
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) if (fs.existsSync(candidate)) return candidate;
  return `${base}.ts`;
}

/** A generated statement without its `export`. */
function withoutExport(ts: Ts, st: TS.Statement): TS.Statement {
  const f = ts.factory;
  const keep = (mods: readonly TS.ModifierLike[] | undefined) => mods?.filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword);
  if (ts.isFunctionDeclaration(st))
    return f.updateFunctionDeclaration(
      st,
      keep(st.modifiers),
      st.asteriskToken,
      st.name,
      st.typeParameters,
      st.parameters,
      st.type,
      st.body,
    );
  if (ts.isVariableStatement(st)) return f.updateVariableStatement(st, keep(st.modifiers), st.declarationList);
  return st;
}

/** Nodes parsed from the generated text print from their own fields, not from text positions in a file they are not in. */
function synthesize(ts: Ts, node: TS.Node): void {
  const n = node as { pos: number; end: number; flags: number };
  n.pos = -1;
  n.end = -1;
  n.flags |= ts.NodeFlags.Synthesized;
  ts.forEachChild(node, (child) => synthesize(ts, child));
}

/** A specifier written in `from`'s folder, as written from `to`'s folder. */
function relocate(specifier: string, from: string, to: string): string {
  const real = specifier === "./__source__" ? from.replace(/\.(c|m)?tsx?$/, "") : specifier;
  if (!real.startsWith(".") && !path.isAbsolute(real)) return real;
  const absolute = path.resolve(path.dirname(from), real);
  let rel = path.relative(path.dirname(to), absolute).split(path.sep).join("/");
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return rel.replace(/\.(c|m)?tsx?$/, "");
}

/** The number of an adc message (ADC1041 -> 91041), so tspc prints it apart from TypeScript's own codes. */
function codeOf(message: string): number {
  const m = /^ADC(\d+)/.exec(message);
  return m ? 90000 + Number(m[1]) : 90000;
}

// ts-patch loads the plugin with require(): the transformer is module.exports itself
module.exports = Object.assign(adcPlugin, { default: adcPlugin });
