// Turns wasm-pack's pkg/ into the npm package `clerk-wasm`: copies the hand-written entry points, declarations
// and README from npm/ and writes pkg/package.json (ESM entry, `exports` with "." and "./react", types, files,
// sideEffects, React as an optional peer dependency). Run by scripts/build.sh after wasm-pack.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const generated = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));

for (const file of ["index.js", "index.d.ts", "react.js", "react.d.ts", "README.md"]) {
  copyFileSync(join(root, "npm", file), join(pkg, file));
}
copyFileSync(join(root, "LICENSE"), join(pkg, "LICENSE"));

const manifest = {
  name: "clerk-wasm",
  version: generated.version,
  description: generated.description,
  license: generated.license,
  repository: generated.repository,
  keywords: ["auth", "authentication", "multi-session", "clerk", "webassembly", "wasm", "react"],
  type: "module",
  main: "./index.js",
  module: "./index.js",
  types: "./index.d.ts",
  // For TypeScript's legacy "node" resolution, which ignores `exports`.
  typesVersions: { "*": { react: ["./react.d.ts"] } },
  exports: {
    ".": { types: "./index.d.ts", default: "./index.js" },
    "./react": { types: "./react.d.ts", default: "./react.js" },
    // The raw wasm-bindgen module (call its default export, `init()`, yourself) and the wasm file.
    "./clerk_wasm.js": { types: "./clerk_wasm.d.ts", default: "./clerk_wasm.js" },
    "./clerk_wasm_bg.wasm": "./clerk_wasm_bg.wasm",
    // The script-tag build (sets window.Clerk), when the build produced it.
    "./clerk.browser.js": "./clerk.browser.js",
    "./package.json": "./package.json",
  },
  // Entries that match nothing (clerk.browser.*, *.css when absent) are ignored by npm pack.
  files: [
    "index.js",
    "index.d.ts",
    "react.js",
    "react.d.ts",
    "clerk_wasm.js",
    "clerk_wasm.d.ts",
    "clerk_wasm_bg.wasm",
    "clerk_wasm_bg.wasm.d.ts",
    "clerk.browser.js",
    "*.css",
    "README.md",
    "LICENSE",
  ],
  // index.js initialises the wasm module on import; clerk.browser.js sets window.Clerk.
  sideEffects: ["./index.js", "./clerk.browser.js", "*.css"],
  peerDependencies: { react: ">=18" },
  peerDependenciesMeta: { react: { optional: true } },
};
writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`package: pkg/package.json written (clerk-wasm ${manifest.version})`);
