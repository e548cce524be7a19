// Size budgets (issue 6), from bench/budget.json, on the build in pkg/ (npm run build). Deterministic figures only:
// bytes, never timings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { measureSizes, formatSizes, ROOT } from "../../bench/sizes.mjs";

const budget = JSON.parse(readFileSync(join(ROOT, "bench/budget.json"), "utf8"));
const sizes = measureSizes();
console.log(formatSizes(sizes));

test(`the script-tag page downloads at most ${budget.script_tag_brotli_max} B brotli`, () => {
  assert.ok(sizes.total.brotli <= budget.script_tag_brotli_max,
    `script-tag total is ${sizes.total.brotli} B brotli, over the budget of ${budget.script_tag_brotli_max} B`);
});

test("the wasm module is within its recorded size (+ allowed growth)", () => {
  const wasm = sizes.files.find((f) => f.file === "clerk_wasm_bg.wasm").raw;
  const limit = Math.floor(budget.wasm_raw_bytes * (1 + budget.wasm_growth_allowed));
  assert.ok(wasm <= limit,
    `clerk_wasm_bg.wasm is ${wasm} B, more than ${budget.wasm_growth_allowed * 100} % over the recorded ` +
    `${budget.wasm_raw_bytes} B (limit ${limit} B): make it smaller, or record the new size in bench/budget.json ` +
    "in the same commit and say why");
  if (wasm < budget.wasm_raw_bytes * (1 - budget.wasm_growth_allowed)) {
    console.log(`note: clerk_wasm_bg.wasm is ${wasm} B, well under the recorded ${budget.wasm_raw_bytes} B: ` +
      "record the new size in bench/budget.json to keep the budget tight");
  }
});
