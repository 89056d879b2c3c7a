// Which runtime files and exports a package ships: xdr-sdk all of them; a standalone package
// none of IROH's helpers or the XDR_* reader, and the workflow waits only when an API has a
// workflow run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runtimeFiles, runtimeIndex, type RuntimeNeeds } from "../../generator/runtime-files.js";
import { ROOT } from "./workspace.js";

const INDEX = [
  'export { createTransport } from "./transport.js";',
  "// @workflow: waits",
  'export { startWorkflowAndWait } from "./workflow.js";',
  "// @end",
  "// @xdr: XDR only",
  'export { verdicts } from "./helpers.js";',
  "export type {",
  "  VerdictItem,",
  '} from "./helpers.js";',
  "// @end",
  "",
].join("\n");

describe("runtimeIndex", () => {
  const cases: [string, { given: RuntimeNeeds; want: string[] }][] = [
    [
      "xdr-sdk keeps every block",
      { given: { xdr: true, workflow: true }, want: ["transport", "workflow", "helpers"] },
    ],
    [
      "a standalone package drops both",
      { given: { xdr: false, workflow: false }, want: ["transport"] },
    ],
    [
      "a config package with a workflow run keeps its waits",
      { given: { xdr: false, workflow: true }, want: ["transport", "workflow"] },
    ],
  ];
  it("cuts a block of a file checked out with CRLF line ends", () => {
    const out = runtimeIndex(INDEX.replace(/\n/g, "\r\n"), { xdr: false, workflow: false });
    expect(out).not.toContain("helpers.js");
    expect(out).not.toContain("workflow.js");
  });

  it.each(cases)("%s", (_title, { given, want }) => {
    const out = runtimeIndex(INDEX, given);
    for (const module of ["transport", "workflow", "helpers"]) {
      expect(out.includes(`"./${module}.js"`), module).toBe(want.includes(module));
    }
    // A dropped block goes with its markers: one `// @end` per block kept.
    expect(out.match(/^\/\/ @end$/gm)?.length ?? 0).toBe(want.length - 1);
  });
});

describe("runtimeFiles", () => {
  it("leaves helpers.ts and workflow.ts out of a package that needs neither", async () => {
    const dir = join(ROOT, "templates/runtime");
    const all = (await runtimeFiles(dir, { xdr: true, workflow: true })).map((f) => f.name);
    const none = (await runtimeFiles(dir, { xdr: false, workflow: false })).map((f) => f.name);
    expect(all).toEqual(expect.arrayContaining(["helpers.ts", "workflow.ts", "index.ts"]));
    expect(all.filter((n) => !none.includes(n)).sort()).toEqual(["helpers.ts", "workflow.ts"]);
  });

  it("gives xdr-sdk the runtime index byte for byte", async () => {
    const dir = join(ROOT, "templates/runtime");
    const files = await runtimeFiles(dir, { xdr: true, workflow: true });
    expect(files.find((f) => f.name === "index.ts")!.content).toBe(
      readFileSync(join(dir, "index.ts"), "utf8"),
    );
  });
});
