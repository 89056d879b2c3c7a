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

describe("spec-update on a fresh clone: the committed release state rates a new document", () => {
  // As a clone holds it: the config, a hand-written spec (pets), the lock and the release state,
  // but no downloaded document and no generated package. The mirror keeps the locked document
  // (like ../shared); the new one arrives with --from.
  let clone: Workspace;
  const state = () => clone.read("xdr-codegen.release.json");
  const cloneLoop = (...extra: string[]) => {
    const r = spawnSync(process.execPath, [SCRIPT, "--offline", "--skip-tests", ...extra], {
      cwd: clone.dir,
      encoding: "utf8",
      timeout: 300_000,
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };

  beforeAll(() => {
    clone = fixtureWorkspace();
    mkdirSync(clone.path("mirror"));
    clone.write(
      "xdr-codegen.config.json",
      JSON.stringify({
        output: "out",
        package: { name: "things-sdk", version: "1.0.0" },
        apis: {
          pets: { spec: "specs/pets.yaml" },
          things: {
            spec: "specs/things.json",
            fetch: { lock: "specs/things.lock.json", mirrors: ["mirror/things.json"] },
          },
        },
      }),
    );
    clone.write("mirror/things.json", fixtureJson("methods/old.yaml"));
    clone.write("xdr-codegen.release.json", JSON.stringify({ version: "1.0.0" }));
    // The maintainer's side: fetch, generate (the baseline state), commit; then a fresh clone.
    expect(clone.run(["fetch-spec", "things", "--offline"]).code).toBe(0);
    expect(clone.run(["generate"]).code).toBe(0);
    rmSync(clone.path("specs/things.json"));
    rmSync(clone.path("out"), { recursive: true });
  }, 300_000);
  afterAll(() => clone.remove());

  it("unchanged: no new spec, and the committed state stays byte-identical", () => {
    const before = state();
    const r = cloneLoop();
    expect(r.out).toMatch(/no new spec: nothing to do/);
    expect(r.code).toBe(0);
    expect(state()).toBe(before);
    expect(JSON.parse(before).apis.things).toEqual({
      lock: expect.any(String),
      config: expect.any(String),
    });
  }, 300_000);

  it("a removed operation: --accept records a major bump, generate releases it", () => {
    clone.write("new-things.json", fixtureJson("methods/new.yaml"));
    const r = cloneLoop("--from", "new-things.json", "--json", "summary.json");
    expect(r.code).toBe(0);
    // Rated at acceptance, against the locked document found in the mirror.
    expect(r.out).toContain("- `things.delete`: removed (`DELETE /things/{id}`)");
    expect(r.out).toMatch(/Rated major: recorded in xdr-codegen\.release\.json/);
    expect(r.out).toMatch(/^release +2\.0\.0 +major:/m);
    expect(JSON.parse(clone.read("out/package.json")).version).toBe("2.0.0");
    const changelog = clone.read("out/CHANGELOG.md");
    expect(changelog).toContain("## 2.0.0 (");
    expect(changelog).toContain("- `things.delete`: removed (`DELETE /things/{id}`)");
    const released = JSON.parse(state());
    expect(released).toMatchObject({ version: "2.0.0", entries: [{ bump: "major" }] });
    expect(released.pending).toBeUndefined();
    expect(Object.keys(released.apis.things)).toEqual(["lock", "config"]);
    expect(JSON.parse(clone.read("summary.json"))).toMatchObject({ bump: "major" });
    const check = clone.run(["check"]);
    expect(check.stdout + check.stderr).toMatch(/up to date/);
    expect(check.code).toBe(0);
  }, 300_000);

  it("a hand-written spec is still rated by generate", () => {
    clone.write(
      "specs/pets.yaml",
      clone
        .read("specs/pets.yaml")
        .replace("        - { name: limit, in: query, schema: { type: integer } }\n", ""),
    );
    const r = clone.run(["generate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^release +3\.0\.0 +major: 1 breaking/m);
    expect(clone.read("out/CHANGELOG.md")).toMatch(/- `pets\.\w+`: argument `limit` removed/);
  }, 300_000);
});

describe(".github/workflows/spec-update.yml", () => {
  it("runs this script through the npm script, and proposes only committed state", () => {
    const workflow = yaml.load(
      readFileSync(join(ROOT, ".github/workflows/spec-update.yml"), "utf8"),
    ) as {
      jobs: {
        update: {
          steps: { id?: string; run?: string; uses?: string; with?: Record<string, string> }[];
        };
      };
    };
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts["spec-update"]).toBe("node scripts/spec-update.mjs");
    const steps = workflow.jobs.update.steps;
    expect(steps.find((s) => s.id === "loop")!.run).toMatch(/^npm run spec-update -- --report /);
    const pr = steps.find((s) => s.with?.["add-paths"] !== undefined)!;
    // Never Cisco's document: the lock, and the release state (which keeps nothing of it).
    expect(pr.with!["add-paths"]!.trim().split("\n")).toEqual([
      "specs/automation.lock.json",
      "xdr-codegen.release.json",
    ]);
    // The locked document is cached (not committed) so that --accept can rate the next one:
    // restored before the loop and saved after it, both keyed by the lock as it is then.
    const loop = steps.findIndex((s) => s.id === "loop");
    const cache = (kind: string) => steps.findIndex((s) => s.uses === `actions/cache/${kind}@v4`);
    expect(cache("restore")).toBeGreaterThan(-1);
    expect(cache("restore")).toBeLessThan(loop);
    expect(cache("save")).toBeGreaterThan(loop);
    for (const kind of ["restore", "save"]) {
      expect(steps[cache(kind)]!.with).toEqual({
        path: "specs/automation.json",
        key: "automation-spec-${{ hashFiles('specs/automation.lock.json') }}",
      });
    }
  });
});
