// Emission: adjoint programs -> TypeScript statements (ts.factory), one chain-rule step per
// statement. For each tagged function f it emits
//   fGradInto(p…, grad, seed = 1): number   forward sweep, reverse sweep, adds into grad
//   fGrad(p…, seed = 1): { value, grad }     a fresh gradient record, filled by fGradInto
// and, when f has loops that record values, the module-level stacks they use (reused from
// call to call, so nothing is allocated once they have grown) and `fGradStacks` listing them.
// A forward temporary that is used once, in its own block, and not read by the reverse sweep
// is written inline in its consumer, so only the intermediates the adjoint reads are kept.
import * as path from "node:path";
import ts from "typescript";
import type { AdjStmt, Adjoint } from "../ir/adjoint.js";
import { adjStmtsOf, exprsOf } from "../ir/adjoint.js";
import { sameExpr, walk, type Expr } from "../ir/expr.js";
import type { CallTarget } from "../1-frontend/find-derivatives.js";
import { storageOf } from "../ir/storage.js";
import { planFusion, type Fusion } from "../3-reverse/fuse-sum-loops.js";
import { structure, type Structure } from "../ir/structure.js";
import {
  constant,
  opsOf,
  type Block,
  type Carried,
  type IfRegion,
  type LoopRegion,
  type Op,
  type Operand,
  type Shape,
  type ValueId,
  type ValueType,
} from "../ir/types.js";
import { operandExpr } from "../rules/apply.js";
import { ruleOf } from "../rules/table.js";
import { nameFunction, Namer, type FunctionNames } from "./names.js";
import { liveForward } from "../2-analysis/liveness.js";
import { explainStep, printExpression } from "./explain.js";

const f = ts.factory;
const SK = ts.SyntaxKind;

export interface EmitFunction {
  adjoint: Adjoint;
  /** Every identifier of the user's function, reserved so generated names never shadow them. */
  userNames: Set<string>;
  /** `adc --explain`: a comment on each reverse statement naming its chain-rule step. */
  explain?: boolean;
}

export const gradName = (fn: string) => `${fn}Grad`;
export const gradIntoName = (fn: string) => `${fn}GradInto`;
export const stacksName = (fn: string) => `${fn}GradStacks`;
const RUNTIME = "adc";

/** The module's statements, in groups printed with blank lines between them. */
export function emitFunctions(
  fns: EmitFunction[],
  targets: Map<string, CallTarget> = new Map(),
  sourceModule = "./input",
): ts.Statement[][] {
  const exported = fns.flatMap((x) => [gradName(x.adjoint.func.name), gradIntoName(x.adjoint.func.name), stacksName(x.adjoint.func.name)]);
  const globals = ["Math", "Infinity", "NaN", "undefined", RUNTIME, ...exported];
  const emitters = fns.map((x) => new FunctionEmitter(x, globals));
  // module-level stacks are named after the variables they hold, avoiding every name any function uses
  const moduleNamer = new Namer([...globals, ...emitters.flatMap((e) => e.usedNames())]);
  const tapes = emitters.map((e) => e.nameTapes(moduleNamer));
  const out: ts.Statement[][] = [];
  // the runtime: for the stacks of loops, and zerosLike for array and record gradients
  const usesRuntime =
    tapes.some((t) => t.all.length > 0 || t.reused.size > 0) ||
    fns.some((x) => x.adjoint.gradients.some((g) => g.param.shape.kind !== "number"));
  // the functions others call: a plain copy of a tagged one for its value (a custom one is
  // imported), and a reused record for their gradient
  const called = [
    ...new Set(fns.flatMap((x) => [...opsOf(x.adjoint.func.body)].filter((op) => op.prim === "callTagged").map((op) => op.member!))),
  ];
  const callees: FunctionEmitter["callees"] = new Map(
    called.map((name) => [name, { scratch: moduleNamer.claim(`scratch_${name}`), target: targets.get(name) ?? taggedTarget(fns, name) }]),
  );
  for (const e of emitters) e.callees = callees;
  // a derivative the user wrote, and the function it belongs to: from the source file, or from where it imports them
  const imports = new Map<string, string[]>();
  for (const [name, c] of callees) {
    if (c.target.kind === "imported") {
      // a tagged function of another file: it, and its GradInto from that file's .grad.ts
      const { specifier, name: there } = c.target.importedFrom!;
      const from = besideSource(specifier, sourceModule).replace(/\.(c|m)?(t|j)sx?$/, "");
      imports.set(from, [...(imports.get(from) ?? []), there === name ? name : `${there} as ${name}`]);
      imports.set(`${from}.grad`, [...(imports.get(`${from}.grad`) ?? []), c.target.gradInto]);
      continue;
    }
    if (c.target.kind !== "custom") continue;
    const from =
      c.target.primalFrom === "self" || !c.target.primalFrom ? sourceModule : besideSource(c.target.primalFrom.specifier, sourceModule);
    imports.set(from, [...(imports.get(from) ?? []), name]);
    imports.set(sourceModule, [...(imports.get(sourceModule) ?? []), c.target.gradInto]);
  }
  if (imports.size)
    out.push(
      [...imports].map(([from, names]) =>
        f.createImportDeclaration(
          undefined,
          f.createImportClause(
            false,
            undefined,
            f.createNamedImports(
              [...new Set(names)].map((n) => {
                const [there, local] = n.split(" as ");
                return f.createImportSpecifier(false, local ? f.createIdentifier(there) : undefined, f.createIdentifier(local ?? there));
              }),
            ),
          ),
          f.createStringLiteral(from),
        ),
      ),
    );
  for (const [name, c] of callees) {
    // `{ x: 0 }`, typed as the gradient record when it holds arrays (they are the caller's, set before each call)
    const wrt = c.target.paramNames.map((p, k) => ({ name: p, shape: c.target.params[k] })).filter((_, k) => c.target.wrt[k]);
    const zeros = f.createObjectLiteralExpression(
      wrt.filter((p) => p.shape.kind === "number").map((p) => f.createPropertyAssignment(p.name, f.createNumericLiteral(0))),
    );
    const typed = wrt.every((p) => p.shape.kind === "number")
      ? zeros
      : f.createAsExpression(zeros, shapeType({ kind: "record", fields: wrt }, true));
    const scratch = constDecl(c.scratch, typed);
    comment(scratch, ` where the functions that call ${name} receive its gradient (reused from call to call)`);
    out.push([scratch]);
    const source = fns.find((x) => x.adjoint.func.name === name);
    if (c.target.kind === "tagged" && source) out.push([primal(source, globals, callees)]);
  }
  fns.forEach((x, k) => {
    out.push(...emitTapes(x.adjoint, tapes[k]));
    out.push([emitGrad(x.adjoint, globals)], [emitters[k].emit()]);
  });
  if (usesRuntime || emitters.some((e) => e.usesRuntime))
    out.unshift([
      f.createImportDeclaration(
        undefined,
        f.createImportClause(false, undefined, f.createNamespaceImport(f.createIdentifier(RUNTIME))),
        f.createStringLiteral("adc/runtime"),
      ),
    ]);
  return out;
}

/** The function itself (its forward sweep, recording nothing), for the functions that call it. */
function primal(x: EmitFunction, globals: string[], callees: FunctionEmitter["callees"]): ts.FunctionDeclaration {
  const recording = {
    stacked: new Set<ValueId>(),
    recomputed: new Set<ValueId>(),
    inductions: new Set<ValueId>(),
    bits: new Set<number>(),
    trips: new Map<number, "local" | "stack">(),
    snapshots: new Set<ValueId>(),
  };
  const func = x.adjoint.func;
  const plain: Adjoint = {
    func,
    active: new Set(),
    record: new Set(),
    recording,
    forward: liveForward(func, new Set(), recording),
    reverse: [],
    gradients: [],
  };
  const e = new FunctionEmitter({ adjoint: plain, userNames: x.userNames }, globals);
  e.callees = callees;
  return e.emitPrimal();
}

// ---- the stacks a function records on ---------------------------------------------------------

interface Tapes {
  values: Map<ValueId, string>;
  /** Per local array (its allocation): the Reused holding it, and the one holding its adjoint. */
  reused: Map<ValueId, { value?: string; adjoint?: string }>;
  /** Per snapshotted version of a local array: its stack. */
  snapshots: Map<ValueId, string>;
  bits: Map<number, string>;
  trips: Map<number, string>;
  all: { name: string; kind: "F64Stack" | "BitStack" | "U32Stack" }[];
}

function emitTapes(a: Adjoint, t: Tapes): ts.Statement[][] {
  // local arrays and their adjoints, reused from call to call
  const reused = [...t.reused.values()].flatMap((r) => [r.value, r.adjoint].filter((n): n is string => n !== undefined));
  const arrays = reused.map((name) =>
    constDecl(name, f.createNewExpression(f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), "Reused"), undefined, [])),
  );
  if (arrays.length) comment(arrays[0], ` the local arrays of ${gradIntoName(a.func.name)} and their adjoints (reused from call to call)`);
  if (t.all.length === 0) return arrays.length ? [arrays] : [];
  const decls = t.all.map((d) =>
    constDecl(d.name, f.createNewExpression(f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), d.kind), undefined, [])),
  );
  const list = f.createVariableStatement(
    [f.createModifier(SK.ExportKeyword)],
    f.createVariableDeclarationList(
      [
        f.createVariableDeclaration(
          stacksName(a.func.name),
          undefined,
          undefined,
          f.createObjectLiteralExpression(t.all.map((d) => f.createShorthandPropertyAssignment(d.name))),
        ),
      ],
      ts.NodeFlags.Const,
    ),
  );
  comment(decls[0], ` stacks for the values ${gradIntoName(a.func.name)} records in its loops (reused from call to call)`);
  return [
    ...(arrays.length ? [arrays] : []),
    decls,
    [doc(list, `The stacks of ${gradIntoName(a.func.name)}: their peak and peakBytes measure its memory.`)],
  ];
}

// ---- fGrad: a fresh record, filled by fGradInto --------------------------------------------------

function emitGrad(adjoint: Adjoint, globals: string[]): ts.FunctionDeclaration {
  const { func, gradients } = adjoint;
  const namer = new Namer(globals);
  const paramNames = func.params.map((p) => namer.claim(p.name));
  const grad = namer.claim("grad");
  const seed = namer.claim("seed");
  const value = namer.claim("value");
  // a zero gradient of each parameter's shape (`adc.zerosLike(W)` for arrays and records)
  const zero = (k: number) =>
    func.params[k].shape.kind === "number"
      ? f.createNumericLiteral(0)
      : f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), "zerosLike"), undefined, [
          f.createIdentifier(paramNames[k]),
        ]);
  const zeros = f.createObjectLiteralExpression(
    gradients.map((g) => f.createPropertyAssignment(g.param.name, zero(func.params.indexOf(g.param)))),
  );
  const call = f.createCallExpression(
    f.createIdentifier(gradIntoName(func.name)),
    undefined,
    [...paramNames, grad, seed].map((n) => f.createIdentifier(n)),
  );
  const body = f.createBlock(
    [
      constDecl(grad, zeros),
      constDecl(value, call),
      f.createReturnStatement(f.createObjectLiteralExpression([property("value", value), property("grad", grad)])),
    ],
    true,
  );
  const returnType = singleLine(
    f.createTypeLiteralNode([
      f.createPropertySignature(undefined, "value", undefined, numberType()),
      f.createPropertySignature(undefined, "grad", undefined, gradType(adjoint)),
    ]),
  );
  const params = [
    ...paramNames.map((n, k) => param(n, shapeType(func.params[k].shape))),
    f.createParameterDeclaration(undefined, undefined, seed, undefined, undefined, f.createNumericLiteral(1)),
  ];
  const decl = f.createFunctionDeclaration(
    [f.createModifier(SK.ExportKeyword)],
    undefined,
    gradName(func.name),
    undefined,
    params,
    returnType,
    body,
  );
  return doc(decl, `Value of ${func.name} and its gradient d(seed * ${func.name})/d(${gradients.map((g) => g.param.name).join(", ")}).`);
}

// ---- fGradInto: forward sweep, reverse sweep ------------------------------------------------

/** Operations that are statements of their own: a local array's allocation and writes. */
const NEVER_INLINED = new Set(["allocate", "arrayLiteral", "store"]);

/** How deep an inlined expression may nest before a temporary is kept (readability, and the printers' stacks). */
const MAX_INLINE_DEPTH = 16;

type UseKind = "op" | "if" | "loop" | "phi" | "init" | "latch" | "result";

class FunctionEmitter {
  private readonly a: Adjoint;
  private readonly s: Structure;
  private readonly ops = new Map<ValueId, Op>();
  /** The booleans loops carry (`let b = false; for (…) b = b || …`). */
  private readonly loopFlags = new Set<ValueId>();
  private readonly inlined = new Set<ValueId>();
  private readonly hoisted = new Set<ValueId>();
  private readonly names: FunctionNames;
  private readonly counters = new Map<number, string>();
  /** Loops whose trip count is known before they run (`n_loop1` in the reverse sweep): their stacks are reserved once. */
  private readonly knownTrips = new Map<number, Expr>();
  /** The loops being emitted whose stacks were reserved: their pushes need no capacity check. */
  private readonly reserved = new Set<number>();
  /** Loops whose reverse runs inside them, iteration by iteration (3-reverse/fuse-sum-loops.ts). */
  private readonly fusion = new Map<number, Fusion>();
  /** The gradient record's views (`const dW = grad.W`), until placed: before the first fused loop, or at the reverse sweep. */
  private views: ts.Statement[] = [];
  /** Per fused loop (and ROOT for the function), the reverse statements left after planning its body. */
  private readonly fusedRest = new Map<number, AdjStmt[]>();
  /** Values stacked for a fused loop that its reverse reads where they are (declared up front when in a branch). */
  private readonly live = new Set<ValueId>();
  /** Ifs in fused loops whose decision the reverse reads from the condition itself, not from a bit stack. */
  private readonly liveBits = new Set<number>();
  /**
   * Where reverse statements are being emitted inside the forward sweep (a fused loop's body, or
   * just before the loop for what it needs first), innermost last: what the forward sweep declared
   * there, or in a block around, is not declared again.
   */
  private readonly forwardScopes: { block: Block; before?: LoopRegion }[] = [];
  /** Updates `dA[i] += e` added up in a local over their loop instead (see promote()), to its name. */
  private readonly promoted = new Map<AdjStmt, string>();
  /** Values computed again only for values the forward sweep has in scope (fused loops): not emitted. */
  private readonly skipped = new Set<ValueId>();
  /** The operations the forward sweep emits (by result). */
  private readonly forwardOps = new Set<ValueId>();
  /** Loops whose trip count the forward sweep declared at the function's top level. */
  private readonly countedBefore = new Set<number>();
  private readonly mutable = new Set<ValueId>();
  /** The tagged functions this one calls: their scratch gradient record and parameter names. */
  callees = new Map<string, { scratch: string; target: CallTarget }>();
  private readonly explain: boolean;
  /** Set when the code calls the runtime (a zero gradient for an argument the caller does not differentiate). */
  usesRuntime = false;
  /** The index variable of each reverse loop being emitted (its iteration, counted from 0). */
  private readonly loopIndex = new Map<number, string>();
  private readonly cursors = new Map<ValueId, { loop: number; buf: string; at: string; column: boolean }>();
  /** Per loop: the cursor and row index shared by the values it records once per iteration. */
  private readonly rows = new Map<number, { at: string; row: string; columns: ValueId[] }>();

  private tapes: Tapes = { values: new Map(), reused: new Map(), snapshots: new Map(), bits: new Map(), trips: new Map(), all: [] };
  /** Rows and fields taken out of loops (named, `W_i`), read again in the reverse sweep: their name there, and their adjoint's (`dW_i`). */
  private readonly namedRows = new Map<ValueId, { value?: string; view?: string }>();
  /** Every version of a local array, to its allocation: they are one array in the emitted code. */
  private readonly storage: Map<ValueId, ValueId>;

  constructor(x: EmitFunction, globals: string[]) {
    this.a = x.adjoint;
    this.explain = x.explain ?? false;
    this.storage = storageOf(this.a.func);
    const forwardFunc = { ...this.a.func, body: this.a.forward };
    this.s = structure(forwardFunc);
    for (const op of opsOf(this.a.func.body)) this.ops.set(op.result, op);
    for (const r of regions(this.a.func.body))
      if (r.kind === "loop") for (const c of r.carried) if (this.a.func.values[c.phi].type === "boolean") this.loopFlags.add(c.phi);
    for (const op of opsOf(this.a.forward)) if (op.prim !== "store") this.forwardOps.add(op.result);
    this.planFusion(this.a.forward, this.a.reverse);
    this.chooseInlined();
    this.chooseHoisted();
    // values with a name in the output: kept consts, phis, carried variables (results share them)
    const visible: ValueId[] = [];
    const same = new Map<ValueId, ValueId>();
    // in structural order, an if's phis before its branches: the variable gets the plain name
    const collect = (b: Block) => {
      for (const st of b) {
        if (st.kind === "op") {
          if (st.prim === "store") continue; // a write: the array keeps its name
          if (!this.inlined.has(st.result) || this.a.recording.recomputed.has(st.result)) visible.push(st.result);
        } else if (st.kind === "if") {
          visible.push(...this.phisOf(st).map((p) => p.result));
          collect(st.then);
          collect(st.else);
        } else {
          visible.push(...this.carriedOf(st).map((c) => c.phi));
          collect(st.header);
          collect(st.body);
          for (const c of this.carriedOf(st)) {
            visible.push(c.result);
            same.set(c.result, c.phi);
          }
        }
      }
    };
    collect(this.a.forward);
    // values computed again in the reverse sweep, even where the forward sweep no longer computes them
    for (const v of [...this.a.recording.recomputed].sort((p, q) => p - q)) if (!visible.includes(v)) visible.push(v);
    const counts = new Map<ValueId, number>();
    const adjointIds: ValueId[] = [];
    for (const st of adjStmtsOf(this.a.reverse)) {
      if (st.kind === "zeros") adjointIds.push(st.target);
      // a call adds into its targets' adjoints after they exist (`dz += scratch_f.z`): they are let
      if (st.kind === "call") for (const t of st.targets) if (t !== null) counts.set(t, 2);
      if (st.kind !== "update" && st.kind !== "declare") continue;
      if (st.kind === "update" && st.path) continue;
      counts.set(st.target, (counts.get(st.target) ?? 0) + (st.kind === "declare" ? 2 : 1));
      if (st.kind === "update" && st.mode === "set") counts.set(st.target, 2);
      adjointIds.push(st.target);
    }
    for (const [id, n] of counts) if (n > 1) this.mutable.add(id);
    // an array or record parameter's adjoint is its entry of the gradient record (`const dW = grad.W`)
    for (const g of this.a.gradients) if (g.adjoint !== null && g.param.shape.kind !== "number") adjointIds.push(g.param.value);
    // a loop variable's adjoint after the loop gets the plain name (`dx`), the one inside an iteration the next
    const results = new Set([...regions(this.a.forward)].flatMap((r) => (r.kind === "loop" ? r.carried.map((c) => c.result) : [])));
    // then every other value (a value `s_2` gets `ds_2`), and loop phis last, which share their variable's name
    const phis = new Set([...regions(this.a.forward)].flatMap((r) => (r.kind === "loop" ? r.carried.map((c) => c.phi) : [])));
    const rank = (v: ValueId) => (results.has(v) ? 0 : phis.has(v) ? 2 : 1);
    const withAdjoint = [...new Set(adjointIds)].sort((p, q) => rank(p) - rank(q) || p - q);
    this.names = nameFunction(this.a.func, visible, withAdjoint, x.userNames, globals, same);
    for (const [id, how] of [...this.a.recording.trips].sort((p, q) => p[0] - q[0]))
      if (how) this.counters.set(id, this.names.namer.claim(`n_loop${id}`));
    for (const st of adjStmtsOf(this.a.reverse))
      if (st.kind === "loop" && st.trips === "computed") {
        this.counters.set(st.region.id, this.names.namer.claim(`n_loop${st.region.id}`));
        this.knownTrips.set(st.region.id, st.count!);
      }
    this.nameRows();
    // a stacked value is pushed through a local cursor of the innermost loop around it
    for (const v of [...this.a.recording.stacked].sort((p, q) => p - q)) {
      if (this.live.has(v)) continue;
      let b: Block | undefined = this.s.home.get(v);
      while (b && this.s.region.get(b)?.kind !== "loop") b = this.s.parent.get(b);
      const loop = b && this.s.region.get(b);
      if (!loop || loop.kind !== "loop") throw new Error(`stacked %${v} is not inside a loop`);
      // recorded once in every iteration (in the body itself, not in a branch): a column of
      // the loop's rows, all written at the iteration's row with one capacity check
      const column = this.s.home.get(v) === loop.body;
      let rows = this.rows.get(loop.id);
      if (column && !rows) {
        rows = { at: this.names.namer.claim(`at_loop${loop.id}`), row: this.names.namer.claim("row"), columns: [] };
        this.rows.set(loop.id, rows);
      }
      if (column) rows!.columns.push(v);
      this.cursors.set(v, {
        loop: loop.id,
        buf: this.names.namer.claim(`buf_${this.name(v)}`),
        at: column ? rows!.at : this.names.namer.claim(`at_${this.name(v)}`),
        column,
      });
    }
  }

  /**
   * A row or field the hoisting pass named (`W_i`) and the reverse sweep computes again gets a
   * const there too, and so does its adjoint (`const dW_i = dW[i]`), when they are read: once
   * per iteration of the loop around, not once per inner iteration.
   */
  private nameRows(): void {
    const read = new Set<ValueId>();
    const viewed = new Set<ValueId>();
    for (const v of this.a.recording.recomputed) for (const x of this.ops.get(v)!.args) if (x.kind === "value") read.add(x.id);
    for (const st of adjStmtsOf(this.a.reverse)) {
      if (st.kind === "update" && st.path) viewed.add(st.target);
      if (st.kind === "call") for (const t of st.targets) if (t !== null) viewed.add(t);
      if (st.kind === "call") for (const x of st.op.args) if (x.kind === "value") read.add(x.id);
    }
    for (const v of [...this.a.recording.recomputed].sort((p, q) => p - q)) {
      const value = this.a.func.values[v];
      if (value.type !== "object" || value.hint === "") continue;
      this.namedRows.set(v, {
        value: read.has(v) ? this.name(v) : undefined,
        view: viewed.has(v) ? this.names.namer.claim(`d${this.name(v)}`) : undefined,
      });
    }
  }

  /** Every name this function's code uses (so module-level names avoid them). */
  usedNames(): string[] {
    const cursors = [...this.cursors.values()].flatMap((c) => [c.buf, c.at]).concat([...this.rows.values()].map((r) => r.row));
    return [
      ...this.names.value.values(),
      ...this.names.adjoint.values(),
      ...this.counters.values(),
      ...cursors,
      this.names.grad,
      this.names.seed,
      "k",
    ];
  }

  /** Names the stacks this function records on, after the variables they hold. */
  nameTapes(namer: Namer): Tapes {
    const t = this.tapes;
    // `new Array(n).fill(0)` of the user's and the adjoint arrays: from module-level Reused
    for (const op of opsOf(this.a.forward)) {
      if (op.prim !== "allocate") continue;
      t.reused.set(op.result, { value: namer.claim(`local_${this.name(op.result)}`) });
    }
    for (const st of adjStmtsOf(this.a.reverse)) {
      if (st.kind !== "zeros" || this.ops.get(st.target)?.prim !== "allocate") continue;
      const entry = t.reused.get(st.target) ?? {};
      entry.adjoint = namer.claim(`local_${this.adj(st.target)}`);
      t.reused.set(st.target, entry);
    }
    for (const v of [...this.a.recording.stacked].sort((x, y) => x - y)) {
      if (this.live.has(v)) continue;
      const name = namer.claim(`stack_${this.name(v)}`);
      t.values.set(v, name);
      t.all.push({ name, kind: "F64Stack" });
    }
    for (const v of [...this.a.recording.snapshots].sort((x, y) => x - y)) {
      const name = namer.claim(`snap_${this.name(v)}`);
      t.snapshots.set(v, name);
      t.all.push({ name, kind: "F64Stack" });
    }
    for (const id of [...this.a.recording.bits].sort((x, y) => x - y)) {
      if (this.liveBits.has(id)) continue;
      const name = namer.claim(`bits_if${id}`);
      t.bits.set(id, name);
      t.all.push({ name, kind: "BitStack" });
    }
    for (const [id, how] of [...this.a.recording.trips].sort((x, y) => x[0] - y[0])) {
      if (how !== "stack" || this.fusion.has(id)) continue;
      const name = namer.claim(`trips_loop${id}`);
      t.trips.set(id, name);
      t.all.push({ name, kind: "U32Stack" });
    }
    return t;
  }

  /** `function f(x: number, …): number { … }`: the value alone. */
  emitPrimal(): ts.FunctionDeclaration {
    const { func } = this.a;
    const body = [...this.forward(this.a.forward), f.createReturnStatement(this.operand(func.result))];
    const params = func.params.map((p) => param(this.names.value.get(p.value)!, shapeType(p.shape)));
    const decl = f.createFunctionDeclaration(undefined, undefined, func.name, undefined, params, numberType(), f.createBlock(body, true));
    return doc(decl, `${func.name} itself, for the functions that call it.`);
  }

  emit(): ts.FunctionDeclaration {
    const { func, gradients } = this.a;
    const top: ts.Statement[] = [];
    for (const v of [...this.hoisted].sort((p, q) => p - q)) top.push(letDecl(this.name(v), zeroOf(this.a.func.values[v].type)));
    for (const [id, how] of this.a.recording.trips)
      if (how === "local" && !this.fusion.has(id)) top.push(letDecl(this.counters.get(id)!, f.createNumericLiteral(0)));
    // the gradient record's arrays and records are added into where they are (`dW[i][j] += …`)
    this.views = gradients
      .filter((g) => g.adjoint !== null && g.param.shape.kind !== "number")
      .map((g) => constDecl(this.adj(g.param.value), f.createPropertyAccessExpression(f.createIdentifier(this.names.grad), g.param.name)));
    const forward = [...top, ...this.forward(this.a.forward)];
    const reverse = [...this.takeViews(), ...this.reverse(this.fusedRest.get(ROOT)!)];
    const accumulate = gradients
      .filter((g) => g.adjoint !== null && g.param.shape.kind === "number")
      .map((g) =>
        f.createExpressionStatement(
          f.createBinaryExpression(
            f.createPropertyAccessExpression(f.createIdentifier(this.names.grad), g.param.name),
            SK.PlusEqualsToken,
            f.createIdentifier(this.names.adjoint.get(g.adjoint!)!),
          ),
        ),
      );
    const ret = f.createReturnStatement(this.operand(func.result));
    if (forward.length) comment(forward[0], " forward sweep");
    const reverseStart = reverse[0] ?? accumulate[0];
    if (reverseStart) comment(reverseStart, " reverse sweep");
    const params = [
      ...func.params.map((p) => param(this.names.value.get(p.value)!, shapeType(p.shape))),
      param(this.names.grad, gradType(this.a)),
      f.createParameterDeclaration(undefined, undefined, this.names.seed, undefined, undefined, f.createNumericLiteral(1)),
    ];
    const decl = f.createFunctionDeclaration(
      [f.createModifier(SK.ExportKeyword)],
      undefined,
      gradIntoName(func.name),
      undefined,
      params,
      numberType(),
      f.createBlock([...forward, ...reverse, ...accumulate, ret], true),
    );
    return doc(decl, `Value of ${func.name}; adds d(seed * ${func.name})/d(${gradients.map((g) => g.param.name).join(", ")}) into grad.`);
  }

  /**
   * Which loops are reversed iteration by iteration (3-reverse/fuse-sum-loops.ts), in `block`
   * and in the bodies of those loops, against the reverse list of each. What such a loop's
   * forward would push for its own reverse is read where it is: a value of its body by its name,
   * a value of a branch in it from a variable declared up front, a branch's decision from its
   * condition when that is a value of the body.
   */
  private planFusion(block: Block, list: AdjStmt[], id = ROOT): void {
    const plan = planFusion(this.a, this.s, block, list);
    this.fusedRest.set(id, plan.rest);
    for (const [loop, x] of plan.fused) {
      this.fusion.set(loop, x);
      // the forward sweep's own loop (its blocks are the ones this.s knows)
      const region = [...regions(this.a.forward)].find((r) => r.kind === "loop" && r.id === loop) as LoopRegion;
      this.planFusion(region.body, x.reverse.body, loop);
    }
    if (id !== ROOT) return;
    const innermost = (b: Block | undefined): LoopRegion | undefined => {
      while (b && this.s.region.get(b)?.kind !== "loop") b = this.s.parent.get(b);
      return b && (this.s.region.get(b) as LoopRegion);
    };
    for (const v of this.a.recording.stacked) {
      const loop = innermost(this.s.home.get(v));
      if (loop && this.fusion.has(loop.id)) this.live.add(v);
    }
    for (const r of regions(this.a.forward)) {
      if (r.kind !== "if" || !this.a.recording.bits.has(r.id)) continue;
      const loop = innermost(r.then);
      if (loop && this.fusion.has(loop.id) && (r.cond.kind === "const" || this.s.home.get(r.cond.id) === loop.body))
        this.liveBits.add(r.id);
    }
  }

  /**
   * `dA[i] += e` in a loop that does not change i, where nothing else in the loop touches A's
   * adjoint: added up in a local over the loop and stored once after it, as the forward sweep
   * does for accumulators (`let dbias_f = 0; … dbias_f += da; … dbias[f] += dbias_f`).
   */
  private promote(loopId: number, body: AdjStmt[]): { before: ts.Statement[]; after: ts.Statement[] } {
    const direct: AdjStmt[] = [];
    const visit = (list: AdjStmt[]) => {
      for (const x of list) {
        direct.push(x);
        if (x.kind === "if") (visit(x.then), visit(x.else));
        else if (x.kind === "guard") visit(x.body);
      }
    };
    visit(body);
    const groups = new Map<ValueId, Extract<AdjStmt, { kind: "update" }>[]>();
    for (const x of direct) {
      if (x.kind !== "update" || x.mode !== "add" || x.path?.length !== 1 || !("index" in x.path[0])) continue;
      if (!this.invariantIn(x.path[0].index, loopId)) continue;
      groups.set(x.target, [...(groups.get(x.target) ?? []), x]);
    }
    const before: ts.Statement[] = [];
    const after: ts.Statement[] = [];
    const all = [...adjStmtsOf(body)];
    for (const [target, updates] of groups) {
      const index = (updates[0].path![0] as { index: Expr }).index;
      if (!updates.every((u) => sameExpr((u.path![0] as { index: Expr }).index, index))) continue;
      // nothing else in the loop reads or writes any part of the same array's adjoint
      const root = this.rootOf(target);
      const touches = (x: AdjStmt) =>
        (x.kind === "update" && !updates.includes(x) && this.rootOf(x.target) === root) ||
        ((x.kind === "declare" || x.kind === "zeros") && this.rootOf(x.target) === root) ||
        (x.kind === "call" && x.targets.some((t) => t !== null && this.rootOf(t) === root)) ||
        exprsOf(x).some((e) => [...walk(e)].some((n) => (n.k === "adj" || n.k === "adjAt") && this.rootOf(n.id) === root));
      if (all.some(touches)) continue;
      const indexText = index.k === "val" && this.names.value.has(index.id) ? this.name(index.id) : "i";
      const name = this.names.namer.claim(`${this.viewName(target)}_${indexText}`);
      before.push(letDecl(name, f.createNumericLiteral(0)));
      const slot = f.createElementAccessExpression(this.view(target), this.expr(index, true));
      after.push(f.createExpressionStatement(f.createBinaryExpression(slot, SK.PlusEqualsToken, f.createIdentifier(name))));
      for (const u of updates) this.promoted.set(u, name);
    }
    return { before, after };
  }

  /** The array or record whose adjoint a value's adjoint is part of (a row `W_i` is part of W's). */
  private rootOf(v: ValueId): ValueId {
    const op = this.ops.get(v);
    if (op && (op.prim === "index" || op.prim === "field") && op.args[0].kind === "value") return this.rootOf(op.args[0].id);
    return this.storage.get(v) ?? v;
  }

  /** `dbias` for bias's adjoint, `dK_f` for a named row's. */
  private viewName(v: ValueId): string {
    const view = this.view(v);
    return ts.isIdentifier(view) ? view.text : "acc";
  }

  /** Whether an expression has the same value in every iteration of the loop: values from outside it, no adjoints. */
  private invariantIn(e: Expr, loopId: number): boolean {
    return [...walk(e)].every((n) => {
      if (n.k === "adj" || n.k === "adjAt" || n.k === "role") return false;
      if (n.k !== "val") return true;
      const home = this.s.home.get(n.id);
      if (!home) return false;
      for (let b: Block | undefined = home; b; b = this.s.parent.get(b))
        if (this.s.region.get(b)?.id === loopId && this.s.region.get(b)?.kind === "loop") return false;
      return true;
    });
  }

  /**
   * In the reverse of a fused loop's iteration: the numbers computed again that nothing reads,
   * because what read them (`a = t5 + t7`) is in scope from the forward sweep and not computed again.
   */
  private unusedRecomputes(list: AdjStmt[]): ValueId[] {
    const stmts = [...adjStmtsOf(list)];
    const needed = new Set<ValueId>();
    const need = (e: Expr) => [...walk(e)].forEach((n) => n.k === "val" && needed.add(n.id));
    for (const x of stmts) {
      if (x.kind === "recompute") continue;
      exprsOf(x).forEach(need);
      if (x.kind === "call") x.op.args.forEach((o) => o.kind === "value" && needed.add(o.id));
      if (x.kind === "if" && x.decision === "stack") need(operandExpr(x.region.cond));
    }
    const recomputes = stmts.filter((x): x is Extract<AdjStmt, { kind: "recompute" }> => x.kind === "recompute");
    for (let changed = true; changed;) {
      changed = false;
      for (const r of recomputes) {
        const op = this.ops.get(r.value)!;
        const object = this.a.func.values[r.value].type === "object";
        if (!object && (!needed.has(r.value) || this.declaredAround(r.value))) continue;
        for (const o of op.args) if (o.kind === "value" && !needed.has(o.id)) (needed.add(o.id), (changed = true));
      }
    }
    return recomputes.map((r) => r.value).filter((v) => this.a.func.values[v].type !== "object" && !needed.has(v));
  }

  /** Inside the forward sweep (see forwardScopes): has it declared v already, here or in a block around? */
  private declaredAround(v: ValueId): boolean {
    const scope = this.forwardScopes[this.forwardScopes.length - 1];
    if (!scope || this.inlined.has(v) || !this.forwardOps.has(v)) return false;
    const home = this.s.home.get(v);
    if (home === scope.block && scope.before) return home.findIndex((x) => x.kind === "op" && x.result === v) < home.indexOf(scope.before);
    for (let b: Block | undefined = scope.block; b; b = this.s.parent.get(b)) if (b === home) return true;
    return false;
  }

  private takeViews(): ts.Statement[] {
    const views = this.views;
    this.views = [];
    return views;
  }

  // -- which temporaries are written inline, which values are declared up front

  private chooseInlined(): void {
    // per value: how often it is used, and where (the block, the place in it, the operation)
    const uses = new Map<ValueId, { n: number; block: Block; kind: UseKind; at: number; by?: ValueId }>();
    const use = (x: Operand, block: Block, kind: UseKind, at: number, by?: ValueId) => {
      if (x.kind !== "value") return;
      const u = uses.get(x.id);
      uses.set(x.id, { n: (u?.n ?? 0) + 1, block, kind, at, by });
    };
    const visit = (b: Block) => {
      b.forEach((st, at) => {
        if (st.kind === "op") st.args.forEach((x) => use(x, b, "op", at, st.result));
        else if (st.kind === "if") {
          use(st.cond, b, "if", at);
          visit(st.then);
          visit(st.else);
          for (const p of st.phis) (use(p.then, st.then, "phi", st.then.length), use(p.else, st.else, "phi", st.else.length));
        } else {
          for (const c of st.carried) use(c.init, b, "init", at);
          visit(st.header);
          use(st.cond, st.header, "loop", st.header.length);
          visit(st.body);
          for (const c of st.carried) use(c.latch, st.body, "latch", st.body.length);
        }
      });
    };
    visit(this.a.forward);
    use(this.a.func.result, this.a.forward, "result", this.a.forward.length);
    const bitsConds = new Set<ValueId>();
    for (const st of regions(this.a.forward))
      if (st.kind === "if" && this.a.recording.bits.has(st.id) && st.cond.kind === "value") bitsConds.add(st.cond.id);
    const depth = new Map<ValueId, number>();
    for (const op of opsOf(this.a.forward)) {
      const d = 1 + Math.max(0, ...op.args.map((x) => (x.kind === "value" && this.inlined.has(x.id) ? depth.get(x.id)! : 0)));
      depth.set(op.result, d);
      const u = uses.get(op.result);
      // a temporary, or a variable's value whose only use is to become the variable (`g = Math.sin(x)` in a branch)
      const named = this.a.func.values[op.result].hint !== "";
      const ok =
        (!named || u?.kind === "phi" || u?.kind === "latch" || u?.kind === "init") &&
        u?.n === 1 &&
        u.kind !== "result" &&
        u.block === this.s.home.get(op.result) &&
        !this.a.record.has(op.result) &&
        !bitsConds.has(op.result) &&
        !NEVER_INLINED.has(op.prim) &&
        d < MAX_INLINE_DEPTH;
      if (ok) this.inlined.add(op.result);
    }
    // an element of a local array is read where it is written into the code only if no write
    // into that array comes in between (the array is written in place)
    for (const op of opsOf(this.a.forward)) {
      if (op.prim !== "load" || !this.inlined.has(op.result)) continue;
      let u = uses.get(op.result)!;
      while (u.kind === "op" && u.by !== undefined && this.inlined.has(u.by)) u = uses.get(u.by)!;
      const block = this.s.home.get(op.result)!;
      const array = this.storage.get((op.args[0] as { id: ValueId }).id);
      const between = block.slice(block.indexOf(op) + 1, u.at);
      const writes = (st: Block[number]): boolean =>
        st.kind === "op"
          ? st.prim === "store" && this.storage.get(st.result) === array
          : st.kind === "if"
            ? [...st.then, ...st.else].some(writes)
            : [...st.header, ...st.body].some(writes);
      if (between.some(writes)) this.inlined.delete(op.result);
    }
  }

  /** Values the reverse sweep reads that the forward sweep defines inside an if branch: declared at the top, so they stay in scope. */
  private chooseHoisted(): void {
    for (const v of this.a.record) {
      if (this.storage.has(v)) continue;
      const home = this.s.home.get(v);
      // a value of a branch in a loop reversed iteration by iteration: read after the branch
      const stackedHere = this.live.has(v) && this.s.region.get(home!)?.kind === "loop";
      if (this.a.recording.stacked.has(v) && (!this.live.has(v) || stackedHere)) continue;
      if (home && home !== this.a.forward) this.hoisted.add(v);
    }
  }

  // -- the forward sweep

  private forward(b: Block): ts.Statement[] {
    const out: ts.Statement[] = [];
    for (const st of b) {
      if (st.kind === "op") {
        if (this.inlined.has(st.result)) continue;
        if (st.prim === "store") {
          out.push(
            f.createExpressionStatement(
              f.createBinaryExpression(this.element(st.args.slice(0, -1)), SK.EqualsToken, this.operand(st.args[st.args.length - 1])),
            ),
          );
          out.push(...this.snapshot(st.result));
          continue;
        }
        out.push(this.define(st.result, this.opExpr(st)));
        out.push(...this.pushIfStacked(st.result));
      } else if (st.kind === "if") {
        for (const p of this.phisOf(st))
          if (!this.hoisted.has(p.result)) out.push(letDecl(this.name(p.result), undefined, typeNode(this.a.func.values[p.result].type)));
        const cond = this.operand(st.cond);
        const bits = this.tapes.bits.get(st.id);
        if (bits) out.push(call(bits, "push", [cond]));
        const phis = this.phisOf(st);
        const then = [...this.forward(st.then), ...phis.map((p) => assign(this.name(p.result), this.operand(p.then)))];
        const otherwise = [...this.forward(st.else), ...phis.map((p) => assign(this.name(p.result), this.operand(p.else)))];
        out.push(ifStatement(cond, then, otherwise));
        for (const p of phis) out.push(...this.pushIfStacked(p.result));
        for (const p of st.phis) out.push(...this.snapshot(p.result));
      } else {
        out.push(...this.loop(st));
      }
    }
    return out;
  }

  private loop(st: LoopRegion): ts.Statement[] {
    const out: ts.Statement[] = [];
    // a sum whose adjoint is known before it: that adjoint first, then each iteration's reverse inside it
    const fusion = this.fusion.get(st.id);
    if (fusion) {
      this.forwardScopes.push({ block: this.s.parent.get(st.body)!, before: st });
      out.push(...this.takeViews(), ...this.reverse(fusion.early));
      this.forwardScopes.pop();
    }
    for (const c of this.carriedOf(st)) {
      const init = this.numeric(c.init);
      // a copy of another variable gets its type written out: TypeScript would infer it from a
      // narrowed flag (`false`) or not at all (a variable that depends on itself through the loop)
      const type = ts.isIdentifier(init) ? typeNode(this.a.func.values[c.phi].type) : undefined;
      out.push(this.hoisted.has(c.result) ? assign(this.name(c.phi), init) : letDecl(this.name(c.phi), init, type));
    }
    const counter = this.a.recording.trips.has(st.id) && !fusion ? this.counters.get(st.id) : undefined;
    const trips = fusion ? undefined : this.tapes.trips.get(st.id);
    if (trips) out.push(letDecl(counter!, f.createNumericLiteral(0)));
    // the stacks this loop pushes on, through local cursors (kept in registers; see F64Stack); a
    // loop reversed iteration by iteration reads the values of its body where they are
    const cursors = [...this.cursors].filter(([, c]) => c.loop === st.id);
    const rows = fusion ? undefined : this.rows.get(st.id);
    // a loop that runs a known number of times pushes at most that many values on each of its
    // stacks (one per iteration, in a branch or not): room is made once, before it, and the
    // pushes need no capacity check (`let buf_x = stack_x.reserve(n_loop1)`)
    const count = this.knownTrips.get(st.id);
    const reserve = !fusion && count !== undefined && cursors.length > 0 && cursors.every(([v]) => this.s.home.get(v) !== st.header);
    let room = reserve ? this.tripCount(count, false) : undefined;
    if (room && !ts.isIdentifier(room)) {
      out.push(constDecl(this.counters.get(st.id)!, room));
      room = f.createIdentifier(this.counters.get(st.id)!);
      // at the function's top level the reverse sweep reads the same count
      if (this.a.forward.includes(st)) this.countedBefore.add(st.id);
    }
    if (reserve) this.reserved.add(st.id);
    for (const [v, c] of cursors)
      out.push(
        room
          ? constDecl(c.buf, f.createCallExpression(this.stackField(v, "reserve"), undefined, [room]))
          : letDecl(c.buf, this.stackField(v, "data")),
      );
    if (rows) out.push(letDecl(rows.at, this.stackField(rows.columns[0], "length")));
    for (const [v, c] of cursors) if (!c.column) out.push(letDecl(c.at, this.stackField(v, "length")));
    const header = this.forward(st.header);
    const body: ts.Statement[] = [];
    if (counter) body.push(f.createExpressionStatement(f.createPostfixUnaryExpression(f.createIdentifier(counter), SK.PlusPlusToken)));
    if (rows && !reserve) {
      // this iteration's row: the columns grow together (they always hold as many values)
      const grow = rows.columns.map((v) =>
        assign(this.cursors.get(v)!.buf, f.createCallExpression(this.stackField(v, "grow"), undefined, [])),
      );
      const full = f.createBinaryExpression(
        f.createIdentifier(rows.at),
        SK.EqualsEqualsEqualsToken,
        f.createPropertyAccessExpression(f.createIdentifier(this.cursors.get(rows.columns[0])!.buf), "length"),
      );
      body.push(f.createIfStatement(full, grow.length === 1 ? grow[0] : f.createBlock(grow, true)));
    }
    if (rows) body.push(constDecl(rows.row, f.createPostfixUnaryExpression(f.createIdentifier(rows.at), SK.PlusPlusToken)));
    for (const c of this.carriedOf(st)) body.push(...this.pushIfStacked(c.phi));
    // a local array as the round starts, when the round writes it after reading it (`snap_h.pushAll(h)`)
    for (const c of st.carried) body.push(...this.snapshot(c.phi));
    const promoted = fusion ? this.promote(st.id, this.fusedRest.get(st.id)!) : { before: [], after: [] };
    out.push(...promoted.before);
    if (fusion) {
      body.push(...this.forward(st.body));
      this.forwardScopes.push({ block: st.body });
      const rest = this.fusedRest.get(st.id)!;
      for (const v of this.unusedRecomputes(rest)) this.skipped.add(v);
      const back = f.createBlock(this.reverse(rest, st.stmt), true);
      this.forwardScopes.pop();
      comment(back, " this iteration, reversed");
      body.push(back);
    } else body.push(...this.forward(st.body));
    body.push(...this.latches(st));
    const cond = this.operand(st.cond);
    if (header.length === 0) out.push(f.createWhileStatement(cond, f.createBlock(body, true)));
    else {
      const exit = f.createIfStatement(f.createLogicalNot(paren(cond)), f.createBreakStatement());
      out.push(f.createWhileStatement(f.createTrue(), f.createBlock([...header, exit, ...body], true)));
    }
    for (const [v, c] of cursors) out.push(call(this.tapes.values.get(v)!, "commit", [f.createIdentifier(c.at)]));
    out.push(...promoted.after);
    if (trips) out.push(call(trips, "push", [f.createIdentifier(counter!)]));
    for (const c of this.carriedOf(st)) out.push(...this.pushIfStacked(c.result));
    for (const c of st.carried) out.push(...this.snapshot(c.result));
    if (fusion)
      firstComment(out[0], " the loop below only adds to a sum whose adjoint is known here: each iteration is reversed as it ends");
    return out;
  }

  // `x = x_2; i = i_2;` — a latch that reads a variable assigned before it reads a copy instead
  private latches(st: LoopRegion): ts.Statement[] {
    const carried = this.carriedOf(st);
    const phis = new Set(carried.map((c) => c.phi));
    const copies: ts.Statement[] = [];
    const assigns: ts.Statement[] = [];
    const assigned = new Set<ValueId>();
    // a variable other latches read is assigned after them (`q = q + W[i][j] * x[j]; j = j + 1;`)
    const readers = (c: Carried) => carried.filter((o) => o !== c && this.valuesRead(o.latch).has(c.phi)).length;
    const order = [...carried].sort((p, q) => readers(p) - readers(q));
    for (const c of order) {
      if (c.latch.kind === "value" && c.latch.id === c.phi) continue;
      const reads = this.valuesRead(c.latch);
      let e = this.operand(c.latch);
      if ([...reads].some((v) => phis.has(v) && assigned.has(v))) {
        const copy = this.names.namer.claim(`next_${this.name(c.phi)}`);
        copies.push(constDecl(copy, e));
        e = f.createIdentifier(copy);
      }
      assigns.push(assign(this.name(c.phi), e));
      assigned.add(c.phi);
    }
    return [...copies, ...assigns];
  }

  /** The values an operand's expression reads, through the temporaries written inline. */
  private valuesRead(x: Operand): Set<ValueId> {
    const out = new Set<ValueId>();
    const visit = (y: Operand) => {
      if (y.kind !== "value") return;
      if (this.inlined.has(y.id)) this.ops.get(y.id)!.args.forEach(visit);
      else out.add(y.id);
    };
    visit(x);
    return out;
  }

  /**
   * A loop variable's first value. A parameter is written `+x0`: V8 cannot tell a parameter is a
   * number, and a loop variable that starts from one is kept boxed, allocating a heap number
   * per iteration; `+` tells it (and does nothing to a number).
   */
  private numeric(x: Operand): ts.Expression {
    const e = this.operand(x);
    const isParam = x.kind === "value" && this.a.func.params.some((p) => p.value === x.id);
    return isParam && this.a.func.values[x.id].type === "number" ? f.createPrefixUnaryExpression(SK.PlusToken, e) : e;
  }

  private stackField(v: ValueId, field: "data" | "length" | "grow" | "reserve"): ts.Expression {
    return f.createPropertyAccessExpression(f.createIdentifier(this.tapes.values.get(v)!), field);
  }

  /** `snap_a.pushAll(a)`: a version of a local array the reverse sweep reads again after later writes. */
  private snapshot(v: ValueId): ts.Statement[] {
    const stack = this.tapes.snapshots.get(v);
    return stack ? [call(stack, "pushAll", [f.createIdentifier(this.name(v))])] : [];
  }

  /** An if's phis, but a local array's: its versions are one array, written in place. */
  private phisOf(st: IfRegion): IfRegion["phis"] {
    return st.phis.filter((p) => !this.storage.has(p.result));
  }

  /** A loop's carried variables, but local arrays. */
  private carriedOf(st: LoopRegion): Carried[] {
    return st.carried.filter((c) => !this.storage.has(c.phi));
  }

  /** `A[i][j]` from [A, i, j]. */
  private element(place: Operand[], inReverse = false): ts.Expression {
    let e = this.operandIn(place[0], inReverse);
    for (const i of place.slice(1)) e = f.createElementAccessExpression(e, this.operandIn(i, inReverse));
    return e;
  }

  private define(v: ValueId, e: ts.Expression): ts.Statement {
    if (this.hoisted.has(v)) return assign(this.name(v), e);
    // a flag made from a loop's own flag (`b = b || x > 0`) gets its type written out:
    // TypeScript narrows a boolean variable by what is assigned to it, so the flag's type would
    // depend on itself through the loop ("implicitly has type 'any'")
    const fromLoopFlag = this.a.func.values[v].type === "boolean" && this.readsLoopFlag(v);
    return constDecl(this.name(v), e, fromLoopFlag ? typeNode("boolean") : undefined);
  }

  /** Whether v's expression, with what is written into it, reads a boolean a loop carries. */
  private readsLoopFlag(v: ValueId): boolean {
    const op = this.ops.get(v);
    if (!op) return false;
    return op.args.some((x) => x.kind === "value" && (this.loopFlags.has(x.id) || (this.inlined.has(x.id) && this.readsLoopFlag(x.id))));
  }

  // `if (at_x === buf_x.length) buf_x = stack_x.grow(); buf_x[at_x++] = x;`
  private pushIfStacked(v: ValueId): ts.Statement[] {
    const stack = this.tapes.values.get(v);
    const c = this.cursors.get(v);
    if (!stack || !c) return [];
    if (c.column) {
      // `buf_x[row] = x;`
      const row = this.rows.get(c.loop)!.row;
      return [
        f.createExpressionStatement(
          f.createBinaryExpression(
            f.createElementAccessExpression(f.createIdentifier(c.buf), f.createIdentifier(row)),
            SK.EqualsToken,
            f.createIdentifier(this.name(v)),
          ),
        ),
      ];
    }
    const full = f.createBinaryExpression(
      f.createIdentifier(c.at),
      SK.EqualsEqualsEqualsToken,
      f.createPropertyAccessExpression(f.createIdentifier(c.buf), "length"),
    );
    const grow = assign(c.buf, f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(stack), "grow"), undefined, []));
    const slot = f.createElementAccessExpression(
      f.createIdentifier(c.buf),
      f.createPostfixUnaryExpression(f.createIdentifier(c.at), SK.PlusPlusToken),
    );
    const push = f.createExpressionStatement(f.createBinaryExpression(slot, SK.EqualsToken, f.createIdentifier(this.name(v))));
    return this.reserved.has(c.loop) ? [push] : [f.createIfStatement(full, grow), push];
  }

  // -- the reverse sweep

  /** `enclosing`: the statement the region around this list was commented with (not repeated inside). */
  private reverse(list: AdjStmt[], enclosing = -1): ts.Statement[] {
    const out: ts.Statement[] = [];
    let last = enclosing;
    for (const st of list) {
      const stmt =
        st.kind === "update" || st.kind === "guard"
          ? st.stmt
          : st.kind === "if" || st.kind === "loop"
            ? st.region.stmt
            : st.kind === "call"
              ? st.op.stmt
              : -1;
      const nodes = this.reverseStatement(st);
      const list = Array.isArray(nodes) ? nodes : [nodes];
      if (stmt >= 0 && stmt !== last) comment(list[0], ` ${this.a.func.statements[stmt].text}`);
      if (stmt >= 0) last = stmt;
      if (this.explain && list.length) this.explainStep(st, list[list.length - 1]);
      out.push(...list);
    }
    return out;
  }

  /** --explain: the chain-rule step, as a comment after the statement (see explain.ts). */
  private explainStep(st: AdjStmt, node: ts.Statement): void {
    const text = (e: Expr) => {
      try {
        return printExpression(this.expr(e));
      } catch {
        return undefined; // (a value the emitted code has no name for)
      }
    };
    const why = explainStep(st, {
      op: (id) => this.ops.get(id),
      text,
      adj: (id) => this.adj(id),
      name: (id) => this.names.value.get(this.storage.get(id) ?? id),
      active: (id) => this.a.active.has(id),
    });
    if (why) ts.addSyntheticTrailingComment(node, SK.SingleLineCommentTrivia, ` ${why}`, false);
  }

  private reverseStatement(st: AdjStmt): ts.Statement | ts.Statement[] {
    switch (st.kind) {
      case "guard":
        // `if (!(0 >= a)) { const da = dr; … }`: the adjoint is 0 otherwise, and so is all this adds
        return ifStatement(this.expr(st.cond, true), this.reverse(st.body, st.stmt), []);
      case "call": {
        // `scratch_f.x = 0; scratch_f.W = dW; fGradInto(a, W, scratch_f, dt3); dx += scratch_f.x;`
        // — the callee's gradient at these arguments, seeded with this call's adjoint, through a
        // reused record: a number comes back in it, an array or record is added into in place
        // (the caller's own adjoint, or a zero one when the caller does not need it)
        const { scratch: name, target } = this.callees.get(st.op.member!)!;
        const scratch = f.createIdentifier(name);
        const field = (p: string) => f.createPropertyAccessExpression(scratch, p);
        const before: ts.Statement[] = [];
        const after: ts.Statement[] = [];
        target.paramNames.forEach((p, k) => {
          if (!target.wrt[k]) return;
          const t = st.targets[k];
          const arg = this.operandIn(st.op.args[k], true);
          if (target.params[k].kind === "number") {
            before.push(f.createExpressionStatement(f.createBinaryExpression(field(p), SK.EqualsToken, f.createNumericLiteral(0))));
            if (t !== null)
              after.push(
                f.createExpressionStatement(f.createBinaryExpression(f.createIdentifier(this.adj(t)), SK.PlusEqualsToken, field(p))),
              );
            return;
          }
          if (t === null) this.usesRuntime = true;
          const into =
            t !== null
              ? this.view(t)
              : f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(RUNTIME), "zerosLike"), undefined, [arg]);
          before.push(f.createExpressionStatement(f.createBinaryExpression(field(p), SK.EqualsToken, into)));
        });
        const args = st.op.args.map((x) => this.operandIn(x, true));
        const call = f.createExpressionStatement(
          f.createCallExpression(f.createIdentifier(target.gradInto), undefined, [...args, scratch, this.expr(st.seed, true)]),
        );
        return [...before, call, ...after];
      }
      case "declare":
        return letDecl(this.adj(st.target), f.createNumericLiteral(0));
      case "restore":
        // the local array as it was at this version, for the reads the reverse sweep repeats
        return call(this.tapes.snapshots.get(st.value)!, "popInto", [f.createIdentifier(this.name(st.value))]);
      case "zeros": {
        // `const dA = new Array<number>(n).fill(0)`: the adjoint of a local array, its shape
        const op = this.ops.get(st.target)!;
        if (op.prim === "arrayLiteral")
          return constDecl(this.adj(st.target), allocation(ARRAY_OF_NUMBERS, [literal(op.args.length)], constant(0)));
        const sizes = op.args.slice(1).map((x) => this.operandIn(x, true));
        const reused = this.tapes.reused.get(st.target)?.adjoint;
        return constDecl(
          this.adj(st.target),
          reused ? fromReused(reused, op.shape!, sizes, constant(0)) : allocation(op.shape!, sizes, constant(0)),
        );
      }
      case "pop": {
        // `const x = buf_x[--at_x];`, or `buf_x[row]` for a value recorded in every iteration
        if (this.live.has(st.value)) return []; // reversed inside its iteration: the value is there
        const c = this.cursors.get(st.value)!;
        if (c.column)
          return constDecl(
            this.name(st.value),
            f.createElementAccessExpression(f.createIdentifier(c.buf), f.createIdentifier(this.rows.get(c.loop)!.row)),
          );
        return constDecl(
          this.name(st.value),
          f.createElementAccessExpression(
            f.createIdentifier(c.buf),
            f.createPrefixUnaryExpression(SK.MinusMinusToken, f.createIdentifier(c.at)),
          ),
        );
      }
      case "recompute": {
        // a row or field (`layer.first.W[i]`) is written where it is read, not named, unless it
        // was taken out of a loop (`const W_i = W[i]; const dW_i = dW[i];`)
        if (this.skipped.has(st.value)) return [];
        const row = this.namedRows.get(st.value);
        const there = this.declaredAround(st.value);
        if (row) {
          const out: ts.Statement[] = [];
          if (row.value && !there) out.push(constDecl(row.value, this.opExpr(this.ops.get(st.value)!, true)));
          if (row.view) {
            const op = this.ops.get(st.value)!;
            const container = this.view((op.args[0] as { id: ValueId }).id);
            const part =
              op.prim === "field"
                ? f.createPropertyAccessExpression(container, op.member!)
                : f.createElementAccessExpression(container, this.operandIn(op.args[1], true));
            out.push(constDecl(row.view, part));
          }
          return out;
        }
        if (this.a.func.values[st.value].type === "object" || there) return [];
        return constDecl(this.name(st.value), this.opExpr(this.ops.get(st.value)!, true));
      }
      case "induction": {
        // `const i = k` (or `init + k * step`): the counter of the iteration k being reversed
        if (this.fusion.has(st.loop)) return []; // reversed inside its iteration: i is there
        const k = f.createIdentifier(this.loopIndex.get(st.loop)!);
        const size = Math.abs(st.step);
        const term = size === 1 ? k : f.createBinaryExpression(k, SK.AsteriskToken, literal(size));
        const zeroStart = st.init.kind === "const" && st.init.value === 0 && st.init.text === undefined;
        if (zeroStart) return constDecl(this.name(st.value), st.step < 0 ? f.createPrefixUnaryExpression(SK.MinusToken, term) : term);
        return constDecl(
          this.name(st.value),
          f.createBinaryExpression(this.operandIn(st.init, true), st.step < 0 ? SK.MinusToken : SK.PlusToken, term),
        );
      }
      case "update": {
        if (st.path) {
          // `dW[i][j] += e`
          let target = this.view(st.target);
          for (const step of st.path)
            target =
              "field" in step
                ? f.createPropertyAccessExpression(target, step.field)
                : f.createElementAccessExpression(target, this.expr(step.index, true));
          if (st.mode === "set")
            return f.createExpressionStatement(f.createBinaryExpression(target, SK.EqualsToken, this.expr(st.expr, true)));
          const acc = this.promoted.get(st);
          if (acc) target = f.createIdentifier(acc);
          const negated = st.expr.k === "prim" && st.expr.prim === "neg";
          const rhs = negated ? this.expr((st.expr as { args: Expr[] }).args[0], true) : this.expr(st.expr, true);
          return f.createExpressionStatement(f.createBinaryExpression(target, negated ? SK.MinusEqualsToken : SK.PlusEqualsToken, rhs));
        }
        const name = this.adj(st.target);
        if (st.mode === "init") {
          // the seed is a parameter, so V8 types it as anything: `+seed` tells it, or adjoints
          // that start from it and are carried through loops stay boxed (see numeric())
          const fromSeed = st.expr.k === "role";
          const init = fromSeed ? f.createPrefixUnaryExpression(SK.PlusToken, this.expr(st.expr, true)) : this.expr(st.expr, true);
          const decl = f.createVariableDeclaration(name, undefined, undefined, init);
          return f.createVariableStatement(
            undefined,
            f.createVariableDeclarationList([decl], this.mutable.has(st.target) ? ts.NodeFlags.Let : ts.NodeFlags.Const),
          );
        }
        if (st.mode === "set") return assign(name, this.expr(st.expr, true));
        // `dy -= e` for a negated contribution
        const negated = st.expr.k === "prim" && st.expr.prim === "neg";
        const rhs = negated ? this.expr((st.expr as { args: Expr[] }).args[0], true) : this.expr(st.expr, true);
        return f.createExpressionStatement(
          f.createBinaryExpression(f.createIdentifier(name), negated ? SK.MinusEqualsToken : SK.PlusEqualsToken, rhs),
        );
      }
      case "if": {
        // in a loop reversed iteration by iteration, the condition is still there
        const cond = this.liveBits.has(st.region.id)
          ? this.expr(operandExpr(st.region.cond), true)
          : st.decision === "stack"
            ? f.createCallExpression(
                f.createPropertyAccessExpression(f.createIdentifier(this.tapes.bits.get(st.region.id)!), "pop"),
                undefined,
                [],
              )
            : this.expr(st.decision, true);
        return ifStatement(cond, this.reverse(st.then, st.region.stmt), this.reverse(st.else, st.region.stmt));
      }
      case "loop": {
        const counter = this.counters.get(st.region.id)!;
        const k = this.names.namer.claim("k");
        this.loopIndex.set(st.region.id, k);
        // the stacks this loop pops from, through local cursors, written back after it
        const cursors = [...this.cursors].filter(([, c]) => c.loop === st.region.id);
        const rows = this.rows.get(st.region.id);
        const rowStart = rows ? [constDecl(rows.row, f.createPrefixUnaryExpression(SK.MinusMinusToken, f.createIdentifier(rows.at)))] : [];
        const promoted = this.promote(st.region.id, st.body);
        const loop = f.createForStatement(
          f.createVariableDeclarationList(
            [
              f.createVariableDeclaration(
                k,
                undefined,
                undefined,
                f.createBinaryExpression(f.createIdentifier(counter), SK.MinusToken, f.createNumericLiteral(1)),
              ),
            ],
            ts.NodeFlags.Let,
          ),
          f.createBinaryExpression(f.createIdentifier(k), SK.GreaterThanEqualsToken, f.createNumericLiteral(0)),
          f.createPostfixUnaryExpression(f.createIdentifier(k), SK.MinusMinusToken),
          f.createBlock(rowStart.concat(this.reverse(st.body, st.region.stmt)), true),
        );
        const open = [
          ...promoted.before,
          ...cursors.map(([v, c]) => constDecl(c.buf, this.stackField(v, "data"))),
          ...(rows ? [letDecl(rows.at, this.stackField(rows.columns[0], "length"))] : []),
          ...cursors.filter(([, c]) => !c.column).map(([v, c]) => letDecl(c.at, this.stackField(v, "length"))),
        ];
        const close = cursors
          .map(([v, c]): ts.Statement =>
            f.createExpressionStatement(
              f.createBinaryExpression(
                f.createPropertyAccessExpression(f.createIdentifier(this.tapes.values.get(v)!), "length"),
                SK.EqualsToken,
                f.createIdentifier(c.at),
              ),
            ),
          )
          .concat(promoted.after);
        if (st.trips === "local" && open.length === 0 && close.length === 0) return loop;
        if (st.trips === "local") return f.createBlock([...open, loop, ...close], true);
        if (st.trips === "computed") {
          // the loop's bounds tell how often it ran: `const n_loop1 = n > 0 ? Math.ceil(n) : 0` (n itself when an integer is known)
          const count = this.countedBefore.has(st.region.id) ? [] : [constDecl(counter, this.tripCount(st.count!))];
          return f.createBlock([...count, ...open, loop, ...close], true);
        }
        // the trip count of this execution of the loop, recorded when it ended
        const pop = constDecl(
          counter,
          f.createCallExpression(
            f.createPropertyAccessExpression(f.createIdentifier(this.tapes.trips.get(st.region.id)!), "pop"),
            undefined,
            [],
          ),
        );
        return f.createBlock([pop, ...open, loop, ...close], true);
      }
    }
  }

  // -- expressions

  /** A computed trip count, written plainly: `n` for `for (let j = 0; j < n; j++)` when n is a length. */
  private tripCount(count: Expr, inReverse = true): ts.Expression {
    // select(gt(b, a), ceil(span), 0): a length or a size made by adc is a whole number >= 0
    const [test, ceil] = (count as { args: Expr[] }).args;
    const span = (ceil as { args: Expr[] }).args[0];
    const [b, a] = (test as { args: Expr[] }).args;
    const whole = (e: Expr) => (e.k === "const" && Number.isInteger(e.value)) || (e.k === "val" && this.ops.get(e.id)?.prim === "length");
    if (whole(a) && whole(b) && span.k !== "prim") return this.expr(span, inReverse);
    if (whole(a) && whole(b) && span.k === "prim" && span.prim === "sub")
      return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("Math"), "max"), undefined, [
        literal(0),
        this.expr(span, inReverse),
      ]);
    return this.expr(count, inReverse);
  }

  private name(v: ValueId): string {
    const n = this.names.value.get(this.storage.get(v) ?? v);
    if (n === undefined) throw new Error(`no name for %${v} in ${this.a.func.name}`);
    return n;
  }

  private adj(v: ValueId): string {
    return this.names.adjoint.get(v)!;
  }

  private operand(x: Operand): ts.Expression {
    return this.expr(operandExpr(x));
  }

  private opExpr(op: Op, inReverse = false): ts.Expression {
    // a[i], p.W1, a.length
    if (op.prim === "index")
      return f.createElementAccessExpression(this.operandIn(op.args[0], inReverse), this.operandIn(op.args[1], inReverse));
    if (op.prim === "field") return f.createPropertyAccessExpression(this.operandIn(op.args[0], inReverse), op.member!);
    if (op.prim === "length") return f.createPropertyAccessExpression(this.operandIn(op.args[0], inReverse), "length");
    // local arrays: A[i][j], new Array<number>(n).fill(0), [a, b]
    if (op.prim === "load") return this.element(op.args, inReverse);
    if (op.prim === "allocate") {
      const sizes = op.args.slice(1).map((x) => this.operandIn(x, inReverse));
      const reused = this.tapes.reused.get(op.result)?.value;
      return reused ? fromReused(reused, op.shape!, sizes, op.args[0]) : allocation(op.shape!, sizes, op.args[0]);
    }
    if (op.prim === "arrayLiteral") return f.createArrayLiteralExpression(op.args.map((x) => this.operandIn(x, inReverse)));
    // f(a, b): the callee's value, from its plain copy in this module
    if (op.prim === "callTagged")
      return f.createCallExpression(
        f.createIdentifier(op.member!),
        undefined,
        op.args.map((x) => this.operandIn(x, inReverse)),
      );
    return this.expr({ k: "prim", prim: op.prim, args: op.args.map(operandExpr) }, inReverse);
  }

  private operandIn(x: Operand, inReverse: boolean): ts.Expression {
    return this.expr(operandExpr(x), inReverse);
  }

  /** Where a part of an array's or record's adjoint is: `dW` for a parameter, `dW[i]` for its row. */
  private view(v: ValueId): ts.Expression {
    const named = this.namedRows.get(v)?.view;
    if (named) return f.createIdentifier(named);
    const op = this.ops.get(v);
    if (!op || (op.prim !== "index" && op.prim !== "field")) return f.createIdentifier(this.adj(v));
    const container = this.view((op.args[0] as { id: ValueId }).id);
    return op.prim === "field"
      ? f.createPropertyAccessExpression(container, op.member!)
      : f.createElementAccessExpression(container, this.operandIn(op.args[1], true));
  }

  /** An expression tree as a TypeScript expression; in the forward sweep inlined temporaries are written in place. */
  private expr(e: Expr, inReverse = false): ts.Expression {
    switch (e.k) {
      case "const":
        return literal(e.value, e.text);
      case "val": {
        if (this.inlined.has(e.id) && !inReverse) return this.opExpr(this.ops.get(e.id)!);
        const view =
          inReverse &&
          this.a.recording.recomputed.has(e.id) &&
          this.a.func.values[e.id].type === "object" &&
          !this.namedRows.get(e.id)?.value;
        return view ? this.opExpr(this.ops.get(e.id)!, true) : f.createIdentifier(this.name(e.id));
      }
      case "adj":
        return f.createIdentifier(this.adj(e.id));
      case "adjAt":
        return e.at.reduce<ts.Expression>(
          (x, i) => f.createElementAccessExpression(x, this.expr(i, true)),
          f.createIdentifier(this.adj(e.id)),
        );
      case "role":
        if (e.role === "seed") return f.createIdentifier(this.names.seed);
        throw new Error(`unbound role ${e.role} in emitted code`);
      case "prim":
        return primExpr(
          e,
          e.args.map((x) => this.expr(x, inReverse)),
        );
    }
  }
}

function primExpr(e: Extract<Expr, { k: "prim" }>, args: ts.Expression[]): ts.Expression {
  const form = ruleOf(e.prim).form;
  switch (form.kind) {
    case "binary": {
      // `a + -3` reads as `a - 3` (and is the same IEEE operation)
      const right = e.args[1];
      if ((form.op === "+" || form.op === "-") && right.k === "const" && right.text === undefined && right.value < 0) {
        return f.createBinaryExpression(args[0], form.op === "+" ? SK.MinusToken : SK.PlusToken, literal(-right.value));
      }
      // `-a ** 2` is a syntax error: a unary left operand of ** needs parentheses
      const left = form.op === "**" && ts.isPrefixUnaryExpression(args[0]) ? f.createParenthesizedExpression(args[0]) : args[0];
      // the printer drops the parentheses of `a * (b * c)` (as if * were associative; in floating
      // point it is not), so they are made explicit
      const rhs =
        form.op === "*" && ts.isBinaryExpression(args[1]) && args[1].operatorToken.kind === SK.AsteriskToken
          ? f.createParenthesizedExpression(args[1])
          : args[1];
      return f.createBinaryExpression(left, BINARY_TOKENS[form.op], rhs);
    }
    case "prefix":
      return f.createPrefixUnaryExpression(form.op === "-" ? SK.MinusToken : SK.ExclamationToken, args[0]);
    case "call": {
      const [obj, member] = form.callee.split(".");
      return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(obj), member), undefined, args);
    }
    case "identity":
      return args[0];
    case "reciprocal":
      return f.createBinaryExpression(f.createNumericLiteral(1), SK.SlashToken, args[0]);
    case "select":
      return f.createConditionalExpression(args[0], f.createToken(SK.QuestionToken), args[1], f.createToken(SK.ColonToken), args[2]);
    case "index":
    case "field":
    case "length":
    case "callTagged":
    case "allocate":
    case "arrayLiteral":
    case "load":
    case "store":
      throw new Error(`${e.prim} is emitted from its operation (opExpr), not from an expression tree`);
  }
}

const ARRAY_OF_NUMBERS: Shape = { kind: "array", element: { kind: "number" }, container: "array", readonly: false };

/** `new Array<number>(n).fill(c)`, `new Float64Array(n)`, `Array.from({ length: m }, () => …)` for a matrix. */
function allocation(shape: Shape, sizes: ts.Expression[], fill: Operand): ts.Expression {
  if (shape.kind !== "array") throw new Error("a local array has an array shape");
  if (shape.element.kind === "array") {
    const row = f.createArrowFunction(undefined, undefined, [], undefined, undefined, allocation(shape.element, sizes.slice(1), fill));
    const like = f.createObjectLiteralExpression([f.createPropertyAssignment("length", sizes[0])]);
    return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("Array"), "from"), undefined, [like, row]);
  }
  const value = fill.kind === "const" ? fill.value : 0;
  if (shape.container !== "array") {
    const made = f.createNewExpression(f.createIdentifier(shape.container), undefined, [sizes[0]]);
    return value === 0 ? made : f.createCallExpression(f.createPropertyAccessExpression(made, "fill"), undefined, [literal(value)]);
  }
  const made = f.createNewExpression(f.createIdentifier("Array"), [numberType()], [sizes[0]]);
  return f.createCallExpression(f.createPropertyAccessExpression(made, "fill"), undefined, [literal(value)]);
}

/** An import specifier of the source file, as the generated file writes it (a relative one is relative to the source's folder). */
function besideSource(specifier: string, sourceModule: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const joined = path.posix.join(path.posix.dirname(sourceModule), specifier);
  return joined.startsWith(".") ? joined : `./${joined}`;
}

/** A tagged function of this module, called by another (when no target was given, as in older callers). */
function taggedTarget(fns: EmitFunction[], name: string): CallTarget {
  const func = fns.find((x) => x.adjoint.func.name === name)!.adjoint.func;
  return {
    paramNames: func.params.map((p) => p.name),
    params: func.params.map((p) => p.shape),
    wrt: func.params.map((p) => p.wrt),
    kind: "tagged",
    gradInto: gradIntoName(name),
  };
}

/** `local_h.array(n, 0)`, `local_h.float64(n, 0)`, `local_M.matrix(m, n, 0)`: a local array from its Reused. */
function fromReused(reused: string, shape: Shape, sizes: ts.Expression[], fill: Operand): ts.Expression {
  if (shape.kind !== "array") throw new Error("a local array has an array shape");
  const value = literal(fill.kind === "const" ? fill.value : 0);
  const method = (name: string, args: ts.Expression[]) =>
    f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(reused), name), undefined, args);
  if (shape.element.kind === "array") {
    const row = shape.element;
    const kind = row.kind === "array" && row.container !== "array" ? [f.createStringLiteral(row.container)] : [];
    return method("matrix", [sizes[0], sizes[1], value, ...kind]);
  }
  if (shape.container === "Float64Array") return method("float64", [sizes[0], value]);
  if (shape.container === "Float32Array") return method("float32", [sizes[0], value]);
  return method("array", [sizes[0], value]);
}

function* regions(b: Block): Generator<Extract<Block[number], { kind: "if" | "loop" }>> {
  for (const st of b) {
    if (st.kind === "op") continue;
    yield st;
    if (st.kind === "if") (yield* regions(st.then), yield* regions(st.else));
    else (yield* regions(st.header), yield* regions(st.body));
  }
}

/** The function body's key in fusedRest (loop ids are positive). */
const ROOT = -1;

const BINARY_TOKENS = {
  "+": SK.PlusToken,
  "-": SK.MinusToken,
  "*": SK.AsteriskToken,
  "/": SK.SlashToken,
  "**": SK.AsteriskAsteriskToken,
  "%": SK.PercentToken,
  ">=": SK.GreaterThanEqualsToken,
  ">": SK.GreaterThanToken,
  "<=": SK.LessThanEqualsToken,
  "<": SK.LessThanToken,
  "===": SK.EqualsEqualsEqualsToken,
  "!==": SK.ExclamationEqualsEqualsToken,
  "&&": SK.AmpersandAmpersandToken,
  "||": SK.BarBarToken,
} as const;

function literal(v: number, text?: string): ts.Expression {
  if (text !== undefined) {
    if (text === "true") return f.createTrue();
    if (text === "false") return f.createFalse();
    const parts = text.split(".");
    return parts.length === 2 ? f.createPropertyAccessExpression(f.createIdentifier(parts[0]), parts[1]) : f.createIdentifier(text);
  }
  if (Number.isNaN(v)) return f.createIdentifier("NaN");
  if (v < 0 || Object.is(v, -0)) return f.createPrefixUnaryExpression(SK.MinusToken, literal(-v));
  if (v === Infinity) return f.createIdentifier("Infinity");
  return f.createNumericLiteral(String(v));
}

const numberType = () => f.createKeywordTypeNode(SK.NumberKeyword);
const typeNode = (t: ValueType) => f.createKeywordTypeNode(t === "boolean" ? SK.BooleanKeyword : SK.NumberKeyword);
const zeroOf = (t: ValueType) => (t === "boolean" ? f.createFalse() : f.createNumericLiteral(0));

/** The TypeScript type of a shape: `number`, `readonly number[]`, `Float64Array`, `[number, number]`, `{ W: number[][]; b: number[] }`. */
function shapeType(shape: Shape, mutable = false): ts.TypeNode {
  if (shape.kind === "number") return numberType();
  if (shape.kind === "record") {
    return singleLine(
      f.createTypeLiteralNode(
        shape.fields.map((fl) => f.createPropertySignature(undefined, fl.name, undefined, shapeType(fl.shape, mutable))),
      ),
    );
  }
  let t: ts.TypeNode;
  if (shape.container !== "array") t = f.createTypeReferenceNode(shape.container);
  else if (shape.tuple !== undefined) t = f.createTupleTypeNode(Array.from({ length: shape.tuple }, () => numberType()));
  else t = f.createArrayTypeNode(shapeType(shape.element, mutable));
  return shape.readonly && !mutable && shape.container === "array" ? f.createTypeOperatorNode(SK.ReadonlyKeyword, t) : t;
}

function gradType(a: Adjoint): ts.TypeNode {
  return singleLine(
    f.createTypeLiteralNode(
      a.gradients.map((g) => f.createPropertySignature(undefined, g.param.name, undefined, shapeType(g.param.shape, true))),
    ),
  );
}

/** `{ value: v }`, or `{ value }` when the local has the key's name. */
function property(key: string, local: string): ts.ObjectLiteralElementLike {
  return key === local ? f.createShorthandPropertyAssignment(key) : f.createPropertyAssignment(key, f.createIdentifier(local));
}

/** Printed on one line (prettier then keeps short type literals on one line). */
function singleLine<T extends ts.Node>(node: T): T {
  return ts.setEmitFlags(node, ts.EmitFlags.SingleLine);
}

function param(name: string, type: ts.TypeNode): ts.ParameterDeclaration {
  return f.createParameterDeclaration(undefined, undefined, name, undefined, type);
}

function constDecl(name: string, init: ts.Expression, type?: ts.TypeNode): ts.Statement {
  return f.createVariableStatement(
    undefined,
    f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, type, init)], ts.NodeFlags.Const),
  );
}

function letDecl(name: string, init?: ts.Expression, type?: ts.TypeNode): ts.Statement {
  return f.createVariableStatement(
    undefined,
    f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, type, init)], ts.NodeFlags.Let),
  );
}

function assign(name: string, e: ts.Expression): ts.Statement {
  return f.createExpressionStatement(f.createBinaryExpression(f.createIdentifier(name), SK.EqualsToken, e));
}

function call(obj: string, method: string, args: ts.Expression[]): ts.Statement {
  return f.createExpressionStatement(
    f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(obj), method), undefined, args),
  );
}

function paren(e: ts.Expression): ts.Expression {
  return ts.isIdentifier(e) || ts.isCallExpression(e) || ts.isPrefixUnaryExpression(e) ? e : f.createParenthesizedExpression(e);
}

/** `if (c) {…} else {…}`, leaving out an empty else, or `if (!c) {…}` when only the else has code. */
function ifStatement(cond: ts.Expression, then: ts.Statement[], otherwise: ts.Statement[]): ts.Statement {
  if (otherwise.length === 0) return f.createIfStatement(cond, f.createBlock(then, true));
  if (then.length === 0) return f.createIfStatement(f.createLogicalNot(paren(cond)), f.createBlock(otherwise, true));
  // `else { if … }` reads as `else if …`
  const elseBranch =
    otherwise.length === 1 && ts.isIfStatement(otherwise[0]) && !hasComments(otherwise[0]) ? otherwise[0] : f.createBlock(otherwise, true);
  return f.createIfStatement(cond, f.createBlock(then, true), elseBranch);
}

function hasComments(node: ts.Node): boolean {
  return (ts.getSyntheticLeadingComments(node)?.length ?? 0) > 0;
}

function comment<T extends ts.Node>(node: T, text: string): T {
  return ts.addSyntheticLeadingComment(node, SK.SingleLineCommentTrivia, text, true);
}

/** A comment before the ones the node has. */
function firstComment(node: ts.Node, text: string): void {
  const rest = ts.getSyntheticLeadingComments(node) ?? [];
  ts.setSyntheticLeadingComments(node, [{ kind: SK.SingleLineCommentTrivia, text, hasTrailingNewLine: true, pos: -1, end: -1 }, ...rest]);
}

function doc<T extends ts.Node>(node: T, text: string): T {
  return ts.addSyntheticLeadingComment(node, SK.MultiLineCommentTrivia, `* ${text} `, true);
}
