// The packed package under each TypeScript module system a user may have: node10 (CommonJS,
// `typesVersions`), bundler and node16. Registered by consumer.test.ts, which owns the installed
// project and tests nodenext itself.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lastJson, run, tsc, tsconfig, type Run } from "./project.js";

interface Context {
  readonly project: string;
  readonly simUrl: string;
}

export function describeModuleSystems(ctx: Context): void {
  describe("moduleResolution node10 (module commonjs)", () => {
    // TypeScript 7 dropped node10 resolution; 5.9 is the last compiler a node10 project can use.
    // Compiled once, by whichever test needs it first (either may run alone under -t).
    let compiled: Run | undefined;
    const compile = (): Run => {
      if (compiled) return compiled;
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
      return (compiled = tsc("5.9", "node10/tsconfig.json", ctx.project));
    };

    it("compiles the subpath imports through typesVersions (TypeScript 5.9)", () => {
      const r = compile();
      expect(r.out).toBe("");
      expect(r.code).toBe(0);
    }, 300_000);

    it("runs the compiled require() calls against the simulator", async () => {
      compile();
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
    }, 300_000);
  });

  describe("the ESM consumer under moduleResolution bundler and node16", () => {
    const cases = [
      ["bundler", { module: "Preserve", moduleResolution: "Bundler" }],
      ["node16", { module: "Node16", moduleResolution: "Node16" }],
    ] as const;
    for (const version of ["5.9", "7"] as const) {
      for (const [name, options] of cases) {
        it(`type-checks with moduleResolution ${name} (TypeScript ${version})`, () => {
          const config = `tsconfig.${name}-${version}.json`;
          writeFileSync(join(ctx.project, config), tsconfig(["src/good.ts"], options));
          const r = tsc(version, config, ctx.project);
          expect(r.out).toBe("");
          expect(r.code).toBe(0);
        }, 300_000);
      }
    }
  });
}
