// xdr-codegen as a package other projects install: publishable, a small tarball, dependencies
// in the right groups, and a typed programmatic API whose import runs nothing.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./workspace.js";
import { strictTsc } from "../support/tsc.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  private?: boolean;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  exports: Record<string, unknown>;
  bin: Record<string, string>;
};

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const scratch = mkdtempSync(join(ROOT, ".xdr-test-tmp", "package-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Bare module specifiers the generator's sources import (node: built-ins aside). */
function generatorImports(): Set<string> {
  const names = new Set<string>();
  const dir = join(ROOT, "generator");
  for (const file of readdirSync(dir, { recursive: true }).map(String)) {
    if (!file.endsWith(".ts")) continue;
    const text = readFileSync(join(dir, file), "utf8")
      .split("\n")
      .filter((line) => !/^\s*(\/\/|\*)/.test(line))
      .join("\n");
    for (const m of text.matchAll(/(?:from |import\(|require\()\s*"([^".][^"]*)"/g)) {
      const spec = m[1]!;
      if (spec.startsWith("node:")) continue;
      names.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
    }
  }
  return names;
}

describe("the xdr-codegen package", () => {
  it("is publishable, with a bin, an entry point with types, and a files list", () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.bin).toEqual({ "xdr-codegen": "dist/xdr-codegen.js" });
    expect(pkg.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    for (const entry of pkg.files) {
      expect(entry, entry).not.toMatch(/^(test|bench|specs|generated|scripts)\b|fixtures/);
    }
    expect(pkg.files).toEqual(expect.arrayContaining(["dist/index.js", "templates"]));
  });

  it("depends at run time on exactly what the generator imports", () => {
    const imported = generatorImports();
    for (const name of imported) {
      expect(Object.keys(pkg.dependencies), `${name} is imported by generator/`).toContain(name);
    }
    for (const name of Object.keys(pkg.dependencies)) {
      expect([...imported], `${name} is a dependency but generator/ never imports it`).toContain(
        name,
      );
    }
    expect(pkg.dependencies).not.toHaveProperty("yaml");
    expect(pkg.dependencies).not.toHaveProperty("openapi-fetch");
    expect(pkg.devDependencies).toHaveProperty("openapi-fetch");
  });

  it("imports as `xdr-codegen` without running anything", () => {
    const r = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'const m = await import("xdr-codegen"); console.log(Object.keys(m).sort().join(","));',
      ],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("BadInputError,check,checkPackageName,generate");
    expect(r.status).toBe(0);
  });

  it("types its API for a consumer under tsc --strict", () => {
    writeFileSync(
      join(scratch, "consumer.ts"),
      [
        `import { check, generate, BadInputError, type GenerateResult } from "xdr-codegen";`,
        `export async function run(): Promise<GenerateResult> {`,
        `  const result = await generate({ input: "spec.yaml", name: "my-sdk", out: "sdk" });`,
        `  const verdict = await check({ input: "spec.yaml", name: "my-sdk", out: "sdk" });`,
        `  const problems: readonly string[] = verdict.problems;`,
        `  if (!verdict.ok) throw new BadInputError({ file: "x" }, problems.join(", "));`,
        `  // @ts-expect-error: apis is a list of names`,
        `  await generate({ apis: "iroh" });`,
        `  return result;`,
        `}`,
      ].join("\n"),
    );
    // The default library of the target: the generator's API must not need the DOM.
    const tsc = strictTsc(scratch, { files: ["consumer.ts"], compilerOptions: { lib: undefined } });
    expect(tsc.output).toBe("");
    expect(tsc.status).toBe(0);
  }, 120_000);
});
