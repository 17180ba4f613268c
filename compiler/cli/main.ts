// The `adc` command: a thin shell over compile(). Reads each input, prints diagnostics as
// `path:line:col: error …`, writes `<name>.grad.ts` beside it (or under --out-dir), and never
// overwrites a file adc did not generate.
import * as fs from "node:fs";
import * as path from "node:path";
import { Command, CommanderError } from "commander";
import ts from "typescript";
import { compile, parse, type CompileResult } from "../index.js";
import { formatDiagnostic } from "../diagnostics/report.js";
import { HEADER_PREFIX } from "../4-emit/format.js";
import { printAdjoint, printFunc } from "../ir/print.js";
import { gradIntoName, gradName } from "../4-emit/to-ts.js";

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  cwd: string;
}

const defaultIo: Io = { out: (s) => process.stdout.write(s + "\n"), err: (s) => process.stderr.write(s + "\n"), cwd: process.cwd() };

/** A subcommand's module: `run(argv after the subcommand's name, io)` resolves to the exit code. */
export interface Subcommand {
  run(argv: string[], io: Io): Promise<number>;
}

const SUBCOMMANDS = {
  graph: () => import("./graph-command.js") as Promise<Subcommand>,
  check: () => import("./check-command.js") as Promise<Subcommand>,
};

const DUMPS = ["ir", "activity", "adjoint"] as const;
type Dump = (typeof DUMPS)[number];

interface Options {
  project?: string;
  watch?: boolean;
  outDir?: string;
  check?: boolean;
  dump?: Dump;
  stdout?: boolean;
  explain?: boolean;
}

/** Runs the CLI; resolves to the exit code (0 ok, 1 errors or stale files, 2 usage). */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  // subcommands, each in a file of its own: `adc graph …`, `adc check …`
  const sub = SUBCOMMANDS[argv[0] as keyof typeof SUBCOMMANDS];
  if (sub) return (await sub()).run(argv.slice(1), io);
  const program = new Command()
    .name("adc")
    .description("Writes <file>.grad.ts with the value and exact gradient of each /** @differentiable */ function in <file>.")
    .version(version(), "-V, --version")
    .argument("[files...]", "TypeScript files with @differentiable functions")
    .option("-p, --project <tsconfig>", "every file of a TypeScript project (its tsconfig.json) that has @differentiable functions")
    .option("-w, --watch", "keep running, and write again when an input changes")
    .option(
      "-o, --out-dir <dir>",
      "write the .grad.ts files under <dir>, at the same place relative to <dir> as the inputs are to the current folder",
    )
    .option("--check", "write nothing; exit 1 if a .grad.ts is missing or stale (for CI)")
    .option("--stdout", "print the generated code instead of writing files")
    .option("--explain", "comment each statement of the reverse sweep with the chain-rule step it takes")
    .option("--dump <phase>", `print the IR after a phase instead of writing: ${DUMPS.join(" | ")}`)
    .exitOverride()
    .showHelpAfterError("(run adc --help for the options)")
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .addHelpText(
      "after",
      "\nExamples:\n  adc examples/neuron.ts          writes examples/neuron.grad.ts\n  adc -p tsconfig.json             every file of the project with @differentiable functions\n  adc --watch src/model.ts         writes again on every change\n  adc --check src/*.ts             fails when a .grad.ts is out of date",
    );
  let files: string[];
  let opts: Options;
  try {
    program.parse(argv, { from: "user" });
    files = program.args;
    opts = program.opts<Options>();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  if (opts.dump && !DUMPS.includes(opts.dump)) {
    io.err(`adc: --dump must be one of ${DUMPS.join(", ")}, not '${opts.dump}'`);
    return 2;
  }

  if (opts.project) {
    const found = projectFiles(path.resolve(io.cwd, opts.project), io);
    if (!found) return 1;
    files = [...files, ...found.map((f) => path.relative(io.cwd, f) || f)];
  } else if (files.length === 0) {
    io.err("adc: name the files to compile, or a project with -p tsconfig.json (run adc --help for the options)");
    return 2;
  }
  if (opts.watch && (opts.check || opts.dump || opts.stdout)) {
    io.err("adc: --watch writes files; it does not go with --check, --dump or --stdout");
    return 2;
  }
  const run = async (): Promise<number> => {
    let status = 0;
    for (const file of files) {
      try {
        status = Math.max(status, await processFile(file, path.resolve(io.cwd, file), opts, io));
      } catch (e) {
        io.err(
          `adc: internal error while compiling ${file}: ${(e as Error).message}${process.env.ADC_DEBUG ? `\n${(e as Error).stack}` : " (set ADC_DEBUG=1 for the stack trace)"}`,
        );
        status = 1;
      }
    }
    return status;
  };
  const status = await run();
  if (!opts.watch) return status;
  return watch(
    files.map((f) => path.resolve(io.cwd, f)),
    run,
    io,
  );
}

/**
 * The files of a TypeScript project that have @differentiable functions (read with the
 * TypeScript API: the tsconfig's include, exclude, files and extends), generated ones left out.
 */
function projectFiles(tsconfig: string, io: Io): string[] | undefined {
  const configFile = fs.existsSync(tsconfig) && fs.statSync(tsconfig).isDirectory() ? path.join(tsconfig, "tsconfig.json") : tsconfig;
  let problem: string | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configFile,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => (problem = ts.flattenDiagnosticMessageText(d.messageText, " ")),
    },
  );
  if (!parsed || problem) {
    io.err(`adc: cannot read the project ${path.relative(io.cwd, configFile) || configFile}: ${problem ?? "unknown error"}`);
    return undefined;
  }
  return parsed.fileNames.filter(
    (f) =>
      /\.[cm]?ts$/.test(f) && !f.endsWith(".d.ts") && !/\.grad\.[cm]?ts$/.test(f) && /@differentiable\b/.test(fs.readFileSync(f, "utf8")),
  );
}

/**
 * --watch: compiles everything again when an input changes (a change to one file can change
 * what the files that call into it generate). Runs until stopped (Ctrl-C).
 */
function watch(inputs: string[], run: () => Promise<number>, io: Io): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve(0);
  const again = () => {
    if (timer) clearTimeout(timer);
    // editors write a file in several steps: wait for the last
    timer = setTimeout(() => {
      running = running.then(() => run().then((s) => (io.out(`adc: ${s === 0 ? "up to date" : "errors above"}; watching`), s)));
    }, 100);
  };
  // the folders, not the files: an editor that saves by replacing the file would end a file's watch
  const watched = new Set(inputs);
  const watchers = [...new Set(inputs.map((f) => path.dirname(f)))].map((dir) =>
    fs.watch(dir, (_event, name) => {
      if (name && watched.has(path.join(dir, name.toString()))) again();
    }),
  );
  // said once the folders are watched: a change made after this line is seen
  io.out(`adc: watching ${inputs.length} file${inputs.length === 1 ? "" : "s"} (Ctrl-C to stop)`);
  return new Promise((resolve) => {
    process.once("SIGINT", () => {
      for (const w of watchers) w.close();
      resolve(0);
    });
  });
}

async function processFile(shown: string, input: string, opts: Options, io: Io): Promise<number> {
  if (/\.grad\.[cm]?ts$/.test(input)) {
    io.err(`${shown}: error: this is a file adc generated; pass its source instead`);
    return 1;
  }
  if (!/\.[cm]?ts$/.test(input) || input.endsWith(".d.ts")) {
    io.err(`${shown}: error: adc reads TypeScript source files (.ts, .mts, .cts)`);
    return 1;
  }
  const outDir = opts.outDir ? path.resolve(io.cwd, opts.outDir) : undefined;
  if (outDir && path.relative(io.cwd, input).startsWith("..")) {
    io.err(
      `${shown}: error: with --out-dir, the inputs must be inside the current folder (their place under it is kept under the out dir)`,
    );
    return 1;
  }
  let text: string;
  try {
    text = fs.readFileSync(input, "utf8");
  } catch (e) {
    io.err(`${shown}: error: cannot read the file: ${READ_ERRORS[(e as NodeJS.ErrnoException).code ?? ""] ?? (e as Error).message}`);
    return 1;
  }
  const target = outputPath(input, io.cwd, outDir);
  const targetShown = path.relative(io.cwd, target) || target;
  const regenerate = `npx adc${opts.outDir ? ` --out-dir ${opts.outDir}` : ""} ${shown}`;
  // the header names the source as seen from the generated file, so it does not depend on where adc ran
  const fromTarget = path.relative(path.dirname(target), input).split(path.sep).join("/");
  const result = await compile(
    parse(input, text),
    outDir
      ? {
          headerSource: fromTarget,
          headerNote: "run npx adc with the same --out-dir to regenerate",
          sourceModule: (fromTarget.startsWith(".") ? "" : "./") + fromTarget.replace(/\.(c|m)?tsx?$/, ""),
          explain: opts.explain,
        }
      : { explain: opts.explain },
  );
  for (const d of result.diagnostics) io.err(formatDiagnostic(d, shown));
  if (result.diagnostics.length) return 1;
  if (opts.dump) {
    io.out(dump(result, opts.dump));
    return 0;
  }
  const existing = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
  if (!result.code) {
    // a file adc generated earlier from this source is now stale: nothing should be there
    if (existing !== undefined && existing.startsWith(HEADER_PREFIX)) {
      if (opts.check) {
        io.err(`${targetShown}: stale: ${shown} has no @differentiable functions any more; delete it or run ${regenerate}`);
        return 1;
      }
      if (!opts.stdout) {
        fs.rmSync(target);
        io.out(`removed ${targetShown} (${shown} has no @differentiable functions any more)`);
        return 0;
      }
    }
    io.out(`${shown}: no @differentiable functions; nothing to write`);
    return 0;
  }
  if (opts.stdout) {
    io.out(result.code.trimEnd());
    return 0;
  }
  if (opts.check) {
    if (existing === result.code) return 0;
    io.err(`${targetShown}: ${existing === undefined ? "missing" : "stale"}; run ${regenerate}`);
    return 1;
  }
  if (existing !== undefined && !existing.startsWith(HEADER_PREFIX)) {
    io.err(
      `${targetShown}: error: refusing to overwrite a file adc did not generate (it lacks the '${HEADER_PREFIX.trim()}' header); move it away or use --out-dir`,
    );
    return 1;
  }
  const exports = result.functions.flatMap((f) => [gradName(f.name), gradIntoName(f.name)]).join(", ");
  if (existing === result.code) {
    io.out(`${targetShown} is up to date (${exports})`);
    return 0;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, result.code);
  io.out(`wrote ${targetShown} (${exports})`);
  return 0;
}

/** `model.ts` -> `model.grad.ts` beside it, or under outDir at the same place relative to root. */
export function outputPath(input: string, root: string, outDir?: string): string {
  const name = input.replace(/\.([cm]?ts)$/, ".grad.$1");
  return outDir ? path.join(outDir, path.relative(root, name)) : name;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a folder",
};

function dump(result: CompileResult, phase: Dump): string {
  return result.functions
    .map((f) => {
      if (phase === "ir") return printFunc(f.ir);
      if (phase === "activity") return printFunc(f.ir, { active: f.analysed.activity.active, reads: f.analysed.reads });
      return printAdjoint(f.adjoint);
    })
    .join("\n\n");
}

function version(): string {
  // the package.json above this file: ../../ from the sources, ../../../ from dist/
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const p = path.join(dir, "package.json");
    if (fs.existsSync(p)) {
      const pkg = JSON.parse(fs.readFileSync(p, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "adc") return pkg.version ?? "0.0.0";
    }
  }
  return "0.0.0";
}
