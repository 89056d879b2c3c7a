// A document nested deeper than any OpenAPI document needs (an `x-` extension of 20,000 nested
// lists) is refused with a clear error naming where, not a stack overflow reported as an
// internal error: every later stage walks the document recursively.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BadInputError } from "../../generator/errors.js";
import { MAX_NESTING } from "../../generator/load-guards.js";
import { loadSpec } from "../../generator/load.js";
import { ROOT } from "./workspace.js";

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const dir = mkdtempSync(join(ROOT, ".xdr-test-tmp", "nesting-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const doc = (deep: string) =>
  `{"openapi":"3.0.3","info":{"title":"d","version":"1"},"x-deep":${deep},` +
  `"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}}}`;

describe("nesting", () => {
  it("20,000 nested lists: one BadInputError naming where the deep part starts", async () => {
    const file = join(dir, "deep.json");
    writeFileSync(file, doc("[".repeat(20_000) + "]".repeat(20_000)));
    const error = await loadSpec(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(
      /#\/x-deep\/0\/0\/0\/0\/0\/0\/0\): nested more than 500 levels deep below here/,
    );
  });

  it(`${MAX_NESTING - 10} levels load`, async () => {
    const file = join(dir, "fine.json");
    const n = MAX_NESTING - 10;
    writeFileSync(file, doc("[".repeat(n) + "]".repeat(n)));
    await expect(loadSpec(file)).resolves.toMatchObject({ openapiVersion: "3.0" });
  });
});
