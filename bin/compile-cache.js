"use strict";
// V8's code cache for TypeScript's compiler (typescript.js: 9 MB that V8 compiles again at each
// start of adc, 0.2-0.3 s of a CLI run), kept under node_modules/.cache/adc/ beside it, as Node 22's
// module.enableCompileCache() does for every module (Node 20 has no such thing). The cache is V8's
// compiled code only, never adc's output; V8 checks it against the source and the V8 version and
// rejects it when they differ, and then it is written again. Written after the run, so it also holds
// the functions compiled during the run. Any failure (no write access, a damaged file) only means no
// cache: TypeScript is then loaded as usual.
// Not the v8-compile-cache package: it compiles every module it loads through vm.Script with no
// callback for dynamic import(), so the `import()` of adc's own graph and check commands throws
// ("A dynamic import callback was not specified"). typescript.js has no dynamic import.
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");

/** Loads typescript through the cache (before anything requires it); returns a function that saves the cache, or undefined. */
function loadTypeScriptCached() {
  try {
    const file = require.resolve("typescript");
    const dir = path.join(path.dirname(file), "..", "..", ".cache", "adc");
    const stat = fs.statSync(file);
    const cacheFile = path.join(dir, `typescript-${process.versions.v8}-${stat.size}-${Math.round(stat.mtimeMs)}.cache`);
    let cached;
    try {
      cached = fs.readFileSync(cacheFile);
    } catch {
      cached = undefined;
    }
    const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData: cached });
    const mod = new Module(file, module);
    mod.filename = file;
    mod.paths = Module._nodeModulePaths(path.dirname(file));
    Module._cache[file] = mod;
    try {
      script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
    } catch (e) {
      delete Module._cache[file];
      throw e;
    }
    mod.loaded = true;
    if (cached && !script.cachedDataRejected) return undefined;
    return () => {
      try {
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile); // whole or not at all, when two runs write at once
        for (const old of fs.readdirSync(dir))
          if (old.startsWith("typescript-") && old.endsWith(".cache") && old !== path.basename(cacheFile))
            fs.rmSync(path.join(dir, old), { force: true });
      } catch {
        // no cache this time
      }
    };
  } catch {
    return undefined;
  }
}

module.exports = { loadTypeScriptCached };
