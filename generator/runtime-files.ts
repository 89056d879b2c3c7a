// The runtime files a package ships: templates/runtime/*.ts, copied as they are, except that a
// package without Cisco XDR's APIs leaves out what only they use. Its index then exports no
// `verdicts`, no `XDR_*` reader, and (when no API has a workflow run) no workflow waits: blocks
// of templates/runtime/index.ts between `// @xdr` (or `// @workflow`) and `// @end`.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export interface RuntimeNeeds {
  /** The package is xdr-sdk (the config's `xdr`): IROH's helpers and the XDR_* reader. */
  readonly xdr: boolean;
  /** Some API has a `workflowRun` (start, then poll until the run ends). */
  readonly workflow: boolean;
}

/** Files whose only importer is a block the package leaves out. */
const ONLY_IN: ReadonlyMap<string, keyof RuntimeNeeds> = new Map([
  ["helpers.ts", "xdr"],
  ["workflow.ts", "workflow"],
]);

/** `name → content` of the runtime files the package ships, sorted by name. */
export async function runtimeFiles(
  dir: string,
  needs: RuntimeNeeds,
): Promise<{ name: string; content: string }[]> {
  const out: { name: string; content: string }[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith(".ts") || name.endsWith(".test.ts")) continue;
    const only = ONLY_IN.get(name);
    if (only && !needs[only]) continue;
    const content = await readFile(join(dir, name), "utf8");
    out.push({ name, content: name === "index.ts" ? runtimeIndex(content, needs) : content });
  }
  // An index still naming a file left out would not compile: say so here, not in tsc's words.
  const index = out.find((f) => f.name === "index.ts")?.content ?? "";
  for (const [file, need] of ONLY_IN) {
    if (!needs[need] && index.includes(`"./${file.replace(/\.ts$/, ".js")}"`)) {
      throw new Error(`runtime index.ts: the @${need} block naming ${file} was not cut`);
    }
  }
  return out;
}

/** The runtime index without the blocks the package does not need. */
export function runtimeIndex(source: string, needs: RuntimeNeeds): string {
  return source.replace(
    /^\/\/ @(xdr|workflow):[^\n]*\n(?:(?!\/\/ @end\r?\n)[^\n]*\n)*?\/\/ @end\r?\n/gm,
    (block, kind: keyof RuntimeNeeds) => (needs[kind] ? block : ""),
  );
}
