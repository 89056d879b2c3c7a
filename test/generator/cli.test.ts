import { existsSync, readdirSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readTree } from "../../generator/write.js";
import { fixtureWorkspace, waitForOutput, type Workspace } from "./workspace.js";

let ws: Workspace;
beforeEach(() => {
  ws = fixtureWorkspace();
});
afterEach(() => ws.remove());

const tree = () => readTree(ws.path("out"));

describe("generate", () => {
  it("writes the package: sources, compiled JS and declarations, docs, manifest", () => {
    const r = ws.run(["generate"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
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
    ws.run(["generate"]);
    const first = await tree();
    const again = ws.run(["generate", "--force"]);
    expect(again.code).toBe(0);
    expect(await tree()).toEqual(first);

    const noop = ws.run(["generate"]);
    expect(noop.stdout).toMatch(/^pets +unchanged$/m);
    expect(noop.stdout).toMatch(/^intel +unchanged$/m);
    expect(noop.stdout).toMatch(/^nothing to do \(\d+ ms\)$/m);
    expect(await tree()).toEqual(first);
  });

  it("regenerates only the API whose spec changed", () => {
    ws.run(["generate"]);
    ws.write(
      "specs/intel.json",
      ws.read("specs/intel.json").replace("Find observables", "Extract observables"),
    );
    const r = ws.run(["generate"]);
    expect(r.stdout).toMatch(/^pets +unchanged$/m);
    expect(r.stdout).toMatch(/^intel +generated/m);
    expect(ws.read("out/src/intel/client.ts")).toContain("Extract observables");
  });

  it("regenerates only the named API", () => {
    ws.run(["generate"]);
    ws.write(
      "specs/intel.json",
      ws.read("specs/intel.json").replace("Find observables", "Extract observables"),
    );
    ws.write("specs/pets.yaml", ws.read("specs/pets.yaml").replace("List pets", "List all pets"));
    const r = ws.run(["generate", "intel"]);
    expect(r.stdout).toMatch(/^pets +unchanged$/m);
    expect(r.stdout).toMatch(/^intel +generated/m);
  });

  it("applies template overrides from --templates", () => {
    ws.write("README.md.hbs", "# custom {{name}}\n");
    const r = ws.run(["generate", "--templates", "."]);
    expect(r.code).toBe(0);
    expect(ws.read("out/README.md")).toBe("# custom fixture-sdk\n");
  });

  it("generates a standalone package with --input", () => {
    const r = ws.run([
      "generate",
      "--input",
      "specs/pets.yaml",
      "--name",
      "@acme/pets-sdk",
      "--out",
      "standalone",
    ]);
    expect(r.code).toBe(0);
    const pkg = JSON.parse(ws.read("standalone/package.json"));
    expect(pkg.name).toBe("@acme/pets-sdk");
    expect(Object.keys(pkg.exports)).toContain("./petsSdk");
  });

  it("refuses to replace a folder it did not write", () => {
    ws.write("specs/keep.txt", "mine");
    const r = ws.run(["generate", "--input", "specs/pets.yaml", "--name", "x", "--out", "specs"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to replace this folder: it was not written by xdr-codegen/);
    expect(ws.read("specs/keep.txt")).toBe("mine");
  });
});

describe("bad input", () => {
  const cases: [string, { edit: (ws: Workspace) => void; want: RegExp }][] = [
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
  ];
  it.each(cases)(
    "%s: one line naming the place, exit 2, previous output intact",
    async (title, { edit, want }) => {
      ws.run(["generate"]);
      const before = await tree();
      edit(ws);
      const r = ws.run(title === "unknown API name" ? ["generate", "nope"] : ["generate"]);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd()).toMatch(want);
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
});

describe("check", () => {
  it("exits 1 after a spec edit without regeneration, 0 after regeneration", () => {
    ws.run(["generate"]);
    expect(ws.run(["check"]).code).toBe(0);
    ws.write("specs/pets.yaml", ws.read("specs/pets.yaml").replace("List pets", "List all pets"));
    const drift = ws.run(["check"]);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toMatch(/out is out of date [\s\S]*differs +src\/pets\/client\.ts/);
    ws.run(["generate"]);
    expect(ws.run(["check"]).code).toBe(0);
  });

  it("exits 1 when a generated file was edited by hand", () => {
    ws.run(["generate"]);
    ws.write("out/src/pets/client.ts", "// edited\n");
    expect(ws.run(["check"]).code).toBe(1);
  });

  it("exits 2 on an invalid spec", () => {
    ws.write("specs/pets.yaml", "openapi: [");
    expect(ws.run(["check"]).code).toBe(2);
  });
});

describe("crash safety", () => {
  it("SIGKILL while files are written leaves the previous output intact", async () => {
    ws.run(["generate"]);
    const before = await tree();
    ws.write("specs/pets.yaml", ws.read("specs/pets.yaml").replace("List pets", "List all pets"));
    const child = ws.start(["generate"], { XDR_CODEGEN_TEST_PAUSE: "write" });
    await waitForOutput(child, /paused at write/);
    child.kill("SIGKILL");
    await new Promise((done) => child.once("exit", done));
    expect(await tree()).toEqual(before);
    // The next run removes the half-written folder and writes the new output.
    expect(readdirSync(ws.dir).some((n) => n.includes(".tmp-"))).toBe(true);
    expect(ws.run(["generate"]).code).toBe(0);
    expect(readdirSync(ws.dir).some((n) => n.includes(".tmp-"))).toBe(false);
    expect(ws.read("out/src/pets/client.ts")).toContain("List all pets");
  });

  it("SIGKILL between the two renames is undone by the next run", async () => {
    ws.run(["generate"]);
    const before = await tree();
    ws.write("specs/pets.yaml", ws.read("specs/pets.yaml").replace("List pets", "List all pets"));
    const child = ws.start(["generate"], { XDR_CODEGEN_TEST_PAUSE: "swap" });
    await waitForOutput(child, /paused at swap/);
    child.kill("SIGKILL");
    await new Promise((done) => child.once("exit", done));
    expect(existsSync(ws.path("out"))).toBe(false);
    // `check` puts the previous output back first, then reports the drift the edit caused.
    expect(ws.run(["check"]).code).toBe(1);
    expect(await tree()).toEqual(before);
  });
});

describe("watch", () => {
  it("regenerates only the API whose spec changed", async () => {
    ws.run(["generate"]);
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

describe("--help", () => {
  it.each([[[]], [["generate"]], [["check"]], [["watch"]], [["fetch-spec"]]])(
    "%j --help",
    (args) => {
      const r = ws.run([...args, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("xdr-codegen");
    },
  );
});
