// Shortens the names the wasm module and its glue use to talk to each other (issue 6: bytes).
//
// wasm-bindgen names every import `__wbg_<method>_<16 hex digits>` in the module "./clerk_wasm_bg.js" and every
// export after its Rust item (`clerk_mountUserButton`, `wasm_bindgen__convert__closures_____invoke__h…`). Each name
// is stored twice, once in the wasm and once in clerk_wasm.js, and the hex digits do not compress: about 3 KB of
// the brotli download. binaryen's `--minify-imports-and-exports-and-modules` renames them all (module "a", names
// "a", "b", … "Aa", …) and prints the old → new mapping, which this script then applies to the glue:
//   - imports: the one key of each import in `__wbg_get_imports()` (`__wbg_append_…: function(…)`), and the module
//     key `"./clerk_wasm_bg.js"`;
//   - exports: every `wasm.<name>` (the glue's only way to reach an export), and the names in
//     clerk_wasm_bg.wasm.d.ts.
// Runs on wasm-bindgen's unminified output, before esbuild (which turns the quoted keys back into bare ones).
// Fails the build when a name is not found where expected or an old name survives, so a new wasm-bindgen output
// shape cannot slip through half-renamed.
//
//   node scripts/minify-names.mjs [pkgDir]
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";

const pkg = resolve(process.argv[2] ?? "pkg");
const wasmPath = join(pkg, "clerk_wasm_bg.wasm");
const gluePath = join(pkg, "clerk_wasm.js");
const typesPath = join(pkg, "clerk_wasm_bg.wasm.d.ts");
const OLD_MODULE = "./clerk_wasm_bg.js";

// The features wasm-bindgen's output uses (the module's target-features section was stripped by the -Oz run).
const FEATURES = ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-reference-types",
  "--enable-sign-ext", "--enable-mutable-globals", "--enable-multivalue"];

function fail(message) {
  console.error(`minify-names: ${message}`);
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "clerk-names-"));
let mapping;
try {
  const out = join(scratch, "out.wasm");
  const printed = execFileSync("wasm-opt", [wasmPath, ...FEATURES, "--minify-imports-and-exports-and-modules",
    "-o", out], { encoding: "utf8", maxBuffer: 16 << 20 });
  mapping = JSON.parse(printed.slice(printed.indexOf("{")));
  writeFileSync(wasmPath, readFileSync(out));
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const imports = mapping.imports ?? [];
const exportsMap = mapping.exports ?? [];
if (imports.length === 0 || exportsMap.length === 0) fail("wasm-opt printed no mapping");
if (imports.some(([module]) => module !== OLD_MODULE)) fail(`an import is not from ${OLD_MODULE}`);

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
let glue = readFileSync(gluePath, "utf8");

/** Replaces the matches of `pattern` (global) with `replacement`, requiring at least `min` matches. */
function replaceAll(text, pattern, replacement, what, min = 1) {
  let count = 0;
  const result = text.replace(pattern, () => {
    count += 1;
    return replacement;
  });
  if (count < min) fail(`${what}: expected at least ${min} occurrence(s), found ${count}`);
  return result;
}

// The module: `"./clerk_wasm_bg.js": import0` in the object __wbg_get_imports returns. The new module name is
// binaryen's first minified name ("a"), which it does not print; read it back from the module to be sure.
const newModule = readImportModule(readFileSync(wasmPath));
glue = replaceAll(glue, new RegExp(`${JSON.stringify(OLD_MODULE).replace(/[.]/g, "\\.")}(?=\\s*:)`, "g"),
  JSON.stringify(newModule), "the import module key");

// Imports: each old name is a key, exactly once.
for (const [, oldName, newName] of imports) {
  glue = replaceAll(glue, new RegExp(`(?<![\\w$])${escape(oldName)}(?=\\s*:\\s*function)`, "g"),
    JSON.stringify(newName), `import ${oldName}`);
}
// Exports: `wasm.name` (a few also name JS functions of the glue, which stay).
for (const [oldName, newName] of exportsMap) {
  glue = glue.replace(new RegExp(`\\bwasm\\.${escape(oldName)}(?![\\w$])`, "g"), `wasm[${JSON.stringify(newName)}]`);
}
for (const [, oldName] of imports) {
  if (new RegExp(`(?<![\\w$])${escape(oldName)}(?![\\w$])`).test(glue)) fail(`import ${oldName} is still named`);
}
for (const [oldName] of exportsMap) {
  if (new RegExp(`\\bwasm\\.${escape(oldName)}(?![\\w$])`).test(glue)) fail(`export ${oldName} is still named`);
}
writeFileSync(gluePath, glue);

// The module's own types (for bundlers that type the wasm import): the export names.
let types = readFileSync(typesPath, "utf8");
for (const [oldName, newName] of exportsMap) {
  types = types.replace(new RegExp(`^export const ${escape(oldName)}:`, "m"), `export const ${newName}:`);
}
writeFileSync(typesPath, types);

console.log(`minify-names: ${imports.length} imports, ${exportsMap.length} exports renamed`);

/** The module name of the first import in a wasm binary. */
function readImportModule(bytes) {
  let i = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      result |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) return result >>> 0;
    }
  };
  while (i < bytes.length) {
    const id = bytes[i++];
    const size = leb();
    const end = i + size;
    if (id === 2) {
      leb(); // the number of imports
      const length = leb();
      return new TextDecoder().decode(bytes.subarray(i, i + length));
    }
    i = end;
  }
  fail("the module has no imports");
}
