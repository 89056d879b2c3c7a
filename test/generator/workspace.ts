// Scratch projects for tests that run the CLI. They live inside the repository (git-ignored) so
// that generated packages resolve openapi-fetch and typescript from the root node_modules.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ApiConfig } from "../../generator/config.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = join(ROOT, "dist", "xdr-codegen.js");
const SCRATCH = join(ROOT, ".xdr-test-tmp");

export interface Workspace {
  dir: string;
  path(...parts: string[]): string;
  write(rel: string, text: string): void;
  read(rel: string): string;
  run(
    args: string[],
    env?: Record<string, string>,
  ): { code: number; stdout: string; stderr: string };
  start(args: string[], env?: Record<string, string>): ChildProcess;
  remove(): void;
}

/** An API's config as the model reads it, with nothing configured but what `over` sets. */
export function apiConfig(over: Partial<ApiConfig> = {}): ApiConfig {
  return {
    name: "test",
    spec: "",
    names: {},
    safe: [],
    paging: {},
    rateLimits: {},
    emptyObjectsAsUnknown: false,
    ...over,
  };
}

/** A folder with the two fixture specs and a config naming them `pets` and `intel`. */
export function fixtureWorkspace(): Workspace {
  mkdirSync(SCRATCH, { recursive: true });
  const dir = mkdtempSync(join(SCRATCH, "ws-"));
  cpSync(join(ROOT, "test/fixtures/specs"), join(dir, "specs"), { recursive: true });
  const ws: Workspace = {
    dir,
    path: (...parts) => join(dir, ...parts),
    write: (rel, text) => writeFileSync(join(dir, rel), text),
    read: (rel) => readFileSync(join(dir, rel), "utf8"),
    run(args, env = {}) {
      const r = spawnSync(process.execPath, [CLI, ...args], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, ...env },
        timeout: 120_000,
      });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    start(args, env = {}) {
      return spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, ...env } });
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  ws.write(
    "xdr-codegen.config.json",
    JSON.stringify({
      output: "out",
      package: { name: "fixture-sdk", version: "1.0.0" },
      apis: { pets: { spec: "specs/pets.yaml" }, intel: { spec: "specs/intel.json" } },
    }),
  );
  return ws;
}

/** Resolves when `child` prints a line matching `pattern` on stdout or stderr. */
export function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; saw:\n${seen}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        resolve(seen);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
  });
}
