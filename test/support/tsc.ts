// One strict `tsc -p` over generated output, as a consumer would compile it: the shared settings
// of the tests that type-check packages (declarations included, nothing skipped).
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

export const STRICT_OPTIONS = {
  strict: true,
  noEmit: true,
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2022", "DOM", "DOM.Iterable"],
  types: [],
  skipLibCheck: false,
} as const;

export interface StrictProject {
  include?: string[];
  files?: string[];
  /** Replaces or adds options (`undefined` drops one, e.g. `lib`). */
  compilerOptions?: Record<string, unknown>;
}

/** Writes `dir/tsconfig.json` and runs tsc on it: what it printed and its exit status. */
export function strictTsc(
  dir: string,
  project: StrictProject,
): { output: string; status: number | null } {
  const config = join(dir, "tsconfig.json");
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: { ...STRICT_OPTIONS, ...project.compilerOptions },
      ...(project.include ? { include: project.include } : {}),
      ...(project.files ? { files: project.files } : {}),
    }),
  );
  const r = spawnSync(process.execPath, [TSC, "-p", config], { encoding: "utf8" });
  return { output: (r.stdout ?? "") + (r.stderr ?? ""), status: r.status };
}

/**
 * A strict consumer of the generated package: `dir` (emptied first) gets `node_modules/xdr-sdk`
 * linking to generated/ and `consumer.ts` holding `source`, which tsc then compiles.
 */
export function compileConsumer(
  dir: string,
  source: string,
): { output: string; status: number | null } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(join(ROOT, "generated"), join(dir, "node_modules", "xdr-sdk"), "dir");
  writeFileSync(join(dir, "consumer.ts"), source);
  return strictTsc(dir, { files: ["consumer.ts"] });
}
