// Loads TypeScript source text as a module, in-process: transpiled to CommonJS by the
// TypeScript compiler and evaluated with a require that knows "adc" and "adc/runtime".
// Used for the user's original functions and for generated .grad.ts text alike.
import * as ts from "typescript";
import * as api from "../../runtime/api.js";
import * as runtime from "../../runtime/index.js";

const MODULES: Record<string, unknown> = { adc: api, "adc/runtime": runtime };

export type Module = Record<string, unknown>;

export function loadModule(
  source: string,
  fileName = "module.ts",
  extraExports: string[] = [],
  modules: Record<string, unknown> = {},
): Module {
  const appended = extraExports.length ? `${source}\n;(exports as any).__all = { ${extraExports.join(", ")} };\n` : source;
  const js = ts.transpileModule(appended, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const module = { exports: {} as Module };
  const require = (name: string) => {
    if (name in MODULES) return MODULES[name];
    if (name in modules) return modules[name];
    throw new Error(`${fileName}: cannot import '${name}' in a test module`);
  };
  new Function("exports", "require", "module", js)(module.exports, require, module);
  return module.exports;
}

/** The functions named `names` of a source file, exported or not. */
export function loadFunctions(source: string, names: string[], fileName = "input.ts"): Record<string, (...args: number[]) => number> {
  const m = loadModule(source, fileName, names);
  return m.__all as Record<string, (...args: number[]) => number>;
}
