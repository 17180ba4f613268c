// How fast adc compiles (`npm run bench:compile`):
//   (a) the CLI, cold, on a generated 2,000-line file of 100 tagged functions of four kinds
//       (straight-line arithmetic with Math calls; loops with branches, break and while;
//       record parameters with arrays, differentiated wrt the record; local arrays). The file is
//       checked first: TypeScript type-checks it without errors and adc compiles it without
//       diagnostics. Then `node bin/adc.js big.ts` runs 5 times (a new process each time: wall
//       time including Node's start-up; the files it loads are in the OS page cache, this process
//       having loaded them); reported: the median, and for reference `node -e 0`,
//       `node bin/adc.js --version` (start-up and loading the compiler), and in this process
//       adc's compile without formatting (warm), its formatting (compiler/4-emit/pretty.ts) and,
//       for reference, prettier's formatting of the same text (which must give the same file).
//       The first run is timed apart: it has no V8 code cache for typescript.js yet
//       (bin/compile-cache.js writes it; the folder is removed first).
//       Target: median < 2 s.
//   (b) the build plugin's overhead over plain tspc: a small project like examples/plugin-app
//       (its three files and one more with an MLP; six grad / valueAndGrad / vjp calls), built by
//       ts-patch's tspc with and without { "transform": "adc/plugin" } in its tsconfig (same
//       files; without the plugin the calls stay calls, which type-checks and is fine for
//       timing), 5 builds each, alternating, after one untimed build of each; tspc runs as
//       `node node_modules/ts-patch/bin/tspc.js` (npx would add the same npm start-up to both).
//       Plain tsc is timed alongside for reference. Target: overhead of the medians < 25%. One
//       profiled build of each gives the time spent inside adc (the samples with adc's built code
//       on the stack), which the machine's load moves less than a difference of two wall times.
// The temp folders are inside the repository (test/artifacts-compile-*, gitignored) so that
// `adc` resolves as a package for the plugin; they are removed at the end.
// When a target is missed (or with --profile), the command is profiled with node --cpu-prof and the
// functions and files with the most self time are printed.
//
// Options: --runs N (timed runs per command, default 5), --profile, --keep (keep the temp folder).

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as prettier from "prettier";
import * as ts from "typescript";
import { median } from "./harness.js";
import { bigFile } from "./big-file.js";

const root = path.join(__dirname, "..");
const adcBin = path.join(root, "bin", "adc.js");
const tspc = path.join(root, "node_modules", "ts-patch", "bin", "tspc.js");
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");

const CLI_TARGET_MS = 2000;
const PLUGIN_TARGET = 0.25;

// ---------------------------------------------------------------------------------------
// 1. The generated file: bench/big-file.ts (the test of compiler/4-emit/pretty.ts compiles it too).

// ---------------------------------------------------------------------------------------
// 2. The plugin project.

const MLP_FILE = `// A one-hidden-layer tanh network: valueAndGrad differentiates netLoss (a plain function); predict,
// which it calls, is tagged.
export interface Net {
  W: number[][];
  b: number[];
  v: number[];
}

/** @differentiable */
export function predict(net: Net, x: number[]): number {
  let y = 0;
  for (let j = 0; j < net.b.length; j++) {
    let z = net.b[j];
    for (let k = 0; k < x.length; k++) z += net.W[j][k] * x[k];
    y += net.v[j] * Math.tanh(z);
  }
  return y;
}

export function netLoss(net: Net, X: number[][], y: number[]): number {
  let total = 0;
  for (let i = 0; i < X.length; i++) {
    const e = predict(net, X[i]) - y[i];
    total += 0.5 * e * e;
  }
  return total / X.length;
}
`;

const FIT_FILE = `import { grad, valueAndGrad } from "adc";
import { netLoss, predict, type Net } from "./mlp";

const net: Net = { W: [[0.1, -0.2], [0.3, 0.05], [-0.1, 0.2]], b: [0, 0.1, -0.1], v: [0.5, -0.3, 0.2] };
const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const y = [0, 1, 1, 0];
const step = valueAndGrad(netLoss);
for (let it = 0; it < 200; it++) {
  const [, g] = step(net, X, y);
  for (let j = 0; j < net.b.length; j++) {
    net.b[j] -= 0.5 * g.b[j];
    net.v[j] -= 0.5 * g.v[j];
    for (let k = 0; k < 2; k++) net.W[j][k] -= 0.5 * g.W[j][k];
  }
}
const [dnet, dx] = grad(predict, { wrt: [0, 1] })(net, X[1]);
console.log(\`fit: loss \${netLoss(net, X, y).toFixed(4)}, d/dx \${dx.map((v) => v.toFixed(3)).join(" ")}, d/db0 \${dnet.b[0].toFixed(3)}\`);
`;

function writeProject(dir: string): { plugin: string; plain: string } {
  const src = path.join(dir, "src");
  fs.mkdirSync(src, { recursive: true });
  for (const f of ["activations.ts", "model.ts", "train.ts"])
    fs.copyFileSync(path.join(root, "examples", "plugin-app", "src", f), path.join(src, f));
  fs.writeFileSync(path.join(src, "mlp.ts"), MLP_FILE);
  fs.writeFileSync(path.join(src, "fit.ts"), FIT_FILE);
  const options = (plugins: boolean, outDir: string) => ({
    compilerOptions: {
      target: "es2022",
      lib: ["es2022"],
      module: "node16",
      moduleResolution: "node16",
      strict: true,
      skipLibCheck: true,
      types: ["node"],
      rootDir: "src",
      outDir,
      sourceMap: true,
      ...(plugins ? { plugins: [{ transform: "adc/plugin" }] } : {}),
    },
    include: ["src"],
  });
  const plugin = path.join(dir, "tsconfig.plugin.json");
  const plain = path.join(dir, "tsconfig.plain.json");
  fs.writeFileSync(plugin, JSON.stringify(options(true, "out-plugin"), null, 2));
  fs.writeFileSync(plain, JSON.stringify(options(false, "out-plain"), null, 2));
  return { plugin, plain };
}

// ---------------------------------------------------------------------------------------
// 3. Running and timing commands; profiles.

interface Run {
  ms: number;
  status: number;
  output: string;
}

function run(args: string[], cwd: string): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  const ms = performance.now() - t0;
  return { ms, status: r.status ?? 1, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

function mustSucceed(r: Run, what: string): Run {
  if (r.status !== 0 || r.output.trim() !== "") throw new Error(`${what} failed (exit ${r.status}):\n${r.output}`);
  return r;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time (ms) per function and per file, from a .cpuprofile; and `underAdc`, the time of the
 * samples with a frame of adc's built code (dist/) on their stack (adc's code and what it calls,
 * TypeScript's printer and factory included).
 */
function selfTimes(file: string): { fns: Map<string, number>; files: Map<string, number>; total: number; underAdc: number } {
  const prof = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const adcFrame = (n: ProfileNode) => n.callFrame.url.replace(/^file:\/\//, "").startsWith(path.join(root, "dist") + path.sep);
  const under = new Map<number, boolean>();
  const isUnder = (id: number): boolean => {
    const known = under.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id);
    const p = parent.get(id);
    const v = n !== undefined && (adcFrame(n) || (p !== undefined && isUnder(p)));
    under.set(id, v);
    return v;
  };
  let underAdc = 0;
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  const short = (url: string) => {
    if (!url) return "(native / V8)";
    const p = url.replace(/^file:\/\//, "");
    return p.startsWith(root) ? path.relative(root, p) : p;
  };
  prof.samples.forEach((id, i) => {
    const ms = (prof.timeDeltas[i] ?? 0) / 1000;
    const n = byId.get(id);
    if (!n) return;
    total += ms;
    if (isUnder(id)) underAdc += ms;
    const cf = n.callFrame;
    const key = `${cf.functionName || "(anonymous)"}  ${short(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ""}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
    files.set(short(cf.url), (files.get(short(cf.url)) ?? 0) + ms);
  });
  return { fns, files, total, underAdc };
}

function profile(args: string[], cwd: string, dir: string, name: string): string {
  const profDir = path.join(dir, `prof-${name}`);
  fs.mkdirSync(profDir, { recursive: true });
  spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${profDir}`, ...args], { cwd, encoding: "utf8" });
  const f = fs.readdirSync(profDir).find((x) => x.endsWith(".cpuprofile"));
  if (!f) throw new Error(`no .cpuprofile written for ${name}`);
  return path.join(profDir, f);
}

function top(m: Map<string, number>, n: number, total: number): string[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `    ${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${k}`);
}

// ---------------------------------------------------------------------------------------
// 4. Main.

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const i = argv.indexOf("--runs");
  const runs = i >= 0 ? Number(argv[i + 1]) : 5;
  if (!(runs >= 1)) throw new Error("--runs needs a positive number");
  const forceProfile = argv.includes("--profile");
  const keep = argv.includes("--keep");
  if (!fs.existsSync(path.join(root, "dist", "compiler", "cli", "main.js"))) throw new Error("adc is not built: run npm run build");
  const t0 = performance.now();
  const dir = fs.mkdtempSync(path.join(root, "test", "artifacts-compile-"));
  const L: string[] = [""];
  try {
    // (a) the CLI
    const big = path.join(dir, "big.ts");
    const text = bigFile();
    fs.writeFileSync(big, text);
    const lines = text.split("\n").length - 1;
    const tagged = (text.match(/@differentiable/g) ?? []).length;
    const program = ts.createProgram([big], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts"],
      types: [],
    });
    const tsDiags = ts.getPreEmitDiagnostics(program);
    if (tsDiags.length)
      throw new Error(`the generated file does not type-check:\n${ts.formatDiagnostics(tsDiags, ts.createCompilerHost({}))}`);
    // the built compiler, as the CLI runs it (a variable path: tsc need not resolve dist/)
    const built = path.join(root, "dist", "compiler", "index.js");
    const adc = require(built) as {
      parse(fileName: string, text: string): unknown;
      compileUnformatted(file: unknown): { code?: string; diagnostics: { message: string }[] };
      compileToStatements(file: unknown, options: object): { module?: { groups: unknown[][]; header: string } };
    };
    const formatting = require(path.join(root, "dist", "compiler", "4-emit", "format.js")) as {
      formatModule(groups: unknown[][], header: string): Promise<string>;
    };
    const first = adc.compileUnformatted(adc.parse(big, text));
    if (first.diagnostics.length || first.code === undefined)
      throw new Error(`adc reports diagnostics on the generated file:\n${first.diagnostics.map((d) => d.message).join("\n")}`);
    const unformatted = first.code;
    // in this process, warm: adc's compile up to the TypeScript printer's text; then its formatting
    // (compiler/4-emit/pretty.ts, prettier only for what that does not cover), and for reference
    // prettier on the whole text, which must give the same file
    const warm: number[] = [];
    for (let k = 0; k < 3; k++) {
      const s = performance.now();
      adc.compileUnformatted(adc.parse(big, text));
      warm.push(performance.now() - s);
    }
    const { module } = adc.compileToStatements(adc.parse(big, text), {});
    await formatting.formatModule(module!.groups, module!.header); // warm
    const fmtStart = performance.now();
    const formatted = await formatting.formatModule(module!.groups, module!.header);
    const fmtAdc = { ms: performance.now() - fmtStart, out: formatted };
    const FORMAT = { parser: "typescript", filepath: "big.grad.ts", printWidth: 120, trailingComma: "all" } as const;
    await prettier.format("const x = 1;\n", FORMAT); // loads prettier's plugins
    const prettierStart = performance.now();
    const fmtPrettier = { out: await prettier.format(unformatted, FORMAT), ms: 0 };
    fmtPrettier.ms = performance.now() - prettierStart;
    if (fmtAdc.out !== fmtPrettier.out) throw new Error("adc's formatting differs from prettier's on the generated file");
    const outLines = fmtAdc.out.split("\n").length - 1;

    const gradFile = path.join(dir, "big.grad.ts");
    // the first run without V8's code cache for typescript.js (bin/compile-cache.js), which it writes
    fs.rmSync(path.join(root, "node_modules", ".cache", "adc"), { recursive: true, force: true });
    const uncached = run([adcBin, "big.ts"], dir);
    if (uncached.status !== 0) throw new Error(`adc big.ts failed (exit ${uncached.status}):\n${uncached.output}`);
    const cli: number[] = [];
    const version: number[] = [];
    const nodeOnly: number[] = [];
    for (let k = 0; k < runs; k++) {
      fs.rmSync(gradFile, { force: true });
      const r = run([adcBin, "big.ts"], dir);
      if (r.status !== 0 || !fs.existsSync(gradFile)) throw new Error(`adc big.ts failed (exit ${r.status}):\n${r.output}`);
      cli.push(r.ms);
      if (k === 0) {
        const written = fs.readFileSync(gradFile, "utf8");
        if (written !== fmtAdc.out) throw new Error("the CLI wrote another big.grad.ts than compile + format in this process");
        const exported = (written.match(/export function \w+GradInto\(/g) ?? []).length;
        if (exported !== tagged) throw new Error(`big.grad.ts exports ${exported} GradInto functions, expected ${tagged}`);
      }
      version.push(run([adcBin, "--version"], dir).ms);
      nodeOnly.push(run(["-e", "0"], dir).ms);
    }

    // (b) the plugin
    const proj = path.join(dir, "app");
    const { plugin, plain } = writeProject(proj);
    mustSucceed(run([tspc, "-p", plugin], root), "tspc (plugin)");
    mustSucceed(run([tspc, "-p", plain], root), "tspc (no plugin)");
    mustSucceed(run([tsc, "-p", plain], root), "tsc");
    const builtTrain = fs.readFileSync(path.join(proj, "out-plugin", "train.js"), "utf8");
    const builtFit = fs.readFileSync(path.join(proj, "out-plugin", "fit.js"), "utf8");
    if (!/GradInto/.test(builtTrain) || !/GradInto/.test(builtFit)) throw new Error("the plugin build did not compile the calls");
    const ran = run([path.join(proj, "out-plugin", "fit.js")], proj);
    if (ran.status !== 0 || !/fit: loss/.test(ran.output)) throw new Error(`the plugin-built fit.js failed:\n${ran.output}`);
    const withPlugin: number[] = [];
    const without: number[] = [];
    const plainTsc: number[] = [];
    for (let k = 0; k < runs; k++) {
      const a = () => withPlugin.push(mustSucceed(run([tspc, "-p", plugin], root), "tspc (plugin)").ms);
      const b = () => without.push(mustSucceed(run([tspc, "-p", plain], root), "tspc (no plugin)").ms);
      if (k % 2 === 0) {
        a();
        b();
      } else {
        b();
        a();
      }
      plainTsc.push(mustSucceed(run([tsc, "-p", plain], root), "tsc").ms);
    }

    // where the plugin build's time goes: one profiled build of each; adc's share is the time of the
    // samples taken inside adc's code (dist/ on the stack), which the machine's load affects less
    // than a difference of two wall times
    const withProf = selfTimes(profile([tspc, "-p", plugin], root, dir, "plugin"));
    const withoutProf = selfTimes(profile([tspc, "-p", plain], root, dir, "plain"));
    const adcSelf = withProf.underAdc;

    // report
    const cliMed = median(cli);
    const overhead = median(withPlugin) / median(without) - 1;
    const ms = (x: number) => `${Math.round(x).toLocaleString("en-US")} ms`;
    const all = (xs: number[]) => xs.map((x) => Math.round(x)).join(", ");
    const cpus = os.cpus();
    const load = os.loadavg();
    L.push("adc compile-speed benchmark");
    L.push(
      `machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} logical CPUs, ${os.platform()} ${os.release()}; node ${process.version}; typescript ${ts.version}; load average ${load[0].toFixed(2)} at the end`,
    );
    L.push(
      `(a) generated file: ${lines.toLocaleString("en-US")} lines, ${tagged} tagged functions (25 straight-line with Math calls, 25 loops with branches, 25 record/array parameters, 25 local arrays); type-checks; adc: no diagnostics, ${outLines.toLocaleString("en-US")} lines of generated code`,
    );
    L.push(`(b) plugin project: examples/plugin-app's 3 files + 2 (an MLP), 6 grad/valueAndGrad/vjp calls; the plugin build's output runs`);
    L.push("");
    L.push(`  ${"measurement".padEnd(52)}${"median".padStart(10)}${"target".padStart(12)}${"verdict".padStart(10)}   runs (ms)`);
    const row = (name: string, med: string, target: string, verdict: string, xs: number[]) =>
      L.push(`  ${name.padEnd(52)}${med.padStart(10)}${target.padStart(12)}${verdict.padStart(10)}   ${all(xs)}`);
    row("CLI: node bin/adc.js big.ts (cold, wall)", ms(cliMed), "< 2,000 ms", cliMed < CLI_TARGET_MS ? "MEETS" : "MISSES", cli);
    row("  for reference: node bin/adc.js --version", ms(median(version)), "", "", version);
    row("  for reference: node -e 0", ms(median(nodeOnly)), "", "", nodeOnly);
    row("  first run, before TypeScript's code cache exists", ms(uncached.ms), "", "", [uncached.ms]);
    row("  in-process, warm: parse + compileUnformatted", ms(median(warm)), "", "", warm);
    row("  in-process, warm: formatModule (pretty.ts)", ms(fmtAdc.ms), "", "", [fmtAdc.ms]);
    row("  in-process: prettier.format of the same (same text)", ms(fmtPrettier.ms), "", "", [fmtPrettier.ms]);
    row("tspc -p, with the adc plugin", ms(median(withPlugin)), "", "", withPlugin);
    row("tspc -p, without the plugin", ms(median(without)), "", "", without);
    row("  for reference: tsc -p (no ts-patch)", ms(median(plainTsc)), "", "", plainTsc);
    L.push(
      `  ${"plugin overhead (median with / median without - 1)".padEnd(52)}${`${(100 * overhead).toFixed(1)}%`.padStart(10)}${"< 25%".padStart(12)}${(overhead < PLUGIN_TARGET ? "MEETS" : "MISSES").padStart(10)}   paired per run: ${withPlugin.map((w, k) => `${(100 * (w / without[k] - 1)).toFixed(0)}%`).join(", ")}`,
    );
    L.push(
      `  ${"  time inside adc in a profiled plugin build".padEnd(52)}${ms(adcSelf).padStart(10)}${"".padStart(22)}   ${((100 * adcSelf) / withProf.total).toFixed(1)}% of ${ms(withProf.total)} sampled (adc's code on the stack); without the plugin ${ms(withoutProf.total)} sampled`,
    );

    // profiles
    if (forceProfile || cliMed >= CLI_TARGET_MS) {
      const p = selfTimes(profile([adcBin, "big.ts"], dir, dir, "cli"));
      L.push("");
      L.push(`profile of node bin/adc.js big.ts (node --cpu-prof; ${ms(p.total)} sampled): top self time by function`);
      L.push(...top(p.fns, 15, p.total));
      L.push(`  by file:`);
      L.push(...top(p.files, 10, p.total));
    }
    if (forceProfile || overhead >= PLUGIN_TARGET) {
      L.push("");
      L.push(
        `profile of tspc with the plugin (${ms(withProf.total)} sampled) against without (${ms(withoutProf.total)}): self time by file, with - without`,
      );
      const delta = new Map(
        [...new Set([...withProf.files.keys(), ...withoutProf.files.keys()])].map((k) => [
          k,
          (withProf.files.get(k) ?? 0) - (withoutProf.files.get(k) ?? 0),
        ]),
      );
      L.push(...top(delta, 10, withProf.total - withoutProf.total));
      L.push(`  top self time by function, with the plugin:`);
      L.push(...top(withProf.fns, 15, withProf.total));
    }
    L.push("");
    L.push(`total ${((performance.now() - t0) / 1000).toFixed(1)} s${keep ? `; kept ${path.relative(process.cwd(), dir)}` : ""}`);
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(L.join("\n"));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
