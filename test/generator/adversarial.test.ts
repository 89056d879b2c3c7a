// A spec written to break generated code: every string that reaches the output tries to end a
// comment, a string or a template literal and run `globalThis.pwned = …`. The output must compile
// under tsc --strict, importing it must run nothing, and the docs must carry no raw HTML.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureWorkspace, ROOT, type Workspace } from "./workspace.js";

const EVIL = [
  "*/ globalThis.pwned = 'comment'; /*",
  '"; globalThis.pwned = "string"; "',
  "'; globalThis.pwned = 'single'; '",
  "`; globalThis.pwned = `template`; `",
  "${globalThis.pwned = 'interpolation'}",
  "\u2028globalThis.pwned = 'line separator'\u2029",
  "\n// */ globalThis.pwned = 'newline';\n",
  "</script><script>globalThis.pwned = 'html'</script> | col | `code`",
  "{{pwned}} {{{pwned}}}",
];
const evil = (i: number) => EVIL[i % EVIL.length]!;

function evilSpec(): unknown {
  const property = (i: number) => ({
    type: "string",
    description: evil(i),
    default: evil(i + 1),
    enum: [evil(i + 2), "plain"],
  });
  return {
    openapi: "3.1.0",
    info: { title: evil(0), version: evil(1), description: evil(2) },
    servers: [{ url: `https://api.example.com/${encodeURIComponent(evil(3))}` }],
    tags: [{ name: evil(4), description: evil(5) }],
    paths: {
      [`/things/{${"id"}}`]: {
        get: {
          operationId: evil(1),
          summary: evil(0),
          description: evil(6),
          tags: [evil(4)],
          parameters: [
            {
              name: "id",
              in: "path",
              required: true,
              description: evil(7),
              schema: { type: "string" },
            },
            { name: evil(1), in: "query", description: evil(3), schema: property(2) },
            { name: evil(3), in: "header", schema: { type: "string" } },
          ],
          responses: {
            "200": {
              description: evil(8),
              content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
            },
          },
        },
        put: {
          summary: evil(5),
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
          },
          responses: { "204": { description: evil(2) } },
        },
      },
      [`/odd/${encodeURIComponent(evil(0))}`]: {
        post: { summary: evil(7), responses: { "200": { description: "ok" } } },
      },
    },
    components: {
      schemas: {
        Thing: {
          type: "object",
          description: evil(0),
          required: [evil(1)],
          properties: Object.fromEntries(EVIL.map((e, i) => [e, property(i)])),
        },
      },
    },
  };
}

let ws: Workspace;
let run: { code: number; stdout: string; stderr: string };
beforeAll(() => {
  ws = fixtureWorkspace();
  ws.write("evil.json", JSON.stringify(evilSpec(), null, 2));
  run = ws.run(["generate", "--input", "evil.json", "--name", "evil-sdk", "--out", "evil"]);
}, 120_000);
afterAll(() => ws.remove());

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));

describe("an adversarial spec", () => {
  it("generates", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("compiles under tsc --strict", () => {
    writeFileSync(
      ws.path("evil/tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM"],
          types: [],
        },
        include: ["src/**/*.ts"],
      }),
    );
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", ws.path("evil/tsconfig.json")],
      { encoding: "utf8" },
    );
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  }, 120_000);

  it("runs nothing when every compiled module is imported and a client is made", async () => {
    delete (globalThis as { pwned?: unknown }).pwned;
    for (const file of files(ws.path("evil/dist")).filter((f) => f.endsWith(".js"))) {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const value of Object.values(mod)) {
        if (typeof value === "function" && /^create\w+Client$/.test(value.name))
          (value as (o: object) => unknown)({});
      }
    }
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
  });

  it("keeps the spec's text inside strings and comments", () => {
    const code = files(ws.path("evil/dist"))
      .filter((f) => f.endsWith(".js"))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    // Any statement assigning to globalThis.pwned outside a string would appear unquoted.
    const statements = code.split("\n").filter((l) => /^\s*globalThis\.pwned\s*=/.test(l));
    expect(statements).toEqual([]);
  });

  it("puts no raw HTML into the docs", () => {
    for (const file of files(ws.path("evil")).filter((f) => f.endsWith(".md"))) {
      expect(readFileSync(file, "utf8"), file).not.toMatch(/<script>/i);
    }
  });
});
