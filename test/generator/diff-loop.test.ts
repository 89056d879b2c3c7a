// scripts/spec-update.mjs, the "a new spec was published" loop, run as CI runs it but offline:
// the new document comes from a local mirror, the test command is a stand-in for `npm test`.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureWorkspace, ROOT, type Workspace } from "./workspace.js";

const SCRIPT = join(ROOT, "scripts/spec-update.mjs");
const fixtureJson = (name: string) =>
  JSON.stringify(yaml.load(readFileSync(join(ROOT, "test/fixtures/diff", name), "utf8")), null, 2);

let ws: Workspace;
const publish = (name: string) => ws.write("mirror/things.json", fixtureJson(name));
const lock = () => JSON.parse(ws.read("specs/things.lock.json"));

function loop(...extra: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, "--offline", ...extra], {
    cwd: ws.dir,
    encoding: "utf8",
    env: { ...process.env, GITHUB_OUTPUT: ws.path("github-output.txt") },
    timeout: 300_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  ws = fixtureWorkspace();
  mkdirSync(ws.path("mirror"));
  ws.write(
    "xdr-codegen.config.json",
    JSON.stringify({
      output: "out",
      package: { name: "things-sdk", version: "1.0.0" },
      apis: {
        things: {
          spec: "specs/things.json",
          fetch: { lock: "specs/things.lock.json", mirrors: ["mirror/things.json"] },
        },
      },
    }),
  );
  ws.write("xdr-codegen.release.json", JSON.stringify({ version: "1.0.0" }));
  publish("params/old.yaml");
  // The state CI starts from: the spec fetched under its lock, the SDK generated from it.
  expect(ws.run(["fetch-spec", "things", "--offline"]).code).toBe(0);
  expect(ws.run(["generate"]).code).toBe(0);
}, 300_000);
afterAll(() => ws.remove());

describe("scripts/spec-update.mjs", () => {
  it("with no new spec does nothing and says so", () => {
    const r = loop("--skip-tests");
    expect(r.out).toMatch(/no new spec: nothing to do/);
    expect(r.code).toBe(0);
    expect(ws.read("github-output.txt")).toContain("changed=false\n");
  }, 300_000); // several generator runs, on a machine shared with other work

  it("--no-accept reports a new spec at the SDK level and writes nothing", () => {
    publish("params/new.yaml");
    const before = ws.read("specs/things.lock.json");
    const r = loop("--no-accept", "--report", "report.md");
    expect(r.code).toBe(1);
    expect(ws.read("specs/things.lock.json")).toBe(before);
    const report = ws.read("report.md");
    expect(report).toContain("Suggested version bump: **major**");
    expect(report).toContain("- `things.list`: required argument `tenant` added");
  }, 300_000); // several generator runs, on a machine shared with other work

  it("accepts, regenerates with a bumped version and changelog, then runs the tests", () => {
    const shaBefore = lock().sha256;
    // The stand-in for `npm test` proves it runs on the regenerated package.
    const test = `node -e "process.exit(require('./out/package.json').version === '2.0.0' ? 0 : 5)"`;
    const r = loop("--report", "report.md", "--json", "summary.json", "--test-cmd", test);
    expect(r.out).toMatch(/spec updated: things; version 2\.0\.0/);
    expect(r.code).toBe(0);
    expect(lock().sha256).not.toBe(shaBefore);
    expect(ws.read("out/CHANGELOG.md")).toContain("## 2.0.0 (");
    expect(ws.read("out/CHANGELOG.md")).toContain("- `things.list`: argument `offset` removed");
    expect(JSON.parse(ws.read("summary.json"))).toMatchObject({
      changed: true,
      accepted: true,
      apis: [{ api: "things", status: "accepted" }],
      version: { before: "1.0.0", after: "2.0.0" },
      bump: "major",
      tests: "passed",
    });
    expect(ws.read("report.md")).toContain("Version 1.0.0 → 2.0.0 (major); see CHANGELOG.md.");
    expect(ws.read("github-output.txt")).toMatch(/changed=true\nversion=2\.0\.0\nbump=major\n$/);
    const check = ws.run(["check"]);
    expect(check.stdout + check.stderr).toMatch(/up to date/);
    expect(check.code).toBe(0);
  }, 300_000); // several generator runs, on a machine shared with other work

  it("fails with exit 1 when the tests fail on the new spec, leaving the work for a person", () => {
    publish("params/old.yaml"); // `tenant` goes away again: another breaking change
    const r = loop("--test-cmd", `node -e "process.exit(3)"`);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/tests fail on the new spec/);
    expect(JSON.parse(ws.read("out/package.json")).version).toBe("3.0.0");
  }, 300_000); // several generator runs, on a machine shared with other work

  it("warns when no release state is committed (nothing to rate against, no version to bump)", () => {
    rmSync(ws.path("xdr-codegen.release.json"));
    const r = loop("--skip-tests", "--json", "summary.json");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /warning: no release state \(xdr-codegen\.release\.json\): the change cannot be rated/,
    );
    expect(JSON.parse(ws.read("summary.json")).warning).toMatch(/^no release state/);
  }, 300_000); // several generator runs, on a machine shared with other work

  it("generate records no release from a downloaded spec its lock does not describe", () => {
    ws.write("xdr-codegen.release.json", JSON.stringify({ version: "5.0.0" }));
    expect(ws.run(["generate"]).code).toBe(0); // baseline
    const state = ws.read("xdr-codegen.release.json");
    ws.write("specs/things.json", fixtureJson("params/new.yaml")); // edited by hand, not accepted
    const r = ws.run(["generate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to generate from it/);
    expect(ws.read("xdr-codegen.release.json")).toBe(state);
  }, 300_000);

  it("exits 2 on a bad config", () => {
    const r = loop("--config", "missing.json");
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/missing\.json: config file not found/);
  });
});

describe(".github/workflows/spec-update.yml", () => {
  it("runs this script through the npm script, and proposes only committed state", () => {
    const workflow = yaml.load(
      readFileSync(join(ROOT, ".github/workflows/spec-update.yml"), "utf8"),
    ) as {
      jobs: { update: { steps: { id?: string; run?: string; with?: Record<string, string> }[] } };
    };
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts["spec-update"]).toBe("node scripts/spec-update.mjs");
    const steps = workflow.jobs.update.steps;
    expect(steps.find((s) => s.id === "loop")!.run).toMatch(/^npm run spec-update -- --report /);
    const pr = steps.find((s) => s.with?.["add-paths"] !== undefined)!;
    // Never Cisco's document, nor (for now) the release state derived from it: the lock only.
    expect(pr.with!["add-paths"]!.trim().split("\n")).toEqual(["specs/automation.lock.json"]);
  });
});
