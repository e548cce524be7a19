// Writes brotli (quality 11) and gzip (-9) copies next to the files the script-tag page downloads from pkg/
// (`clerk.browser.js.br`, …), which the reference server sends as they are to browsers that accept them; compressing
// the wasm at quality 11 takes about 0.4 s, too slow to do per request. Run by scripts/build.sh; not in the npm package.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { ROOT, SCRIPT_TAG_FILES } from "../bench/sizes.mjs";

for (const file of SCRIPT_TAG_FILES) {
  const path = join(ROOT, "pkg", file);
  const bytes = readFileSync(path);
  writeFileSync(`${path}.br`, brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
}
