// The packed package under each TypeScript module system a user may have: node10 (CommonJS,
// `typesVersions`), bundler, and nodenext with TypeScript 7. Registered by consumer.test.ts, which
// owns the installed project (nodenext with TypeScript 5.9 is tested there).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lastJson, run, tsc, tsconfig } from "./project.js";

interface Context {
  readonly project: string;
  readonly simUrl: string;
}

export function describeModuleSystems(ctx: Context): void {
  describe("moduleResolution node10 (module commonjs)", () => {
    // TypeScript 7 dropped node10 resolution; 5.9 is the last compiler a node10 project can use.
    it("compiles the subpath imports through typesVersions (TypeScript 5.9)", () => {
      writeFileSync(join(ctx.project, "node10/package.json"), JSON.stringify({ type: "commonjs" }));
      writeFileSync(
        join(ctx.project, "node10/tsconfig.json"),
        tsconfig(["consumer.ts"], {
          module: "CommonJS",
          moduleResolution: "Node10",
          noEmit: false,
          outDir: "dist",
        }),
      );
      const r = tsc("5.9", "node10/tsconfig.json", ctx.project);
      expect(r.out).toBe("");
      expect(r.code).toBe(0);
    }, 180_000);

    it("runs the compiled require() calls against the simulator", async () => {
      const r = await run(
        process.execPath,
        [join(ctx.project, "node10/dist/consumer.js")],
        ctx.project,
        { SIM_URL: ctx.simUrl },
      );
      expect(r.code, r.out).toBe(0);
      expect(lastJson(r.out)).toEqual({
        types: ["domain", "ip"],
        totalHits: 5,
        status: 404,
        again: 1,
      });
    }, 60_000);
  });

  describe.each([["5.9" as const], ["7" as const]])("moduleResolution bundler", (version) => {
    it(`type-checks the ESM consumer (TypeScript ${version})`, () => {
      const config = `tsconfig.bundler-${version}.json`;
      writeFileSync(
        join(ctx.project, config),
        tsconfig(["src/good.ts"], { module: "Preserve", moduleResolution: "Bundler" }),
      );
      const r = tsc(version, config, ctx.project);
      expect(r.out).toBe("");
      expect(r.code).toBe(0);
    }, 180_000);
  });

  describe("moduleResolution nodenext, TypeScript 7", () => {
    // TypeScript 5.9 compiles the same two files with emit in consumer.test.ts.
    it("type-checks the ESM and the CommonJS (.cts) consumer", () => {
      writeFileSync(
        join(ctx.project, "tsconfig.nodenext-7.json"),
        tsconfig(["src/good.ts", "src/cjs.cts"]),
      );
      const r = tsc("7", "tsconfig.nodenext-7.json", ctx.project);
      expect(r.out).toBe("");
      expect(r.code).toBe(0);
    }, 180_000);
  });
}
