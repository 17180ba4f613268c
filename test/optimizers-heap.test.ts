// A step of an optimizer allocates nothing: many steps run without a garbage collection, and the
// heap does not grow. Measured in a process of its own (test/helpers/optimizer-steps.mjs, on the
// built runtime in dist/), so that V8's feedback is a training program's (one parameter record,
// one gradient record), and started with --no-concurrent-recompilation, so that what is measured
// is optimized code however loaded the machine is (a background compile that has not finished
// left the interpreter boxing numbers: CI failed that way twice). --trace-deopt says, when it
// fails, what V8 gave up on.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { expect, it } from "vitest";

it("50,000 steps of each optimizer on a 2-layer network's record: no garbage collection, heap flat", () => {
  const child = path.join(__dirname, "helpers", "optimizer-steps.mjs");
  const run = spawnSync(process.execPath, ["--no-concurrent-recompilation", "--trace-deopt", child], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.split("\n");
  const results = lines
    .filter((l) => l.startsWith("RESULT "))
    .map((l) => JSON.parse(l.slice(7)) as { name: string; gcs: number; grown: number });
  const deopts = lines.filter((l) => l.includes("deoptimizing")).join("\n");
  expect(results.map((r) => r.name)).toEqual(["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "SGD", "Momentum"]);
  for (const { name, gcs, grown } of results) {
    expect(gcs, `${name}: collections\n${deopts}`).toBe(0);
    // even one boxed number per step would be 0.8 MB here
    expect(grown, `${name}: heap growth in bytes\n${deopts}`).toBeLessThan(256 * 1024);
  }
});
