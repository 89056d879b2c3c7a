// Plain JavaScript consumers, ESM (`import`) and CommonJS (`require`), under each runtime the
// package claims: Node, Bun and Deno (both installed as devDependencies; a missing binary skips
// its tests with the reason). Each creates clients and calls the simulator on 127.0.0.1.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUN, DENO, lastJson, missing, run, type Run } from "./project.js";

interface Context {
  readonly project: string;
  readonly simUrl: string;
}

interface Runtime {
  name: string;
  /** Why it is skipped, if it is. */
  skip: string | undefined;
  exec(ctx: Context, script: string): Promise<Run>;
}

// No update checks, prompts or telemetry: the tests stay offline and never wait for input.
const QUIET = { DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", DO_NOT_TRACK: "1" };

const RUNTIMES: Runtime[] = [
  {
    name: "Node",
    skip: undefined,
    exec: (ctx, script) => run(process.execPath, [script], ctx.project, { SIM_URL: ctx.simUrl }),
  },
  {
    name: "Bun",
    skip: missing(BUN),
    exec: (ctx, script) =>
      // `--no-install`: never Bun's auto-install (the network), only node_modules.
      run(BUN, ["run", "--no-install", script], ctx.project, { ...QUIET, SIM_URL: ctx.simUrl }),
  },
  {
    name: "Deno",
    skip: missing(DENO),
    exec: (ctx, script) =>
      run(
        DENO,
        [
          "run",
          // Nothing from the network: the package and openapi-fetch come from node_modules.
          "--cached-only",
          // Only what the smoke needs: its environment, the installed package, the simulator.
          "--allow-env",
          `--allow-read=${ctx.project}`,
          `--allow-net=${new URL(ctx.simUrl).host}`,
          script,
        ],
        ctx.project,
        { ...QUIET, SIM_URL: ctx.simUrl },
      ),
  },
];

export function describeRuntimes(ctx: Context): void {
  it.skipIf(missing(DENO) !== undefined)(
    `Deno without --allow-env: createXdr with explicit options works${missing(DENO) ? ` — skipped: ${missing(DENO)}` : ""}`,
    async () => {
      const r = await run(
        DENO,
        [
          "run",
          "--cached-only",
          `--allow-read=${ctx.project}`,
          `--allow-net=${new URL(ctx.simUrl).host}`,
          join(ctx.project, "no-env.mjs"),
          ctx.simUrl,
        ],
        ctx.project,
        QUIET,
      );
      expect(r.code, r.out).toBe(0);
      expect(lastJson(r.out)).toEqual({ types: ["domain"] });
    },
    300_000,
  );

  describe.each(RUNTIMES)("$name", (runtime) => {
    it.skipIf(runtime.skip !== undefined).each([
      ["ESM (import)", "smoke.mjs"],
      ["CommonJS (require)", "smoke.cjs"],
    ])(
      `%s: creates a client and calls the simulator${runtime.skip ? ` — skipped: ${runtime.skip}` : ""}`,
      async (_title, script) => {
        const r = await runtime.exec(ctx, join(ctx.project, script));
        expect(r.code, r.out).toBe(0);
        expect(lastJson(r.out)).toEqual({
          types: ["domain", "ip"],
          notFound: true,
          again: 1,
          // require() and import() gave the same module instance (CommonJS smoke only).
          ...(script.endsWith(".cjs") ? { sameModule: true } : {}),
        });
      },
      300_000,
    );
  });
}
