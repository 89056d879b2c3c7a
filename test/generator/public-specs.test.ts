// `generate --input` on real public specs shipped in npm packages (@readme/oas-examples, and
// Cisco's Automation document from ../shared): each either generates a package that passes
// `tsc --strict`, or is refused with the one-line reason recorded here.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate as generateApi } from "../../generator/api.js";
import { BadInputError } from "../../generator/errors.js";
import { ROOT } from "./workspace.js";
import { strictTsc } from "../support/tsc.js";

const EXAMPLES = join(ROOT, "node_modules/@readme/oas-examples");
const AUTOMATION = join(ROOT, "../shared/specs/automation/cisco-xdr-automation-openapi.json");
const OUT = join(ROOT, ".xdr-test-tmp/public-specs");

type Want = "generates" | RegExp;
const SPECS: [string, string, Want][] = [
  ["petstore 3.0", `${EXAMPLES}/3.0/json/petstore.json`, "generates"],
  ["petstore 3.0 (YAML)", `${EXAMPLES}/3.0/yaml/petstore.yaml`, "generates"],
  ["petstore 3.1", `${EXAMPLES}/3.1/json/petstore.json`, "generates"],
  ["petstore-expanded", `${EXAMPLES}/3.0/json/petstore-expanded.json`, "generates"],
  ["readme 3.1", `${EXAMPLES}/3.1/json/readme.json`, "generates"],
  ["parameter styles 3.1", `${EXAMPLES}/3.1/json/parameters-style.json`, "generates"],
  ["schema types 3.1", `${EXAMPLES}/3.1/json/schema-types.json`, "generates"],
  ["file uploads (multipart)", `${EXAMPLES}/3.0/json/file-uploads.json`, "generates"],
  ["form data", `${EXAMPLES}/3.0/json/form-data.json`, "generates"],
  ["polymorphism", `${EXAMPLES}/3.0/json/polymorphism.json`, "generates"],
  ["circular schemas", `${EXAMPLES}/3.0/json/circular.json`, "generates"],
  ["callbacks, no servers", `${EXAMPLES}/3.0/json/callbacks.json`, "generates"],
  ["security schemes", `${EXAMPLES}/3.0/json/security.json`, "generates"],
  ["many status codes", `${EXAMPLES}/3.0/json/http-status-codes.json`, "generates"],
  ["Cisco XDR Automation", AUTOMATION, "generates"],
  // openapi-typescript refuses the whole document; the mapping that names nothing is dropped.
  [
    "discriminator mapping to a missing schema",
    `${EXAMPLES}/3.0/json/discriminators.json`,
    "generates",
  ],
  [
    "webhooks only",
    `${EXAMPLES}/3.1/json/webhooks.json`,
    /webhooks\.json:\d+:\d+ \(#\/paths\): `paths` has no operations/,
  ],
];

const results = new Map<string, { code: number; stderr: string }>();

/**
 * In-process, through the programmatic API: a CLI process per spec spent seconds loading
 * modules, and the suite overran its timeout on a busy machine. The exit code is the CLI's.
 */
async function generate(
  name: string,
  spec: string,
  out: string,
): Promise<{ code: number; stderr: string }> {
  try {
    await generateApi({ input: spec, name, out, cwd: ROOT });
    return { code: 0, stderr: "" };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: error instanceof BadInputError ? 2 : 70, stderr: message + "\n" };
  }
}

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const queue = SPECS.filter(([, spec]) => existsSync(spec));
  for (const [i, [title, spec]] of queue.entries()) {
    results.set(title, await generate(`pub-${i}`, spec, join(OUT, `pub-${i}`)));
  }
}, 600_000);
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe("generate --input on public specs", () => {
  it.each(SPECS)("%s", (title, spec, want) => {
    if (!existsSync(spec)) {
      console.warn(`NOTICE: ${title} skipped: ${spec} is absent`);
      return;
    }
    const r = results.get(title)!;
    if (want === "generates") {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    } else {
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(want);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("every generated package type-checks under tsc --strict", () => {
    const tsc = strictTsc(OUT, { include: ["*/src/**/*.ts", "*/dist/**/*.d.ts"] });
    expect(tsc.output).toBe("");
    expect(tsc.status).toBe(0);
  }, 300_000);
});
