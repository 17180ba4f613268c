#!/usr/bin/env node
// npm test: builds dist/ (the CLI tests run the real `adc` binary, so it must be current),
// type-checks the project, runs vitest once (default reporter for people, JSON for the
// summary), then prints the plain line `N passed, M failed` that CI reads, and exits
// non-zero on any failure. The build and the type check count as one test each.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
let passed = 0;
let failed = 0;
for (const [what, config] of [
  ["build (tsc -p tsconfig.build.json)", "tsconfig.build.json"],
  ["type check (tsc -p tsconfig.json)", "tsconfig.json"],
]) {
  const r = spawnSync(process.execPath, [tsc, "-p", config], { cwd: root, stdio: "inherit" });
  if (r.status === 0) passed++;
  else {
    failed++;
    console.error(`test: ${what} failed`);
  }
}

const results = path.join(root, ".test-results.json");
fs.rmSync(results, { force: true });
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const run = spawnSync(
  process.execPath,
  [vitest, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${results}`, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
  },
);

try {
  const report = JSON.parse(fs.readFileSync(results, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // a test file that fails to load has no tests but is a failure
  failed += report.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
} catch {
  failed += 1;
  console.error("test: vitest wrote no results (it crashed before running the tests)");
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
