// xdr-sdk/testing as users get it: the packed tarball, unpacked as an installed dependency. The
// README's example (test/testing/readme-example.ts, identical to the README snippets) runs there
// under vitest and type-checks strictly, and bundles of the runtime entry points never hold the
// simulator.
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pack, ROOT, run, sh, type Packed } from "../consumer/project.js";
import { strictTsc } from "../support/tsc.js";

const EXAMPLE = join(import.meta.dirname, "readme-example.ts");

let packed: Packed;
let project: string;
let pkg: {
  sideEffects: unknown;
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
};

beforeAll(() => {
  packed = pack("xdr-testing-");
  project = packed.dir;
  const installed = join(project, "node_modules/xdr-sdk");
  mkdirSync(installed, { recursive: true });
  const untar = sh("tar", ["-xzf", packed.tarball, "-C", installed, "--strip-components=1"], ROOT);
  if (untar.code !== 0) throw new Error(untar.out);
  // The package's one dependency, and what the example itself imports, from this repository.
  for (const dep of ["openapi-fetch", "vitest", "@types"]) {
    symlinkSync(join(ROOT, "node_modules", dep), join(project, "node_modules", dep));
  }
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "automation", private: true, type: "module" }),
  );
  pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
}, 120_000);

afterAll(() => rmSync(packed.dir, { recursive: true, force: true }));

describe("the xdr-sdk/testing entry point", () => {
  it("ships compiled, with declarations for every module resolution, and no sources", () => {
    expect(pkg.exports["./testing"]).toEqual({
      types: "./dist/testing/index.d.ts",
      default: "./dist/testing/index.js",
    });
    expect(pkg.typesVersions["*"]!.testing).toEqual(["./dist/testing/index.d.ts"]);
    expect(packed.files).toEqual(
      expect.arrayContaining(["dist/testing/index.js", "dist/testing/index.d.ts"]),
    );
    expect(packed.files.filter((f) => f.startsWith("src/"))).toEqual([]);
    // Only the public API has declarations: the simulator's internals are not a contract.
    expect(packed.files.filter((f) => /^dist\/testing\/.*\.d\.ts$/.test(f))).toEqual([
      "dist/testing/index.d.ts",
    ]);
    expect(pkg.sideEffects).toBe(false);
  });

  it("never ends up in a bundle that imports only xdr-sdk or only xdr-sdk/iroh", async () => {
    const esbuild = await import("esbuild");
    const bundle = async (lines: string[]) => {
      const result = await esbuild.build({
        stdin: { contents: lines.join("\n"), resolveDir: project, loader: "js" },
        bundle: true,
        platform: "node",
        format: "esm",
        minify: true,
        write: false,
        metafile: true,
        logLevel: "silent",
      });
      // Every module the bundler loaded, whether or not tree shaking kept any of it.
      return Object.keys(result.metafile.inputs);
    };
    const root = await bundle([
      'import { createXdr } from "xdr-sdk";',
      "console.log(createXdr({ clientId: 'a', clientSecret: 'b' }));",
    ]);
    const iroh = await bundle([
      'import { createIrohClient } from "xdr-sdk/iroh";',
      "console.log(createIrohClient);",
    ]);
    const testing = await bundle([
      'import { startSimulator } from "xdr-sdk/testing";',
      "console.log(startSimulator);",
    ]);
    const simulator = (inputs: string[]) => inputs.filter((f) => f.includes("/dist/testing/"));
    expect(root.some((f) => f.includes("xdr-sdk/dist/index.js"))).toBe(true);
    expect(iroh.some((f) => f.includes("xdr-sdk/dist/iroh/index.js"))).toBe(true);
    expect(simulator(root)).toEqual([]);
    expect(simulator(iroh)).toEqual([]);
    // The check can see the simulator when it is imported.
    expect(simulator(testing).some((f) => f.endsWith("xdr-sdk/dist/testing/server.js"))).toBe(true);
  }, 60_000);
});

describe("the README's vitest example", () => {
  const example = readFileSync(EXAMPLE, "utf8");

  /** The ```ts block that follows the "Testing your automation" heading. */
  function snippet(readme: string): string | undefined {
    const section = readme.split(/^#+ Testing your automation$/m)[1];
    return section && /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  }

  it("is the same in the repository's README, the package's README and the example file", () => {
    expect(snippet(readFileSync(join(ROOT, "README.md"), "utf8"))).toBe(example);
    const shipped = readFileSync(join(project, "node_modules/xdr-sdk/README.md"), "utf8");
    expect(snippet(shipped)).toBe(example);
  });

  it("passes under vitest in a project that installed the tarball", async () => {
    copyFileSync(EXAMPLE, join(project, "automation.test.ts"));
    const vitest = join(ROOT, "node_modules/vitest/vitest.mjs");
    const r = await run(process.execPath, [vitest, "run", "--root", project], project);
    expect(r.out).toMatch(/Tests\s+.*5 passed/);
    expect(r.code, r.out).toBe(0);
  }, 120_000);

  it("type-checks strictly against the package's declarations", () => {
    copyFileSync(EXAMPLE, join(project, "example.ts"));
    // skipLibCheck: vitest's declarations are not ours to check (they need Node's types); the
    // package's own are checked strictly, DOM or Node, by test/generator/xdr-package.test.ts.
    const r = strictTsc(project, {
      files: ["example.ts"],
      compilerOptions: { types: ["node"], skipLibCheck: true, exactOptionalPropertyTypes: true },
    });
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  }, 120_000);
});
