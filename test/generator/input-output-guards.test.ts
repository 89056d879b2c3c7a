// The input and output stages refuse what an outside audit found they took: `--out` naming a
// file (deleted and replaced), a `$ref` that is not a string (an openapi-typescript crash), a
// YAML alias bomb (minutes and gigabytes, then a crash), header parameters OpenAPI says are
// ignored (a broken multipart upload), and remote `$ref`s fetched under --offline.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../generator/api.js";
import { BadInputError } from "../../generator/errors.js";
import { loadSpec, setOffline } from "../../generator/load.js";
import { writeOutput } from "../../generator/write.js";
import { CLI, ROOT } from "./workspace.js";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const dir = mkdtempSync(join(ROOT, ".xdr-test-tmp", "guards-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** Runs the CLI without blocking: the test's own server must be able to answer meanwhile. */
function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((done) => child.on("close", (code) => done({ code: code ?? -1, stderr })));
}

/** Why `loadSpec(file)` refused it (fails the test if it did not). */
async function refusal(file: string): Promise<BadInputError> {
  const error: unknown = await loadSpec(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadInputError);
  return error as BadInputError;
}

const SPEC = `openapi: 3.0.3
info: { title: T, version: "1" }
paths: { /a: { get: { responses: { "200": { description: ok } } } } }
`;

describe("--out never destroys a file, and a path through a file is bad input", () => {
  const cases: [string, { out: string; want: RegExp }][] = [
    ["--out names a file", { out: "afile", want: /afile: is a file, not a folder/ }],
    [
      "--out goes through a file",
      { out: "afile/sub", want: /afile\/sub: cannot create this folder: .*afile is a file/ },
    ],
  ];
  it.each(cases)("%s: exit 2, the file untouched", async (_title, { out, want }) => {
    write("out-spec.yaml", SPEC);
    write("afile", "precious\n");
    const r = await cli(["generate", "--input", "out-spec.yaml", "--name", "afile", "--out", out]);
    expect(r.stderr).toMatch(want);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, "afile"), "utf8")).toBe("precious\n");
  });

  it("a write that fails keeps the previous output and leaves no temp folder", async () => {
    const out = join(dir, "kept");
    await writeOutput(out, [{ path: "a.txt", content: "old" }], []);
    // `x` is both a file and a folder: writing the file fails (EISDIR), a bug not a user error.
    const files = [
      { path: "x/y.txt", content: "new" },
      { path: "x", content: "new" },
    ];
    await expect(writeOutput(out, files, [])).rejects.toThrow(/EISDIR/);
    expect(readFileSync(join(out, "a.txt"), "utf8")).toBe("old");
    expect(readdirSync(dir).filter((f) => f.startsWith(".kept."))).toEqual([]);
  });

  it("writing under a file is bad input naming the file", async () => {
    const file = write("plain", "x");
    await expect(writeOutput(join(file, "pkg"), [{ path: "a", content: "" }], [])).rejects.toThrow(
      new RegExp(`cannot create this folder: ${file} is a file, not a folder`),
    );
  });
});

describe("a `$ref` must be a string", () => {
  const cases: [string, string][] = [
    ["a number", "5"],
    ["null", "null"],
    ["a list", "[a]"],
    ["an object", "{ x: 1 }"],
  ];
  it.each(cases)("$ref: %s is refused with its pointer and line", async (_title, value) => {
    const file = write(
      "ref-not-string.yaml",
      `openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: ${value} }
`,
    );
    const error = await refusal(file);
    expect(error.message).toMatch(
      /:11:\d+ \(#\/paths\/~1a\/get\/responses\/200\/content\/application~1json\/schema\/\$ref\): `\$ref` must be a string/,
    );
  });

  it("a property, an example or an extension named `$ref` is not a reference", async () => {
    const file = write(
      "ref-as-name.yaml",
      `openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /a:
    get:
      x-data: { $ref: 5 }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties: { $ref: { type: string } }
                example: { $ref: 5 }
`,
    );
    await expect(loadSpec(file)).resolves.toBeDefined();
  });
});

describe("YAML aliases", () => {
  const bomb = (levels: number) => {
    const names = "abcdefghij";
    const lines = [`x-0: &${names[0]} {title: A, version: "1"}`];
    for (let i = 1; i <= levels; i++) {
      lines.push(
        `x-${i}: &${names[i]} [${Array(9)
          .fill(`*${names[i - 1]}`)
          .join(", ")}]`,
      );
    }
    return lines.join("\n") + "\n";
  };

  it("an alias bomb is refused at once, naming the line of its last level", async () => {
    const file = write(
      "bomb.yaml",
      `openapi: 3.0.3\ninfo: { title: T, version: "1" }\n${bomb(8)}paths: { /a: { get: { responses: { "200": { description: ok } } } } }\n`,
    );
    const error = await refusal(file);
    expect(error.message).toMatch(/bomb\.yaml:11:\d+ \(#\/x-8\): YAML aliases here expand to/);
  });

  it("an alias inside its own anchor (an endless value) is refused", async () => {
    const file = write("loop.yaml", `${SPEC}x-loop: &l { again: *l }\n`);
    const error = await refusal(file);
    expect(error.message).toMatch(/loop\.yaml:4:\d+ \(#\/x-loop\): a YAML alias here refers/);
  });

  it("a bomb in a file the spec refers to is refused, naming that file", async () => {
    write("parts/bomb.yaml", `type: object\n${bomb(8)}`);
    const file = write(
      "uses-bomb.yaml",
      SPEC.replace(
        "{ description: ok } }",
        '{ description: ok, content: { application/json: { schema: { $ref: "parts/bomb.yaml" } } } } }',
      ),
    );
    const error = await refusal(file);
    expect(error.message).toMatch(/parts\/bomb\.yaml \(#\/x-8\): YAML aliases here expand/);
  });

  it("a spec with a few anchors still loads, the aliases expanded", async () => {
    const file = write(
      "anchors.yaml",
      `openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /a:
    get:
      responses: &std
        "200": { description: ok, content: { application/json: { schema: { type: string } } } }
        "404": { description: missing }
  /b:
    get:
      responses: *std
  /c:
    get:
      responses: *std
`,
    );
    const spec = await loadSpec(file);
    expect(Object.keys(spec.document.paths["/c"]!.get as object)).toEqual(["responses"]);
    expect(
      Object.keys((spec.document.paths["/c"]!.get as { responses: object }).responses),
    ).toEqual(["200", "404"]);
  });
});

describe("header parameters OpenAPI says are ignored are dropped", () => {
  const UPLOAD = (servers: string) => `openapi: 3.0.3
info: { title: Up, version: "1" }
servers: [{ url: "${servers}" }]
components:
  parameters:
    Auth: { name: authorization, in: header, required: true, schema: { type: string } }
paths:
  /files:
    parameters:
      - { name: ACCEPT, in: header, required: true, schema: { type: string } }
    post:
      operationId: upload
      parameters:
        - name: Content-Type
          in: header
          required: true
          schema: { type: string, enum: [multipart/form-data] }
        - $ref: "#/components/parameters/Auth"
        - { name: X-Trace, in: header, schema: { type: string } }
        - { name: authorization, in: query, schema: { type: string } }
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              properties: { note: { type: string }, file: { type: string, format: binary } }
      responses: { "200": { description: ok } }
`;

  it("from path items and operations, inline or by $ref, whatever their case", async () => {
    const spec = await loadSpec(write("up.yaml", UPLOAD("http://127.0.0.1:1")));
    const item = spec.document.paths["/files"]! as {
      parameters: unknown[];
      post: { parameters: unknown[] };
    };
    expect(item.parameters).toEqual([]);
    expect(item.post.parameters).toEqual([
      { name: "X-Trace", in: "header", schema: { type: "string" } },
      // Only headers are ignored: a query parameter may be named anything.
      { name: "authorization", in: "query", schema: { type: "string" } },
    ]);
  });

  describe("in a generated package", () => {
    let server: Server;
    const seen: { contentType?: string; body: string }[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          seen.push({ contentType: req.headers["content-type"], body });
          res.end();
        });
      });
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      write("up-pkg.yaml", UPLOAD(base));
      await generate({ input: "up-pkg.yaml", name: "up", out: "up", cwd: dir });
    }, 180_000);
    afterAll(() => new Promise((done) => server.close(done)));

    it("the parameters type has no Accept, Content-Type or Authorization", () => {
      const types = readFileSync(join(dir, "up/src/up/types.ts"), "utf8");
      const upload = types.slice(types.indexOf("upload: {"));
      // The operation's header parameters: X-Trace alone.
      const headers = /header\??: \{([^}]*)\}/.exec(upload)?.[1] ?? "";
      expect(headers.replace(/\s+/g, " ").trim()).toBe('"X-Trace"?: string;');
      expect(types).not.toMatch(/"Content-Type"|ACCEPT/);
    });

    it("an upload is sent as multipart/form-data with its boundary", async () => {
      const mod = (await import(pathToFileURL(join(dir, "up/dist/index.js")).href)) as {
        createUpClient: () => { files: { upload: (args: object) => Promise<unknown> } };
      };
      await mod.createUpClient().files.upload({ note: "hello" });
      const request = seen.at(-1)!;
      expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
      const boundary = request.contentType!.split("boundary=")[1]!;
      expect(request.body).toContain(boundary);
      expect(request.body).toContain("hello");
    });
  });
});

describe("--offline never fetches a remote $ref", () => {
  let server: Server;
  let base = "";
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url!);
      res.setHeader("content-type", "application/json");
      res.end('{"type":"object","properties":{"r":{"type":"string"}}}');
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    setOffline(false);
    await new Promise((done) => server.close(done));
  });

  const withRef = (name: string, ref: string) =>
    write(
      name,
      SPEC.replace(
        "{ description: ok } }",
        `{ description: ok, content: { application/json: { schema: { $ref: "${ref}" } } } } }`,
      ),
    );

  it("a remote $ref in the spec is refused with its pointer, nothing fetched", async () => {
    setOffline(true);
    requests.length = 0;
    const error = await refusal(withRef("remote.yaml", `${base}/schema.json`));
    expect(error.message).toMatch(
      /remote\.yaml:3:\d+ \(#\/paths\/~1a\/get\/responses\/200\/content\/application~1json\/schema\/\$ref\): remote reference "http:\/\/127\.0\.0\.1:\d+\/schema\.json": --offline never fetches/,
    );
    expect(requests).toEqual([]);
  });

  it("a remote $ref in a file the spec refers to is refused too", async () => {
    setOffline(true);
    requests.length = 0;
    write("parts/remote.yaml", `type: object\nproperties:\n  s: { $ref: "${base}/s.json" }\n`);
    const error = await refusal(withRef("nested.yaml", "parts/remote.yaml"));
    expect(error.message).toMatch(/remote reference "http:\/\/127\.0\.0\.1:\d+\/s\.json"/);
    expect(requests).toEqual([]);
  });

  it("online, a remote $ref is fetched once; offline again, it is refused, not reused", async () => {
    setOffline(false);
    requests.length = 0;
    const file = withRef("online.yaml", `${base}/online.json`);
    await loadSpec(file);
    expect(requests).toEqual(["/online.json"]);
    setOffline(true);
    await refusal(file);
    expect(requests).toEqual(["/online.json"]);
  });

  it("the CLI's generate --offline refuses it with exit 2", async () => {
    requests.length = 0;
    withRef("cli-remote.yaml", `${base}/cli.json`);
    const r = await cli([
      "generate",
      "--offline",
      "--input",
      "cli-remote.yaml",
      "--name",
      "remote",
      "--out",
      "remote",
    ]);
    expect(r.stderr).toMatch(/cli-remote\.yaml:3:\d+ .*remote reference/);
    expect(r.code).toBe(2);
    expect(requests).toEqual([]);
  });
});
