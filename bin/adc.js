#!/usr/bin/env node
"use strict";
// The adc command. The compiler is built into dist/ by `npm ci` (the prepare script).
// A run lasts a second or two: V8 is told to optimize only code that runs 8 times longer than its
// default before (--interrupt-budget). Its optimizing compiler otherwise spent more CPU time on the
// compiler's many briefly warm functions than it saved: measured, the CLI on a 2,000-line file took
// about 40% less CPU time (and on 8,000 lines about 25% less) under load on 2 cores.
require("node:v8").setFlagsFromString("--interrupt-budget=540672");
const saveCache = require("./compile-cache.js").loadTypeScriptCached();
let cli;
try {
  cli = require("../dist/compiler/cli/main.js");
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND" && /dist[\\/]compiler[\\/]cli[\\/]main/.test(String(e.message))) {
    console.error("adc: the compiler is not built yet; run `npm run build` (npm ci does it for you)");
    process.exit(1);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    if (saveCache) saveCache();
  },
  (e) => {
    console.error(`adc: internal error: ${e && e.message ? e.message : e}`);
    process.exitCode = 1;
  },
);
