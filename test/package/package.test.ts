// The packed xdr-sdk as npm would publish it: what the tarball holds, what package.json declares,
// and what @arethetypeswrong/cli and publint say about it. The tarball is packed once here; its
// install and use by consumers is test/consumer/.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pack, ROOT, sh, type Packed } from "../consumer/project.js";

const ATTW = join(ROOT, "node_modules/@arethetypeswrong/cli/dist/index.js");
const PUBLINT = join(ROOT, "node_modules/publint/src/cli.js");
const APIS = ["iroh", "ctia", "automation"];

let packed: Packed;
let unpacked: string;
let pkg: Record<string, unknown> & {
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
};

beforeAll(() => {
  packed = pack("xdr-package-");
  // Unpacked as an installed dependency next to the real openapi-fetch, to load every entry point.
  unpacked = join(packed.dir, "node_modules/xdr-sdk");
  mkdirSync(unpacked, { recursive: true });
  const untar = sh("tar", ["-xzf", packed.tarball, "-C", unpacked, "--strip-components=1"], ROOT);
  if (untar.code !== 0) throw new Error(untar.out);
  symlinkSync(
    join(ROOT, "node_modules/openapi-fetch"),
    join(packed.dir, "node_modules/openapi-fetch"),
  );
  pkg = JSON.parse(readFileSync(join(unpacked, "package.json"), "utf8"));
}, 120_000);

afterAll(() => rmSync(packed.dir, { recursive: true, force: true }));

describe("the xdr-sdk tarball", () => {
  it("holds only what a consumer needs: compiled code, declarations, docs, README, LICENSE", () => {
    // No src/ (the declarations carry the JSDoc, and src/ doubled the tarball), no maps, no
    // generator manifest. CHANGELOG.md once a release recorded one.
    const shipped =
      /^(LICENSE|README\.md|CHANGELOG\.md|package\.json|docs\/\w+\.md|dist\/[\w/-]+\.(js|d\.ts))$/;
    const stray = packed.files.filter((f) => !shipped.test(f));
    expect(stray).toEqual([]);
    expect(packed.files).toEqual(
      expect.arrayContaining([
        "LICENSE",
        "README.md",
        "package.json",
        "dist/index.js",
        "dist/index.d.ts",
        ...APIS.map((api) => `docs/${api}.md`),
      ]),
    );
  });

  it("holds every file its exports and typesVersions point to", () => {
    const targets = Object.values(pkg.exports).flatMap((t) =>
      typeof t === "string" ? [t] : Object.values(t as Record<string, string>),
    );
    targets.push(...Object.values(pkg.typesVersions["*"]!).flat());
    const missing = targets
      .map((t) => t.replace(/^\.\//, ""))
      .filter((t) => !packed.files.includes(t));
    expect(missing).toEqual([]);
  });

  it("declares one ESM build for import and require, with types first", () => {
    expect(pkg).toMatchObject({ type: "module", engines: { node: "^20.19.0 || >=22.12.0" } });
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (subpath === "./package.json") continue;
      // `default`, not `import`: require() gets the same files through require(esm).
      expect(Object.keys(target as object), subpath).toEqual(["types", "default"]);
    }
  });

  it("maps every subpath for moduleResolution node10 (typesVersions)", () => {
    const subpaths = Object.keys(pkg.exports)
      .filter((s) => s !== "." && s !== "./package.json")
      .map((s) => s.slice(2));
    expect(Object.keys(pkg.typesVersions["*"]!).sort()).toEqual(subpaths.sort());
  });

  it("loads every entry point with require(): no top-level await anywhere", () => {
    const subpaths = Object.keys(pkg.exports)
      .filter((s) => s !== "./package.json")
      .map((s) => "xdr-sdk" + s.slice(1));
    const script = `for (const id of ${JSON.stringify(subpaths)}) require(id); console.log("ok")`;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: packed.dir, encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("ok\n");
    expect(r.status).toBe(0);
  });

  it("bundles for a browser: no Node built-in anywhere in the import graph", async () => {
    // esbuild refuses a `node:` import under platform "browser" unless told it is external.
    const esbuild = await import("esbuild");
    const entry = [
      'import { createXdr } from "xdr-sdk";',
      'import { createIrohClient } from "xdr-sdk/iroh";',
      "console.log(createXdr, createIrohClient);",
    ].join("\n");
    const result = await esbuild.build({
      stdin: { contents: entry, resolveDir: packed.dir, loader: "js" },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]!.text).toContain("createXdr");
  }, 60_000);

  it("carries the metadata npm shows: repository, homepage, bugs, keywords, MIT LICENSE", () => {
    expect(pkg).toMatchObject({
      license: "MIT",
      homepage: expect.stringMatching(/^https:\/\//),
      bugs: { url: expect.stringMatching(/^https:\/\//) },
      repository: { type: "git", url: expect.stringMatching(/^git\+https:\/\//) },
      keywords: expect.arrayContaining(["cisco", "xdr"]),
    });
    const license = readFileSync(join(unpacked, "LICENSE"), "utf8");
    expect(license.split("\n")[0]).toBe("MIT License");
    expect(license).toContain("Permission is hereby granted, free of charge");
  });
});

describe("the package README (what npm shows)", () => {
  const readme = () => readFileSync(join(unpacked, "README.md"), "utf8");

  it("is written for users, not for developers of this repository", () => {
    expect(readme()).not.toMatch(/build output|npm run generate|npm ci/);
    expect(readme()).toMatch(/npm install xdr-sdk/);
  });

  it("links only to pages that exist: no relative links, the API references by full URL", () => {
    // npm renders relative links against the repository, where docs/ is not committed.
    const links = [...readme().matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.filter((l) => !/^(https:\/\/|#)/.test(l))).toEqual([]);
    for (const api of APIS) {
      const url = `https://unpkg.com/xdr-sdk@${String(pkg.version)}/docs/${api}.md`;
      expect(links).toContain(url);
    }
    const anchors = links.filter((l) => l.startsWith("#")).map((l) => l.slice(1));
    const headings = [...readme().matchAll(/^#+ (.+)$/gm)].map((m) =>
      m[1]!
        .toLowerCase()
        .replace(/[^\w\- ]/g, "")
        .replace(/ /g, "-"),
    );
    expect(anchors.filter((a) => !headings.includes(a))).toEqual([]);
  });
});

describe("linters over the tarball", () => {
  it("@arethetypeswrong/cli finds no problem for node10, node16 (CJS and ESM) and bundler", () => {
    // Profile `strict`: every resolution mode must pass. One rule is ignored, with reason:
    // `cjs-resolves-to-esm` flags require() of an ESM file, which attw's TypeScript (5.6)
    // predates; Node ≥ 20.19 (our `engines`), Bun, Deno and TypeScript ≥ 5.8 under
    // `module: nodenext` all support it, and test/consumer runs such require() calls.
    const r = sh(
      process.execPath,
      [
        ATTW,
        packed.tarball,
        "--profile",
        "strict",
        "--ignore-rules",
        "cjs-resolves-to-esm",
        "--format",
        "ascii",
        "--no-color",
        "--no-emoji",
      ],
      ROOT,
    );
    expect(r.out).toContain("No problems found");
    expect(r.code, r.out).toBe(0);
  }, 120_000);

  it("publint reports nothing, suggestions included", () => {
    const r = sh(
      process.execPath,
      [PUBLINT, "run", packed.tarball, "--strict", "--level", "suggestion"],
      ROOT,
    );
    expect(r.out).toContain("All good!");
    expect(r.code, r.out).toBe(0);
  }, 120_000);
});
