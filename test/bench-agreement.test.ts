// The benchmark suite's variants agree (not timed): for every workload of bench/suite/types.ts, on
// small instances, adc's fGradInto and fGrad and the hand-written adjoint give the forward
// function's value, the same gradient, and the gradient of central differences; the Into forms
// add seed * gradient. The comparison libraries (bench/suite/tfjs.ts, bench/suite/jax.ts) are
// checked too when they are installed (bench/node_modules: `npm run bench` installs them on first
// use); otherwise that test is skipped, and its name says why.

import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compileText } from "../compiler/index.js";
import { agreeAt, checkSmall, LIBRARY } from "../bench/suite/check.js";
import type { Library } from "../bench/suite/types.js";
import { WORKLOADS } from "../bench/suite/types.js";
import { makeWorkloads, type Workload } from "../bench/suite/workloads.js";
import { loadModule } from "./helpers/load.js";

const BENCH = path.join(__dirname, "..", "bench");
const LIBRARIES_INSTALLED = fs.existsSync(path.join(BENCH, "node_modules"));

let small: Workload[];

beforeAll(async () => {
  const src = path.join(BENCH, "suite", "functions.ts");
  const result = await compileText(src, fs.readFileSync(src, "utf8"));
  expect(result.diagnostics.map((d) => d.message)).toEqual([]);
  // the generated code in memory (with the runtime's source), not bench/suite/functions.grad.ts
  small = makeWorkloads(loadModule(result.code!, "functions.grad.ts"), "small");
});

describe("benchmark suite: adc, hand and forward agree on small instances", () => {
  it.each(WORKLOADS)("%s", (name) => {
    const w = small.find((x) => x.name === name)!;
    expect(w.size).toBeGreaterThan(0);
    const a = checkSmall(w);
    expect(a.problems).toEqual([]);
  });
});

describe("benchmark suite: the comparison libraries agree with the hand adjoint on small instances", () => {
  it.skipIf(!LIBRARIES_INSTALLED)(
    LIBRARIES_INSTALLED ? "tfjs and jax-js" : "SKIPPED: bench/node_modules is missing (npm run bench installs the libraries on first use)",
    async () => {
      // a variable path: the type check does not need the libraries' modules
      const depsPath = path.join(BENCH, "suite", "deps.js");
      const deps = (await import(depsPath)) as { loadLibraries(o?: { log?: (s: string) => void }): Promise<Library[]> };
      const notes: string[] = [];
      const libs = await deps.loadLibraries({ log: (s) => notes.push(s) });
      expect(libs.length, notes.join("\n")).toBeGreaterThan(0);
      const problems: string[] = [];
      let checked = 0;
      for (const lib of libs) {
        for (const w of small) {
          let v;
          try {
            v = await lib.prepare(w.name, w.argSets);
          } catch (e) {
            problems.push(`${lib.name} ${w.name}: prepare failed: ${e instanceof Error ? e.message : String(e)}`);
            continue;
          }
          if (!v) continue;
          try {
            w.argSets.forEach((args, s) => {
              const a = agreeAt(
                w,
                args,
                [
                  ["hand", w.hand],
                  [lib.name, v],
                ],
                LIBRARY,
                `(${w.name}, small instance, argument set ${s})`,
              );
              problems.push(...a.problems);
            });
            checked++;
          } finally {
            v.dispose?.();
          }
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    },
    120_000,
  );
});
