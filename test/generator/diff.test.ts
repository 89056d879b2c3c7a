// The SDK-level diff: one old/new fixture pair per change class (test/fixtures/diff/<class>/),
// the rating of each change for a caller, the semver suggestion and both report formats.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../generator/config.js";
import { apiConfigFor, diffSpecFiles } from "../../generator/diff-command.js";
import { apiSection, makeReport, reportJson, reportMarkdown } from "../../generator/diff-report.js";
import type { ApiSurface, MethodSurface } from "../../generator/diff-surface.js";
import {
  diffApi,
  nextVersion,
  suggestBump,
  type Change,
  type ChangeKind,
  type Impact,
} from "../../generator/diff.js";
import { specReviewer } from "../../generator/release-accept.js";
import { CLI, ROOT } from "./workspace.js";

const FIXTURES = join(ROOT, "test/fixtures/diff");

async function diffFixture(name: string) {
  const old = join(FIXTURES, name, "old.yaml");
  const next = join(FIXTURES, name, "new.yaml");
  const api = await apiConfigFor({ old, new: next, config: join(FIXTURES, "no-config.json") });
  return diffSpecFiles(old, next, api);
}

/** `[method, kind, at, impact]` rows: compact and readable in a failure. */
const rows = (changes: Change[]) => changes.map((c) => [c.method, c.kind, c.at ?? "", c.impact]);

describe("diff: one fixture pair per change class", () => {
  it("methods: removed and renamed are breaking; added is minor; a moved route is a patch", async () => {
    const d = await diffFixture("methods");
    expect(d.fromVersion).toBe("1.0.0");
    expect(d.toVersion).toBe("1.1.0");
    expect(rows(d.changes)).toEqual([
      ["reports.create", "method-renamed", "", "major"],
      ["things.delete", "method-removed", "", "major"],
      ["things.export", "deprecated", "", "patch"],
      ["things.export", "route-changed", "", "patch"],
      ["widgets.listWidgets", "method-added", "", "minor"],
    ]);
    expect(d.changes[0]!.message).toBe("renamed from `reports.make` to `reports.create`");
  });

  it("a renamed path placeholder is the argument's rename, not a new route (the URL is the same)", async () => {
    const d = await diffFixture("placeholders");
    expect(rows(d.changes)).toEqual([
      ["things.get", "param-removed", "id", "major"],
      ["things.get", "param-added", "thing_id", "major"],
    ]);
  });

  it("parameters: new required, removed and made required break; new optional and made optional do not", async () => {
    const d = await diffFixture("params");
    expect(rows(d.changes)).toEqual([
      ["things.list", "param-required", "limit", "major"],
      ["things.list", "param-removed", "offset", "major"],
      ["things.list", "param-added", "tenant", "major"],
      ["things.list", "param-added", "verbose", "minor"],
      ["things.list", "param-optional", "q", "patch"],
    ]);
  });

  it("body fields of the argument object, nested ones included", async () => {
    const d = await diffFixture("body-fields");
    expect(rows(d.changes)).toEqual([
      ["things.create", "param-required", "color", "major"],
      ["things.create", "field-added", "owner.team", "major"],
      ["things.create", "param-removed", "size", "major"],
      ["things.create", "param-added", "tags", "minor"],
    ]);
  });

  it("types: a request may widen, a response may narrow; anything else breaks", async () => {
    const d = await diffFixture("types");
    expect(rows(d.changes)).toEqual([
      ["things.create", "type-narrowed", "count", "major"],
      ["things.create", "type-changed", "note", "major"],
      ["things.create", "type-widened", "result.total", "major"],
      ["things.create", "type-widened", "label", "patch"],
      ["things.create", "type-narrowed", "result.score", "patch"],
    ]);
    expect(d.changes[0]!.message).toBe("type of `count` narrowed: number → integer");
  });

  it("enums: a value removed from a request or added to a response breaks (through $ref too)", async () => {
    const d = await diffFixture("enums");
    expect(rows(d.changes)).toEqual([
      ["things.list", "enum-added", "result.state", "major"],
      ["things.list", "enum-removed", "status", "major"],
      ["things.list", "enum-added", "status", "minor"],
      ["things.list", "enum-removed", "result.kind", "patch"],
    ]);
    expect(d.changes[0]!.message).toBe('`result.state` may return "failed"');
  });

  it("responses: a removed field or one that may now be missing breaks; additions do not", async () => {
    const d = await diffFixture("responses");
    expect(rows(d.changes)).toEqual([
      ["things.list", "field-optional", "result.count", "major"],
      ["things.list", "field-removed", "result.results[].legacy_id", "major"],
      ["things.list", "field-added", "result.results[].created", "minor"],
      ["things.list", "field-required", "result.next", "patch"],
    ]);
  });

  it("scopes: a newly required scope breaks (the runtime refuses the call before sending)", async () => {
    const d = await diffFixture("scopes");
    expect(rows(d.changes)).toEqual([
      ["things.create", "scopes-changed", "", "patch"],
      ["things.list", "scopes-changed", "", "major"],
    ]);
    expect(d.changes[1]!.message).toBe("scopes `read` → `read`, `write`");
  });

  it("a new spec version with new descriptions only is no SDK change", async () => {
    const d = await diffFixture("unchanged");
    expect(d.changes).toEqual([]);
    expect(suggestBump(d.changes)).toBe("none");
  });
});

describe("diff: surfaces built by hand", () => {
  const method = (over: Partial<MethodSurface> = {}): MethodSurface => ({
    route: "POST /x",
    scopes: [],
    deprecated: false,
    args: "flat",
    argsOptional: true,
    params: Object.create(null),
    response: "json",
    ...over,
  });
  const surface = (methods: Record<string, MethodSurface>): ApiSurface => ({
    version: "1",
    methods,
  });

  it("a changed argument style is breaking and reported once", () => {
    const d = diffApi(
      "x",
      surface({ "x.send": method() }),
      surface({ "x.send": method({ args: "body", body: { types: ["array"] } }) }),
    );
    expect(rows(d.changes)).toEqual([["x.send", "arguments-changed", "", "major"]]);
  });

  it("a method that now returns something is minor; one that stops returning breaks", () => {
    const none = surface({ "x.send": method({ response: "none" }) });
    const json = surface({ "x.send": method() });
    expect(rows(diffApi("x", none, json).changes)).toEqual([
      ["x.send", "response-changed", "", "minor"],
    ]);
    const back = diffApi("x", json, none).changes;
    expect(rows(back)).toEqual([["x.send", "response-changed", "", "major"]]);
    expect(back[0]!.message).toBe("returns nothing (was json)");
  });

  it.each<[string, string | undefined, string | undefined, string | undefined]>([
    [
      "becoming paged breaks (awaiting it gives a Page)",
      "none",
      "ctia",
      "is paged now: awaiting it gives a Page of items, not the body",
    ],
    [
      "ceasing to page breaks",
      "offset",
      "none",
      "is no longer paged: awaiting it gives the body, not a Page",
    ],
    ["a surface recorded without paging compares nothing", undefined, "ctia", undefined],
    ["the same paging is no change", "ctia", "ctia", undefined],
  ])("paging: %s", (_title, before, after, message) => {
    const changes = diffApi(
      "x",
      surface({ "x.send": method(before === undefined ? {} : { paging: before }) }),
      surface({ "x.send": method(after === undefined ? {} : { paging: after }) }),
    ).changes;
    expect(changes.map((c) => [c.kind, c.impact, c.message])).toEqual(
      message ? [["response-changed", "major", message]] : [],
    );
  });

  it("a body that becomes required makes the argument object required", () => {
    const d = diffApi(
      "x",
      surface({ "x.send": method() }),
      surface({ "x.send": method({ argsOptional: false }) }),
    );
    expect(rows(d.changes)).toEqual([["x.send", "param-required", "", "major"]]);
  });

  it("names from specs never reach Object.prototype", () => {
    const params = Object.create(null);
    params["__proto__"] = { required: true, type: { types: ["string"] } };
    const d = diffApi(
      "x",
      surface({ constructor: method() }),
      surface({ constructor: method({ params }) }),
    );
    expect(rows(d.changes)).toEqual([["constructor", "param-added", "__proto__", "major"]]);
  });
});

describe("semver suggestion", () => {
  const change = (impact: Impact, kind: ChangeKind = "method-added"): Change => ({
    api: "a",
    method: "m",
    kind,
    message: "",
    impact,
    breaking: impact === "major",
  });

  it("is the largest impact, or none", () => {
    expect(suggestBump([])).toBe("none");
    expect(suggestBump([change("patch")])).toBe("patch");
    expect(suggestBump([change("patch"), change("minor")])).toBe("minor");
    expect(suggestBump([change("minor"), change("major"), change("patch")])).toBe("major");
  });

  it("bumps 1.x by the level, and 0.x by one level less (a caret range takes only 0.y.*)", () => {
    expect(nextVersion("1.4.2", "major")).toBe("2.0.0");
    expect(nextVersion("1.4.2", "minor")).toBe("1.5.0");
    expect(nextVersion("1.4.2", "patch")).toBe("1.4.3");
    expect(nextVersion("1.4.2", "none")).toBe("1.4.2");
    expect(nextVersion("0.3.1", "major")).toBe("0.4.0");
    expect(nextVersion("0.3.1", "minor")).toBe("0.3.2");
    expect(nextVersion("0.3.1", "patch")).toBe("0.3.2");
    expect(() => nextVersion("one", "patch")).toThrow(/not a semver version/);
  });
});

describe("report", () => {
  it("Markdown for people: the bump, then each API's changes, breaking first", async () => {
    const report = makeReport("old.yaml", "new.yaml", [await diffFixture("params")]);
    expect(reportMarkdown(report)).toBe(
      [
        "## SDK changes: old.yaml → new.yaml",
        "",
        "Suggested version bump: **major** (3 breaking changes, 2 non-breaking changes).",
        "",
        "### api",
        "",
        "**Breaking**",
        "",
        "- `things.list`: argument `limit` is now required",
        "- `things.list`: argument `offset` removed",
        "- `things.list`: required argument `tenant` added",
        "",
        "**Non-breaking**",
        "",
        "- `things.list`: argument `verbose` added",
        "- `things.list`: argument `q` is now optional",
        "",
      ].join("\n"),
    );
  });

  it("one line for a change shared by many methods (a schema under several)", () => {
    const change = (method: string, message: string): Change => ({
      api: "ctia",
      method,
      kind: "field-added",
      message,
      impact: "minor",
      breaking: false,
    });
    const shared = "field `result.context` added";
    const changes = ["a", "b", "c", "d", "e", "f"].map((m) => change(`x.${m}`, shared));
    const lines = apiSection(
      {
        api: "ctia",
        fromVersion: "1",
        toVersion: "1",
        changes: [...changes, change("x.g", "other")],
      },
      "###",
    );
    expect(lines.slice(-2)).toEqual([
      "- `x.a`, `x.b`, `x.c`, `x.d` and 2 more: field `result.context` added",
      "- `x.g`: other",
    ]);
  });

  it("one line for many keys added to one object of one method", () => {
    const changes: Change[] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].map((k) => ({
      api: "iroh",
      method: "bundles.import",
      kind: "field-added",
      at: `body.bundle.${k}`,
      message: `field \`body.bundle.${k}\` added`,
      impact: "minor",
      breaking: false,
    }));
    const lines = apiSection({ api: "iroh", fromVersion: "1", toVersion: "1", changes }, "###");
    expect(lines.at(-1)).toBe(
      "- `bundles.import`: 10 fields added in `body.bundle`: `a`, `b`, `c`, `d`, `e`, `f`, `g`, `h` and 2 more",
    );
  });

  it("says so when nothing changed", async () => {
    const report = makeReport("a", "b", [await diffFixture("unchanged")]);
    expect(reportMarkdown(report)).toContain("No change to the SDK surface");
    expect(JSON.parse(reportJson(report))).toMatchObject({ bump: "none", breaking: 0 });
  });

  it("JSON for tools: totals, bump and every change with its place", async () => {
    const json = JSON.parse(reportJson(makeReport("a", "b", [await diffFixture("scopes")])));
    expect(json).toMatchObject({ from: "a", to: "b", bump: "major", breaking: 1, nonBreaking: 1 });
    expect(json.apis[0].changes[1]).toEqual({
      api: "api",
      method: "things.list",
      kind: "scopes-changed",
      message: "scopes `read` → `read`, `write`",
      impact: "major",
      breaking: true,
    });
  });
});

describe("fetch-spec's review (release-accept.ts)", () => {
  const config = parseConfig(
    { apis: { things: { spec: join(FIXTURES, "scopes/old.yaml") } } },
    "none.config.json",
    FIXTURES,
  );
  const api = config.apis[0]!;
  const review = specReviewer(config, api);
  const summary = { sha256: "a".repeat(64), size: 1, openapi: "3.1.0", title: "", operations: 1 };
  const change = (previous: Buffer | undefined, next: Buffer) => ({
    previous: previous && { bytes: previous, label: join(FIXTURES, "scopes/old.yaml") },
    next,
    before: { ...summary, version: "1.0.0" },
    after: { ...summary, sha256: "b".repeat(64), version: "1.1.0" },
  });

  it("compares the fetched bytes with the locked document", async () => {
    const old = readFileSync(join(FIXTURES, "scopes/old.yaml"));
    const next = readFileSync(join(FIXTURES, "scopes/new.yaml"));
    const { report } = await review(change(old, next));
    expect(report).toMatch(/^\n## SDK changes: .*scopes\/old\.yaml → the fetched document\n/);
    expect(report).toContain("- `things.list`: scopes `read` → `read`, `write`");
  });

  it("never throws: a document it cannot read, or no locked copy, becomes a note", async () => {
    const old = readFileSync(join(FIXTURES, "scopes/old.yaml"));
    const broken = await review(change(old, Buffer.from("{}")));
    expect(broken.report).toBe(
      "(no SDK-level report: the fetched document: not an OpenAPI document: the top-level `openapi` field is missing)",
    );
    const next = readFileSync(join(FIXTURES, "scopes/new.yaml"));
    const none = await review(change(undefined, next));
    expect(none.report).toBe(
      "(no SDK-level report: no copy of the locked document was found to compare with; accepted, the change is rated breaking)",
    );
    // No release state for this config: accepting records nothing.
    expect(await none.record!()).toBeUndefined();
  });
});

describe("xdr-codegen diff (CLI)", () => {
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, "diff", ...args], {
      cwd: FIXTURES,
      encoding: "utf8",
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("prints Markdown, or JSON with --json, and exits 0 whatever the changes", () => {
    const md = run("enums/old.yaml", "enums/new.yaml");
    expect(md.stderr).toBe("");
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^## SDK changes: enums\/old\.yaml → enums\/new\.yaml\n/);
    const json = run("enums/old.yaml", "enums/new.yaml", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ bump: "major", breaking: 2, nonBreaking: 2 });
  });

  it("bad input is one line naming the file, and exit 2", () => {
    const missing = run("enums/old.yaml", "nope.yaml");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("nope.yaml: file not found\n");
    const api = run(
      "enums/old.yaml",
      "enums/new.yaml",
      "--api",
      "nope",
      "--config",
      "../specs/none.json",
    );
    expect(api.code).toBe(2);
    expect(api.stderr).toMatch(/none\.json: config file not found/);
  });
});
