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
  tsconfig,
  type Packed,
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
  sim = await startSimulator();
  sim.seed("judgement", 5);
}, 300_000);

afterAll(async () => {
  await sim?.close();
  if (installed) rmSync(installed.dir, { recursive: true, force: true });
});

describe("a strict consumer of the packed package", () => {
  it("installs with its one dependency", () => {
    const pkg = JSON.parse(
      readFileSync(join(ctx.project, "node_modules/xdr-sdk/package.json"), "utf8"),
    );
    expect(pkg.dependencies).toEqual({ "openapi-fetch": expect.any(String) });
    expect(readdirSync(join(ctx.project, "node_modules"))).toContain("openapi-fetch");
  });

  it("compiles an ESM and a CommonJS consumer (nodenext, TypeScript 5.9)", () => {
    writeFileSync(
      join(ctx.project, "tsconfig.json"),
      tsconfig(["src/good.ts", "src/cjs.cts"], { noEmit: false, outDir: "dist" }),
    );
    const r = tsc("5.9", "tsconfig.json", ctx.project);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  }, 180_000);

  it.each([["README.md"], ["generated/README.md"]])(
    "compiles the TypeScript examples of %s",
    (readme) => {
      const text = readFileSync(join(ROOT, readme), "utf8");
      const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
      expect(blocks.length).toBeGreaterThan(0);
      const files = blocks.map((block, i) => {
        const file = `src/example-${readme.replace(/\W/g, "-")}-${i}.ts`;
        // Examples may use `process` and names they leave to the reader (clientId, "01ABC…").
        const prelude =
          "declare const process: { env: Record<string, string | undefined> };\n" +
          "declare const clientId: string, clientSecret: string;\nexport {};\n";
        writeFileSync(join(ctx.project, file), prelude + block.replace(/"01ABC[^"]*"/g, '"01ABC"'));
        return file;
      });
      const config = `tsconfig.${readme.replace(/\W/g, "-")}.json`;
      writeFileSync(join(ctx.project, config), tsconfig(files));
      const r = tsc("5.9", config, ctx.project);
      expect(r.out).toBe("");
      expect(r.code).toBe(0);
    },
    180_000,
  );

  it.each([["5.9" as const], ["7" as const]])(
    "rejects every wrong call, and only those (TypeScript %s)",
    (version) => {
      writeFileSync(join(ctx.project, "tsconfig.bad.json"), tsconfig(["src/bad.ts"]));
      const r = tsc(version, "tsconfig.bad.json", ctx.project);
      expect(r.code).not.toBe(0);
      const lines = readFileSync(join(ctx.project, "src/bad.ts"), "utf8").split("\n");
      const wrong = lines.flatMap((line, i) => (line.includes("// wrong:") ? [i + 1] : []));
      // Both compilers print `file(line,col): error TS…` when not writing to a terminal.
      const reported = [
        ...new Set([...r.out.matchAll(/bad\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]))),
      ];
      expect(
        reported.sort((a, b) => a - b),
        r.out,
      ).toEqual(wrong);
    },
    180_000,
  );

  it("runs as ESM against the simulator", async () => {
    const r = await run(process.execPath, [join(ctx.project, "dist/good.js")], ctx.project, {
      SIM_URL: ctx.simUrl,
    });
    expect(r.code, r.out).toBe(0);
    expect(lastJson(r.out)).toEqual(EXPECTED_ESM);
  }, 60_000);

  it("runs as CommonJS (require of the ESM build) against the simulator", async () => {
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
  }, 60_000);
});

describeModuleSystems(ctx);
describeRuntimes(ctx);
