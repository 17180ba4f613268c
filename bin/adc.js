#!/usr/bin/env node
"use strict";
// The adc command. The compiler is built into dist/ by `npm ci` (the prepare script).
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
