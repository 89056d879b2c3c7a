// The compiled form of the sources every run copies verbatim (templates/runtime/*.ts and
// templates/testing/*.ts), computed once by scripts/build.mjs into dist/precompiled.json beside
// the bundle. Declaring the runtime alone took ~0.6 s of each `generate` (TypeScript's
// declaration emitter, file by file), for output that only changes with the sources.
//
// An entry is keyed by the sha256 of the source text, so an edited runtime file or a user's
// template override simply misses and is compiled as before. The whole table is ignored unless it
// was written by the same build of the generator (whose bundle records its source hash) with the
// same TypeScript and esbuild: stale output is never shipped.
import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

/** What `compileFiles` would emit for one source: its JavaScript and, if it has any, declarations. */
export interface Precompiled {
  readonly js: string;
  /** Absent when the source does not declare without a type-checker (tests' internal modules). */
  readonly dts?: string;
}

export type PrecompiledTable = ReadonlyMap<string, Precompiled>;

/** Everything the output depends on besides the source text. */
export interface PrecompiledStamp {
  /** The generator build (XDR_CODEGEN_BUILD): compile options live in its code. */
  readonly build: string;
  readonly typescript: string;
  readonly esbuild: string;
}

interface PrecompiledFileShape extends PrecompiledStamp {
  readonly files: Record<string, Precompiled>;
}

export const PRECOMPILED_FILE = "precompiled.json";

export function sourceKey(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

/**
 * The table in `file`, or undefined when it is missing, unreadable or stamped differently: the
 * caller then compiles everything, which is always correct.
 */
export async function readPrecompiled(
  file: string | URL,
  expected: PrecompiledStamp,
): Promise<PrecompiledTable | undefined> {
  let parsed: Partial<PrecompiledFileShape>;
  try {
    parsed = JSON.parse(await readFile(file, "utf8")) as Partial<PrecompiledFileShape>;
  } catch {
    return undefined;
  }
  if (
    parsed.build !== expected.build ||
    parsed.typescript !== expected.typescript ||
    parsed.esbuild !== expected.esbuild ||
    typeof parsed.files !== "object" ||
    parsed.files === null
  ) {
    return undefined;
  }
  // Keys are hex digests, but the table is read from disk: no prototype to trip over. An entry
  // of the wrong shape is a miss (compiled again), never written out as it is.
  const valid = (e: unknown): e is Precompiled =>
    typeof e === "object" &&
    e !== null &&
    typeof (e as Precompiled).js === "string" &&
    ["string", "undefined"].includes(typeof (e as Precompiled).dts);
  return new Map(Object.entries(parsed.files).filter(([, e]) => valid(e)));
}

/**
 * The table's content for the sources in `templatesDir` (runtime/ and testing/), compiled by
 * `compile` (compile.ts's own transforms, so the table holds exactly what a run would emit).
 * Declarations a source cannot produce are left out and computed (and reported) by the run.
 */
export async function buildPrecompiled(
  templatesDir: string,
  stamp: PrecompiledStamp,
  compile: {
    js(path: string, content: string): Promise<string>;
    dts(path: string, content: string): string;
  },
): Promise<PrecompiledFileShape> {
  const files = Object.create(null) as Record<string, Precompiled>;
  for (const sub of ["runtime", "testing"]) {
    const dir = join(templatesDir, sub);
    const names = (await readdir(dir)).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"));
    for (const name of names.sort()) {
      const content = await readFile(join(dir, name), "utf8");
      const path = `src/${sub}/${name}`;
      const js = await compile.js(path, content);
      let dts: string | undefined;
      try {
        dts = compile.dts(path, content);
      } catch {
        dts = undefined;
      }
      files[sourceKey(content)] = dts === undefined ? { js } : { js, dts };
    }
  }
  return { ...stamp, files };
}
