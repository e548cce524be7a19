// Bytes the script-tag page downloads to mount UserButton and SignIn: the loader, wasm-bindgen's glue and the wasm
// module (the components' CSS is inside the module, installed as a constructable stylesheet; there is no CSS file).
// Each file raw, gzip -9 and brotli quality 11 (node's zlib), and the total.
//
//   node bench/sizes.mjs [pkgDir]          prints the table
//   import { measureSizes } from "./sizes.mjs"
import { readFileSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The files, in the order the page fetches them. */
export const SCRIPT_TAG_FILES = ["clerk.browser.js", "clerk_wasm.js", "clerk_wasm_bg.wasm"];

/** `{ files: [{ file, raw, gzip, brotli }], total: { raw, gzip, brotli } }`, in bytes. */
export function measureSizes(pkgDir = join(ROOT, "pkg")) {
  const files = SCRIPT_TAG_FILES.map((file) => {
    const bytes = readFileSync(join(pkgDir, file));
    return {
      file,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      }).length,
    };
  });
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) for (const k of Object.keys(total)) total[k] += f[k];
  return { files, total };
}

/** The sizes as aligned text lines. */
export function formatSizes({ files, total }) {
  const row = (name, r) =>
    `${name.padEnd(22)} ${String(r.raw).padStart(9)} ${String(r.gzip).padStart(9)} ${String(r.brotli).padStart(9)}`;
  return [`${"bytes".padEnd(22)} ${"raw".padStart(9)} ${"gzip -9".padStart(9)} ${"brotli 11".padStart(9)}`,
    ...files.map((f) => row(f.file, f)), row("total", total)].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatSizes(measureSizes(process.argv[2] ? resolve(process.argv[2]) : undefined)));
}
