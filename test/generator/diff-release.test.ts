// The release state behind `generate`: a spec change bumps the version by the suggested level and
// adds a changelog entry; nothing else moves it; the package gets CHANGELOG.md and the version;
// `check` stays exact.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  changelogFiles,
  readRelease,
  releasedConfig,
  releaseProblems,
  updateRelease,
} from "../../generator/changelog.js";
import { parseConfig, type Config } from "../../generator/config.js";
import { fixtureWorkspace, ROOT, type Workspace } from "./workspace.js";

const FIXTURES = join(ROOT, "test/fixtures/diff");
const NOW = () => new Date("2026-11-30T12:00:00Z");

let dir: string;
let config: Config;
const logs: string[] = [];
const log = (line: string) => void logs.push(line);
const stateFile = () => join(dir, "sdk.release.json");
const useSpec = (fixture: string) =>
  copyFileSync(join(FIXTURES, fixture), join(dir, "things.yaml"));

beforeEach(() => {
  mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
  dir = mkdtempSync(join(ROOT, ".xdr-test-tmp", "release-"));
  useSpec("params/old.yaml");
  config = parseConfig(
    {
      package: { name: "things-sdk", version: "1.0.0" },
      apis: { things: { spec: "things.yaml" } },
    },
    "sdk.config.json",
    dir,
  );
  logs.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("release state", () => {
  it("is off for a config that is neither XDR's nor has a state file", async () => {
    expect(await updateRelease({ config, log })).toBeUndefined();
    expect(existsSync(stateFile())).toBe(false);
    expect(await changelogFiles(config)).toEqual([]);
    expect((await releasedConfig(config)).package.version).toBe("1.0.0");
  });

  it("is created as a baseline for an XDR config: no entry, no bump", async () => {
    const xdr = { ...config, xdr: true };
    expect(await updateRelease({ config: xdr, log })).toBeUndefined();
    const state = await readRelease(xdr);
    expect(state).toMatchObject({ version: "1.0.0", entries: [] });
    expect(Object.keys(state!.apis)).toEqual(["things"]);
    expect(await changelogFiles(xdr)).toEqual([]);
  });

  it("bumps by the suggested level on a spec change, and only then", async () => {
    writeFileSync(stateFile(), JSON.stringify({ version: "1.0.0" }));
    await updateRelease({ config, log, now: NOW }); // baseline of the existing API
    const baseline = readFileSync(stateFile(), "utf8");
    expect(await updateRelease({ config, log, now: NOW })).toBeUndefined();
    expect(readFileSync(stateFile(), "utf8")).toBe(baseline);

    useSpec("params/new.yaml"); // breaking
    const entry = await updateRelease({ config, log, now: NOW });
    expect(entry).toMatchObject({ version: "2.0.0", date: "2026-11-30", bump: "major" });
    expect(logs.at(-1)).toBe(
      "release      2.0.0      major: 3 breaking, 2 non-breaking (CHANGELOG.md)",
    );
    expect((await releasedConfig(config)).package.version).toBe("2.0.0");

    // Descriptions only: the snapshot's inputs move, the version does not.
    writeFileSync(
      join(dir, "things.yaml"),
      readFileSync(join(dir, "things.yaml"), "utf8").replace("title: Fixture", "title: Things"),
    );
    expect(await updateRelease({ config, log, now: NOW })).toBeUndefined();
    expect((await readRelease(config))!.version).toBe("2.0.0");

    useSpec("params/old.yaml"); // back: `offset` added (minor), but `tenant` removed (major)
    expect((await updateRelease({ config, log, now: NOW }))!.version).toBe("3.0.0");
  });

  it("is left alone in watch mode, where every save would be a release", async () => {
    writeFileSync(stateFile(), JSON.stringify({ version: "1.0.0" }));
    await updateRelease({ config, log, now: NOW });
    const baseline = readFileSync(stateFile(), "utf8");
    useSpec("params/new.yaml");
    expect(await updateRelease({ config, log, now: NOW, skip: true })).toBeUndefined();
    expect(readFileSync(stateFile(), "utf8")).toBe(baseline);
  });

  it("an API added to the config is one minor line; one removed, one major line", async () => {
    writeFileSync(stateFile(), JSON.stringify({ version: "1.0.0" }));
    await updateRelease({ config, log, now: NOW });
    copyFileSync(join(FIXTURES, "scopes/new.yaml"), join(dir, "more.yaml"));
    const two = parseConfig(
      {
        package: { name: "things-sdk", version: "1.0.0" },
        apis: { things: { spec: "things.yaml" }, more: { spec: "more.yaml" } },
      },
      "sdk.config.json",
      dir,
    );
    const added = await updateRelease({ config: two, log, now: NOW });
    expect(added).toMatchObject({ version: "1.1.0", bump: "minor" });
    expect(added!.apis[0]!.changes[0]).toMatchObject({
      method: "more",
      kind: "api-added",
      message: "new API (2 methods)",
    });
    const removed = await updateRelease({ config, log, now: NOW });
    expect(removed).toMatchObject({ version: "2.0.0", bump: "major" });
    expect(removed!.apis[0]!.changes[0]!.message).toBe("API removed (2 methods)");
    expect(Object.keys((await readRelease(config))!.apis)).toEqual(["things"]);
    const [file] = await changelogFiles(config);
    expect(file!.content).toContain(
      "### more (spec 1.0.0)\n\n**Breaking**\n\n- `more`: API removed",
    );
  });

  it("writes CHANGELOG.md newest first, from the state alone", async () => {
    // The config's version is lower than the state's: the state's counts.
    config = { ...config, package: { ...config.package, version: "0.1.0" } };
    useSpec("methods/old.yaml");
    writeFileSync(stateFile(), JSON.stringify({ version: "0.4.1" }));
    await updateRelease({ config, log, now: NOW });
    useSpec("methods/new.yaml");
    await updateRelease({ config, log, now: NOW });
    useSpec("unchanged/old.yaml");
    await updateRelease({ config, log, now: () => new Date("2026-12-01T00:00:00Z") });

    const [file] = await changelogFiles(config);
    expect(file!.path).toBe("CHANGELOG.md");
    const text = file!.content;
    expect(text).toMatch(/^# Changelog\n\nChanges to the API surface of things-sdk/);
    // 0.x: breaking changes bump the minor.
    expect(text.indexOf("## 0.6.0 (2026-12-01)")).toBeLessThan(
      text.indexOf("## 0.5.0 (2026-11-30)"),
    );
    expect(text).toContain(
      [
        "### things (spec 1.0.0 → 1.1.0)",
        "",
        "**Breaking**",
        "",
        "- `reports.create`: renamed from `reports.make` to `reports.create`",
        "- `things.delete`: removed (`DELETE /things/{id}`)",
        "",
        "**Non-breaking**",
        "",
        "- `things.export`: deprecated",
      ].join("\n"),
    );
    expect((await changelogFiles(config))[0]!.content).toBe(text);
  });

  it("a version set by hand in the config wins when higher", async () => {
    writeFileSync(stateFile(), JSON.stringify({ version: "1.0.0" }));
    await updateRelease({ config, log, now: NOW });
    const manual = { ...config, package: { ...config.package, version: "3.0.0" } };
    expect((await releasedConfig(manual)).package.version).toBe("3.0.0");
    useSpec("params/new.yaml");
    expect((await updateRelease({ config: manual, log, now: NOW }))!.version).toBe("4.0.0");
  });

  it("check names a spec the state does not know", async () => {
    writeFileSync(stateFile(), JSON.stringify({ version: "1.0.0" }));
    await updateRelease({ config, log });
    expect(await releaseProblems(config)).toEqual([]);
    useSpec("params/new.yaml");
    expect(await releaseProblems(config)).toEqual([
      expect.stringMatching(
        /release\.json does not know the current things spec \(run npm run generate/,
      ),
    ]);
  });

  it("a broken state file is one clear message with the file and the place", async () => {
    writeFileSync(stateFile(), JSON.stringify({ version: "1.0.0", entries: {} }));
    await expect(updateRelease({ config, log })).rejects.toThrow(
      /sdk\.release\.json \(#\/entries\): expected an array$/,
    );
    writeFileSync(stateFile(), "{ nope");
    await expect(readRelease(config)).rejects.toThrow(/sdk\.release\.json: malformed JSON/);
  });
});

describe("generate and check with a release state (CLI)", () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = fixtureWorkspace();
    ws.write("xdr-codegen.release.json", JSON.stringify({ version: "1.0.0" }));
  });
  afterEach(() => ws.remove());

  it("a spec change regenerates with the bumped version and CHANGELOG.md; check stays exact", () => {
    expect(ws.run(["generate"]).code).toBe(0);
    expect(existsSync(ws.path("out/CHANGELOG.md"))).toBe(false);

    // A breaking change to pets: the `limit` query parameter disappears.
    ws.write(
      "specs/pets.yaml",
      ws
        .read("specs/pets.yaml")
        .replace("        - { name: limit, in: query, schema: { type: integer } }\n", ""),
    );
    const r = ws.run(["generate"], { SOURCE_DATE_EPOCH: "1796040000" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^release +2\.0\.0 +major: 1 breaking, 0 non-breaking/m);
    expect(JSON.parse(ws.read("out/package.json")).version).toBe("2.0.0");
    expect(ws.read("out/CHANGELOG.md")).toContain("## 2.0.0 (2026-11-30)");
    expect(ws.read("out/CHANGELOG.md")).toMatch(/- `pets\.\w+`: argument `limit` removed/);

    const check = ws.run(["check"]);
    expect(check.stdout + check.stderr).toMatch(/up to date/);
    expect(check.code).toBe(0);
    // No second bump (other output may regenerate if the generator itself was rebuilt meanwhile).
    const again = ws.run(["generate"]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/^release/m);
    expect(JSON.parse(ws.read("xdr-codegen.release.json")).version).toBe("2.0.0");
  }, 300_000); // several generator runs, on a machine shared with other work
});
