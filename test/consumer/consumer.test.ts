// The package as a user gets it: `npm pack` generated/, install the tarball into a project outside
// the repository, compile strict consumers against its .d.ts files (ESM and CommonJS, every
// `moduleResolution`, TypeScript 5.9 and 7), check that wrong calls do not compile, then run the
// consumers against the local XDR simulator under Node, Bun and Deno. One tarball and one install
// serve every test in this file (the other describe blocks live in ./module-systems.ts and
// ./runtimes.ts).
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../simulator/server.js";
import { describeModuleSystems } from "./module-systems.js";
import {
  FIXTURES,
  installConsumer,
  lastJson,
  ROOT,
  run,
  tsc,
  TSC,
  tsconfig,
  type Packed,
  type Run,
} from "./project.js";
import { describeRuntimes } from "./runtimes.js";

let installed: Packed | undefined;
let sim: Simulator | undefined;
const ctx = {
  get project(): string {
    if (!installed) throw new Error("the consumer project was not installed");
    return installed.dir;
  },
  get simUrl(): string {
    if (!sim) throw new Error("the simulator did not start");
    return sim.url;
  },
};

/** What the ESM consumer (good.ts) prints. */
const EXPECTED_ESM = {
  types: ["domain", "ip"],
  modules: 2,
  totalHits: 5,
  iterated: 5,
  status: 404,
  again: 1,
  raw: 1,
  ok: true,
};

const READMES = ["README.md", "generated/README.md"];
/** The example files written from each README's ```ts blocks. */
const examples = new Map<string, string[]>();

/** Writes a README's TypeScript examples as files of the project; returns their paths. */
function writeExamples(project: string, readme: string): string[] {
  const text = readFileSync(join(ROOT, readme), "utf8");
  // A test file for vitest (the "Testing your automation" example) needs vitest installed: it is
  // compiled and run by test/testing/package.test.ts instead.
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((block) => !/from "vitest"/.test(block));
  return blocks.map((block, i) => {
    const file = `src/example-${readme.replace(/\W/g, "-")}-${i}.ts`;
    // Examples may use `process` (this project has no Node types) and ids left to the reader
    // ("01ABC…"); any other name they use they declare (test/package/readme.test.ts).
    const prelude =
      "declare const process: { env: Record<string, string | undefined> };\nexport {};\n";
    writeFileSync(join(project, file), prelude + block.replace(/"01ABC[^"]*"/g, '"01ABC"'));
    return file;
  });
}

// One program per compiler holds every nodenext file (the consumers, the wrong calls, the README
// examples): the package's declarations are checked once, and each error is attributed to its
// file. TypeScript 5.9 also emits the consumers that run below.
const programs = new Map<keyof typeof TSC, Run>();
function nodenextProgram(version: keyof typeof TSC): Run {
  let r = programs.get(version);
  if (!r) {
    const config = `tsconfig.nodenext-${version}.json`;
    const files = ["src/good.ts", "src/cjs.cts", "src/bad.ts", ...[...examples.values()].flat()];
    const emit = version === "5.9" ? { noEmit: false, rootDir: "src", outDir: "dist" } : {};
    writeFileSync(join(ctx.project, config), tsconfig(files, emit));
    r = tsc(version, config, ctx.project);
    programs.set(version, r);
  }
  return r;
}

/** `file(line,col): error TS…` lines (both compilers print them so when not on a terminal). */
function errors(out: string): { file: string; line: number; text: string }[] {
  return [...out.matchAll(/^(\S[^(\n]*)\((\d+),\d+\): error (.*)$/gm)].map((m) => ({
    file: m[1]!,
    line: Number(m[2]),
    text: m[0],
  }));
}

beforeAll(async () => {
  installed = installConsumer();
  const project = installed.dir;
  mkdirSync(join(project, "src"));
  copyFileSync(join(FIXTURES, "good.ts.txt"), join(project, "src/good.ts"));
  copyFileSync(join(FIXTURES, "bad.ts.txt"), join(project, "src/bad.ts"));
  // The same CommonJS consumer, as `.cts` for nodenext and as `.ts` for node10.
  copyFileSync(join(FIXTURES, "cjs.ts.txt"), join(project, "src/cjs.cts"));
  mkdirSync(join(project, "node10"));
  copyFileSync(join(FIXTURES, "cjs.ts.txt"), join(project, "node10/consumer.ts"));
  copyFileSync(join(FIXTURES, "smoke.mjs.txt"), join(project, "smoke.mjs"));
  copyFileSync(join(FIXTURES, "smoke.cjs.txt"), join(project, "smoke.cjs"));
  copyFileSync(join(FIXTURES, "no-env.mjs.txt"), join(project, "no-env.mjs"));
  for (const readme of READMES) examples.set(readme, writeExamples(project, readme));
  sim = await startSimulator();
  sim.seed("judgement", 5);
}, 300_000);

afterAll(async () => {
  await sim?.close();
  if (installed) rmSync(installed.dir, { recursive: true, force: true });
});

describe("a strict consumer of the packed package", () => {
  it("installs with its dependencies: openapi-fetch and the helper types of its client type", () => {
    const pkg = JSON.parse(
      readFileSync(join(ctx.project, "node_modules/xdr-sdk/package.json"), "utf8"),
    );
    expect(pkg.dependencies).toEqual({
      "openapi-fetch": expect.any(String),
      "openapi-typescript-helpers": expect.any(String),
    });
    expect(readdirSync(join(ctx.project, "node_modules"))).toEqual(
      expect.arrayContaining(["openapi-fetch", "openapi-typescript-helpers"]),
    );
  });

  describe.each([["5.9" as const], ["7" as const]])("TypeScript %s, nodenext", (version) => {
    it("compiles an ESM and a CommonJS (.cts) consumer; errors only in the wrong calls", () => {
      const r = nodenextProgram(version);
      const elsewhere = errors(r.out).filter((e) => e.file !== "src/bad.ts");
      expect(elsewhere.map((e) => e.text)).toEqual([]);
      // Nothing but errors in files (and their indented continuations): no crash, no complaint
      // about the configuration.
      const other = r.out
        .split("\n")
        .filter((l) => /^\S/.test(l) && !/\(\d+,\d+\): error /.test(l));
      expect(other).toEqual([]);
      if (version === "5.9") {
        expect(readdirSync(join(ctx.project, "dist"))).toEqual(
          expect.arrayContaining(["good.js", "cjs.cjs"]),
        );
      }
    }, 300_000);

    it.each(READMES)(
      "compiles the TypeScript examples of %s",
      (readme) => {
        expect(examples.get(readme)?.length).toBeGreaterThan(0);
        const files = new Set(examples.get(readme));
        const r = nodenextProgram(version);
        expect(
          errors(r.out)
            .filter((e) => files.has(e.file))
            .map((e) => e.text),
        ).toEqual([]);
      },
      300_000,
    );

    it("rejects every wrong call, and only those", () => {
      const r = nodenextProgram(version);
      expect(r.code).not.toBe(0);
      const lines = readFileSync(join(ctx.project, "src/bad.ts"), "utf8").split("\n");
      const wrong = lines.flatMap((line, i) => (line.includes("// wrong:") ? [i + 1] : []));
      const reported = new Set(
        errors(r.out)
          .filter((e) => e.file === "src/bad.ts")
          .map((e) => e.line),
      );
      expect(
        [...reported].sort((a, b) => a - b),
        r.out,
      ).toEqual(wrong);
    }, 300_000);
  });

  it("runs as ESM against the simulator", async () => {
    nodenextProgram("5.9"); // emits dist/ (memoized: once for the whole file)
    const r = await run(process.execPath, [join(ctx.project, "dist/good.js")], ctx.project, {
      SIM_URL: ctx.simUrl,
    });
    expect(r.code, r.out).toBe(0);
    expect(lastJson(r.out)).toEqual(EXPECTED_ESM);
  }, 300_000);

  it("runs as CommonJS (require of the ESM build) against the simulator", async () => {
    nodenextProgram("5.9");
    const r = await run(process.execPath, [join(ctx.project, "dist/cjs.cjs")], ctx.project, {
      SIM_URL: ctx.simUrl,
    });
    expect(r.code, r.out).toBe(0);
    // Node ≥ 20.19 loads ESM from require() without a warning; one would show up in the output.
    expect(r.out).not.toMatch(/warning/i);
    expect(lastJson(r.out)).toEqual({
      types: ["domain", "ip"],
      totalHits: 5,
      status: 404,
      again: 1,
    });
  }, 300_000);
});

describeModuleSystems(ctx);
describeRuntimes(ctx);
