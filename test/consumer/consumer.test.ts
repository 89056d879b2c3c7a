// The package as a user gets it: `npm pack` generated/, install the tarball into a project outside
// the repository, compile a strict consumer against its .d.ts files, check that wrong calls do not
// compile, then run the consumer against the local XDR simulator.
import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../simulator/server.js";

const ROOT = join(import.meta.dirname, "..", "..");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const project = mkdtempSync(join(tmpdir(), "xdr-consumer-"));
let sim: Simulator;

function sh(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 300_000,
  });
  return { code: r.status ?? -1, out: (r.stdout ?? "") + (r.stderr ?? "") };
}

function tsconfig(include: string[], outDir?: string) {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      types: [],
      skipLibCheck: false,
      ...(outDir ? { outDir } : { noEmit: true }),
    },
    include,
  });
}

beforeAll(async () => {
  const pack = sh(
    "npm",
    ["pack", join(ROOT, "generated"), "--pack-destination", project, "--silent"],
    ROOT,
  );
  expect(pack.code, pack.out).toBe(0);
  const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"))!;
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  const install = sh(
    "npm",
    ["install", `./${tarball}`, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"],
    project,
  );
  expect(install.code, install.out).toBe(0);
  mkdirSync(join(project, "src"));
  copyFileSync(join(import.meta.dirname, "good.ts.txt"), join(project, "src/good.ts"));
  copyFileSync(join(import.meta.dirname, "bad.ts.txt"), join(project, "src/bad.ts"));
  sim = await startSimulator();
  sim.seed("judgement", 5);
}, 300_000);

afterAll(async () => {
  await sim?.close();
  rmSync(project, { recursive: true, force: true });
});

describe("a strict consumer of the packed package", () => {
  it("installs with its one dependency", () => {
    const pkg = JSON.parse(
      readFileSync(join(project, "node_modules/xdr-sdk/package.json"), "utf8"),
    );
    expect(pkg.dependencies).toEqual({ "openapi-fetch": expect.any(String) });
    expect(readdirSync(join(project, "node_modules"))).toContain("openapi-fetch");
  });

  it("compiles", () => {
    writeFileSync(join(project, "tsconfig.json"), tsconfig(["src/good.ts"], "dist"));
    const r = sh(process.execPath, [TSC, "-p", "tsconfig.json"], project);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  }, 120_000);

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
        writeFileSync(join(project, file), prelude + block.replace(/"01ABC[^"]*"/g, '"01ABC"'));
        return file;
      });
      writeFileSync(join(project, "tsconfig.readme.json"), tsconfig(files));
      const r = sh(process.execPath, [TSC, "-p", "tsconfig.readme.json"], project);
      expect(r.out).toBe("");
      expect(r.code).toBe(0);
    },
    120_000,
  );

  it("rejects every wrong call, and only those", () => {
    writeFileSync(join(project, "tsconfig.bad.json"), tsconfig(["src/bad.ts"]));
    const r = sh(process.execPath, [TSC, "-p", "tsconfig.bad.json"], project);
    expect(r.code).not.toBe(0);
    const lines = readFileSync(join(project, "src/bad.ts"), "utf8").split("\n");
    const wrong = lines.flatMap((line, i) => (line.includes("// wrong:") ? [i + 1] : []));
    const reported = [
      ...new Set([...r.out.matchAll(/bad\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]))),
    ];
    expect(reported.sort((a, b) => a - b)).toEqual(wrong);
  }, 120_000);

  it("runs against the simulator", async () => {
    // Asynchronously: the simulator answers from this process, which must not block.
    const r = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn(process.execPath, [join(project, "dist/good.js")], {
        cwd: project,
        env: { ...process.env, SIM_URL: sim.url },
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (out += c.toString()));
      child.on("exit", (code) => resolve({ code: code ?? -1, out }));
    });
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.out.trim().split("\n").pop()!)).toEqual({
      types: ["domain", "ip"],
      modules: 2,
      totalHits: 5,
      iterated: 5,
      status: 404,
      again: 1,
      raw: 1,
      ok: true,
    });
  }, 60_000);
});
