// The generate/check pipeline and the command line. Generation runs in-process through the
// programmatic API (the CLI is a thin layer over it): a child process per run cost seconds of
// start-up each and timed tests out on a busy 2-core machine. Child processes remain where the
// process is the subject: exit codes and stderr, SIGKILL, watch, --help and --version.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { check, generate, type GenerateOptions } from "../../generator/api.js";
import { BadInputError } from "../../generator/errors.js";
import { readTree } from "../../generator/write.js";
import { fixtureWorkspace, ROOT, waitForOutput, type Workspace } from "./workspace.js";

let ws: Workspace;
beforeEach(() => {
  ws = fixtureWorkspace();
});
afterEach(() => ws.remove());

const tree = () => readTree(ws.path("out"));

/** `xdr-codegen generate …` in-process: the log lines and the result. */
async function gen(options: Omit<GenerateOptions, "cwd" | "log"> = {}, dir = ws.dir) {
  const lines: string[] = [];
  const result = await generate({ ...options, cwd: dir, log: (l) => lines.push(l) });
  return { ...result, stdout: lines.join("\n") + "\n" };
}

describe("generate", () => {
  it("writes the package: sources, compiled JS and declarations, docs, manifest", async () => {
    const r = await gen();
    expect(r.stdout).toMatch(/^pets +generated +7 operations, \d+ ms$/m);
    expect(r.stdout).toMatch(/^intel +generated +4 operations, \d+ ms$/m);
    for (const file of [
      "package.json",
      "README.md",
      "docs/pets.md",
      "src/pets/client.ts",
      "src/runtime/types.ts",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/intel/operations.js",
      "dist/intel/operations.d.ts",
      ".xdr-codegen-manifest.json",
    ]) {
      expect(existsSync(ws.path("out", file)), file).toBe(true);
    }
  });

  it("writes byte-identical output twice, and skips every API the second time", async () => {
    await gen();
    const first = await tree();
    await gen({ force: true });
    expect(await tree()).toEqual(first);

    const noop = await gen();
    expect(noop.stdout).toMatch(/^pets +unchanged$/m);
    expect(noop.stdout).toMatch(/^intel +unchanged$/m);
    expect(noop.stdout).toMatch(/^nothing to do \(\d+ ms\)$/m);
    expect(await tree()).toEqual(first);
  });

  it("regenerates only the API whose spec changed", async () => {
    await gen();
    ws.write(
      "specs/intel.json",
      ws.read("specs/intel.json").replace("Find observables", "Extract observables"),
    );
    const r = await gen();
    expect(r.stdout).toMatch(/^pets +unchanged$/m);
    expect(r.stdout).toMatch(/^intel +generated/m);
    expect(ws.read("out/src/intel/client.ts")).toContain("Extract observables");
  });

  it("regenerates only the named API, and speaks of it alone", async () => {
    await gen();
    ws.write(
      "specs/intel.json",
      ws.read("specs/intel.json").replace("Find observables", "Extract observables"),
    );
    ws.write("specs/pets.yaml", ws.read("specs/pets.yaml").replace("List pets", "List all pets"));
    const r = await gen({ apis: ["intel"] });
    expect(r.stdout).toMatch(/^intel +generated/m);
    expect(r.stdout).not.toMatch(/pets/);
    expect(r.generated).toEqual(["intel"]);
    expect(r.unchanged).toEqual(["pets"]);
    expect(ws.read("out/src/pets/client.ts")).not.toContain("List all pets");
  });

  it("applies template overrides from --templates", async () => {
    ws.write("README.md.hbs", "# custom {{name}}\n");
    await gen({ templates: "." });
    expect(ws.read("out/README.md")).toBe("# custom fixture-sdk\n");
  });

  it("reports a broken template override as bad input naming the template", async () => {
    ws.write("README.md.hbs", "# {{nope}}\n");
    const error = await gen({ templates: "." }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(
      /README\.md\.hbs: template failed: "nope" not defined/,
    );
  });

  it("generates a standalone package with --input", async () => {
    await gen({ input: "specs/pets.yaml", name: "@acme/pets-sdk", out: "standalone" });
    const pkg = JSON.parse(ws.read("standalone/package.json"));
    expect(pkg.name).toBe("@acme/pets-sdk");
    expect(Object.keys(pkg.exports)).toContain("./petsSdk");
  });

  it("refuses to replace a folder it did not write", async () => {
    ws.write("specs/keep.txt", "mine");
    const error = await gen({ input: "specs/pets.yaml", name: "x", out: "specs" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(
      /refusing to replace this folder: it was not written by xdr-codegen/,
    );
    expect(ws.read("specs/keep.txt")).toBe("mine");
  });
});

describe("a moved or re-cloned checkout", () => {
  it("is a no-op regeneration, and a fresh generation elsewhere is byte-identical", async () => {
    await gen();
    const first = await tree();
    // The project moved: same files, another absolute path.
    const moved = mkdtempSync(join(ROOT, ".xdr-test-tmp", "moved-"));
    try {
      cpSync(ws.dir, moved, { recursive: true });
      const r = await gen({}, moved);
      expect(r.stdout).toMatch(/^nothing to do/m);
      // A clone: specs and config only, generated from scratch.
      const clone = mkdtempSync(join(ROOT, ".xdr-test-tmp", "clone-"));
      try {
        cpSync(join(ws.dir, "specs"), join(clone, "specs"), { recursive: true });
        cpSync(ws.path("xdr-codegen.config.json"), join(clone, "xdr-codegen.config.json"));
        await gen({}, clone);
        expect(await readTree(join(clone, "out"))).toEqual(first);
      } finally {
        rmSync(clone, { recursive: true, force: true });
      }
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
    expect(ws.read("out/.xdr-codegen-manifest.json")).not.toContain(ROOT);
  });
});

describe("a copy of xdr-codegen itself in another folder", () => {
  it("regenerates nothing that the original wrote, and writes the same bytes", async () => {
    const copies = [0, 1].map(() => mkdtempSync(join(ROOT, ".xdr-test-tmp", "tool-")));
    try {
      for (const copy of copies) {
        for (const part of ["dist/xdr-codegen.js", "dist/index.js", "templates", "package.json"]) {
          cpSync(join(ROOT, part), join(copy, part), { recursive: true });
        }
      }
      const run = (copy: string, args: string[]) =>
        spawnSync(process.execPath, [join(copy, "dist/xdr-codegen.js"), ...args], {
          cwd: ws.dir,
          encoding: "utf8",
        });
      expect(run(copies[0]!, ["generate"]).status).toBe(0);
      const first = await tree();
      expect(run(copies[1]!, ["generate"]).stdout).toMatch(/^nothing to do/m);
      expect(run(copies[1]!, ["generate", "--force"]).status).toBe(0);
      expect(await tree()).toEqual(first);
    } finally {
      for (const copy of copies) rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe("bad input", () => {
  const cases: [string, { edit: (ws: Workspace) => void; args?: string[]; want: RegExp }][] = [
    [
      "malformed spec",
      {
        edit: (w) => w.write("specs/intel.json", '{ "openapi": '),
        want: /^specs\/intel\.json:1:14: malformed JSON: Unexpected end of JSON input$/,
      },
    ],
    [
      "unknown API name",
      {
        edit: () => undefined,
        args: ["generate", "nope"],
        want: /^xdr-codegen\.config\.json: no API named "nope" \(configured: pets, intel\)$/,
      },
    ],
    [
      "broken config",
      {
        edit: (w) =>
          w.write("xdr-codegen.config.json", JSON.stringify({ apis: { pets: { spec: 3 } } })),
        want: /^xdr-codegen\.config\.json \(#\/apis\/pets\/spec\): expected a non-empty string$/,
      },
    ],
    [
      "a schema type that does not exist",
      {
        edit: (w) =>
          w.write(
            "specs/pets.yaml",
            w.read("specs/pets.yaml").replace(/type: integer/, "type: integr"),
          ),
        want: /^specs\/pets\.yaml:16:\d+ \(#\/paths\/~1v1~1pets\/get\/parameters\/0\/schema\/type\): `type` can be one of the following only: .* \[struct\]$/,
      },
    ],
    [
      "a downloaded spec that does not match its lock",
      {
        edit: (w) => {
          const config = JSON.parse(w.read("xdr-codegen.config.json"));
          config.apis.pets.fetch = { lock: "specs/pets.lock.json", mirrors: [] };
          w.write("xdr-codegen.config.json", JSON.stringify(config));
          w.write("specs/pets.yaml", w.read("specs/pets.yaml") + "# edited by hand\n");
        },
        want: /^specs\/pets\.yaml: refusing to generate from it: does not match specs\/pets\.lock\.json: sha256 \w+ \(file\) vs \w+ \(lock\); run npm run fetch-spec/,
      },
    ],
  ];
  it.each(cases)(
    "%s: one line naming the place, exit 2, previous output intact",
    async (_title, { edit, args, want }) => {
      // A lock for the pets spec as generated first.
      const bytes = ws.read("specs/pets.yaml");
      ws.write(
        "specs/pets.lock.json",
        JSON.stringify({
          url: "https://example.com/pets.yaml",
          sha256: createHash("sha256").update(bytes).digest("hex"),
          size: Buffer.byteLength(bytes),
          openapi: "3.0.3",
          title: "Pets",
          version: "1.2.3",
          operations: 7,
          fetchedAt: "2026-01-01",
          fetchedFrom: "test",
        }),
      );
      await gen();
      const before = await tree();
      edit(ws);
      const r = ws.run(args ?? ["generate"]);
      expect(r.stderr.trimEnd()).toMatch(want);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(await tree()).toEqual(before);
    },
  );

  it("writes nothing when the first run fails", () => {
    ws.write("specs/pets.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n");
    const r = ws.run(["generate"]);
    expect(r.code).toBe(2);
    expect(existsSync(ws.path("out"))).toBe(false);
  });

  it.each([
    ["upper case", "Pets", /lower-case letters/],
    ["a space", "my sdk", /lower-case letters/],
    ["two scopes", "@a/@b/c", /lower-case letters/],
    ["too long", "x".repeat(215), /at most 214 characters/],
  ])("--name with %s is refused before the spec is read", (_title, name, want) => {
    const r = ws.run(["generate", "--input", "missing.yaml", "--name", name, "--out", "o"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(want);
    expect(r.stderr).toMatch(/is not a valid npm package name/);
    expect(r.stderr).not.toMatch(/missing\.yaml/);
    expect(existsSync(ws.path("o"))).toBe(false);
  });
});

describe("internal errors", () => {
  it('print "internal error" with the stack and exit 70, not 2', () => {
    const r = ws.run(["generate"], { XDR_CODEGEN_TEST_PAUSE: "bug" });
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/^xdr-codegen: internal error/);
    expect(r.stderr).toMatch(/TypeError: simulated bug/);
    expect(r.stderr).toMatch(/\n\s+at /);
    expect(existsSync(ws.path("out"))).toBe(false);
  });
});

describe("check", () => {
  it("fails after a spec edit without regeneration, passes after regeneration", async () => {
    await gen();
    expect(await check({ cwd: ws.dir })).toMatchObject({ ok: true, problems: [] });
    ws.write("specs/pets.yaml", ws.read("specs/pets.yaml").replace("List pets", "List all pets"));
    const drift = await check({ cwd: ws.dir });
    expect(drift.ok).toBe(false);
    expect(drift.problems).toContain("differs   src/pets/client.ts");
    await gen();
    expect((await check({ cwd: ws.dir })).ok).toBe(true);
  });

  it("exits 1 on drift and 2 on an invalid spec", async () => {
    await gen();
    ws.write("out/src/pets/client.ts", "// edited\n");
    const drift = ws.run(["check"]);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toMatch(/out is out of date [\s\S]*differs +src\/pets\/client\.ts/);
    ws.write("specs/pets.yaml", "openapi: [");
    expect(ws.run(["check"]).code).toBe(2);
  });
});

describe("crash safety", () => {
  it("SIGKILL while files are written leaves the previous output intact", async () => {
    await gen();
    const before = await tree();
    ws.write("specs/pets.yaml", ws.read("specs/pets.yaml").replace("List pets", "List all pets"));
    const child = ws.start(["generate"], { XDR_CODEGEN_TEST_PAUSE: "write" });
    await waitForOutput(child, /paused at write/);
    child.kill("SIGKILL");
    await new Promise((done) => child.once("exit", done));
    expect(await tree()).toEqual(before);
    // The next run removes the half-written folder and writes the new output.
    expect(readdirSync(ws.dir).some((n) => n.includes(".tmp-"))).toBe(true);
    await gen();
    expect(readdirSync(ws.dir).some((n) => n.includes(".tmp-"))).toBe(false);
    expect(ws.read("out/src/pets/client.ts")).toContain("List all pets");
  });

  it("SIGKILL between the two renames is undone by the next run", async () => {
    await gen();
    const before = await tree();
    ws.write("specs/pets.yaml", ws.read("specs/pets.yaml").replace("List pets", "List all pets"));
    const child = ws.start(["generate"], { XDR_CODEGEN_TEST_PAUSE: "swap" });
    await waitForOutput(child, /paused at swap/);
    child.kill("SIGKILL");
    await new Promise((done) => child.once("exit", done));
    expect(existsSync(ws.path("out"))).toBe(false);
    // `check` puts the previous output back first, then reports the drift the edit caused.
    expect((await check({ cwd: ws.dir })).ok).toBe(false);
    expect(await tree()).toEqual(before);
  });
});

describe("watch", () => {
  it("regenerates only the API whose spec changed", async () => {
    await gen();
    const child = ws.start(["watch"]);
    try {
      await waitForOutput(child, /watching /);
      const changed = waitForOutput(child, /intel +generated[^\n]*\n(.|\n)*wrote /);
      ws.write(
        "specs/intel.json",
        ws.read("specs/intel.json").replace("Find observables", "Extract observables"),
      );
      const output = await changed;
      expect(output).toMatch(/^pets +unchanged$/m);
      expect(output).toMatch(/^intel +generated/m);
      expect(ws.read("out/src/intel/client.ts")).toContain("Extract observables");
    } finally {
      child.kill("SIGINT");
      await new Promise((done) => child.once("exit", done));
    }
  });
});

describe("--help and --version", () => {
  it.each([[[]], [["generate"]], [["check"]], [["watch"]], [["fetch-spec"]]])(
    "%j --help",
    (args) => {
      const r = ws.run([...args, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("xdr-codegen");
    },
  );

  it("--version prints the package version", () => {
    const r = ws.run(["--version"]);
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});
