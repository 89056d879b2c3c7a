// The release state behind `generate`: a spec change bumps the version by the suggested level and
// adds a changelog entry; nothing else moves it; the package gets CHANGELOG.md and the version;
// `check` stays exact.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  changelogFiles,
  readRelease,
  releasedConfig,
  releaseProblems,
  updateRelease,
} from "../../generator/changelog.js";
import { parseConfig, type Config } from "../../generator/config.js";
import { diffSpecFiles } from "../../generator/diff-command.js";
import { analyzeSpec, serializeLock } from "../../generator/fetch-lock.js";
import { recordAccepted } from "../../generator/release-accept.js";
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
    const entry = { version: "1.1.0", date: "2026-11-30", bump: "minor", apis: [], notes: [7] };
    writeFileSync(stateFile(), JSON.stringify({ version: "1.1.0", entries: [entry] }));
    await expect(readRelease(config)).rejects.toThrow(
      /sdk\.release\.json \(#\/entries\/0\/notes\/0\): expected a string$/,
    );
  });

  it("lists an entry's notes (changes of the generated code) under SDK, first", async () => {
    const notes = ["**Breaking**: `raw` is typed `RawClient<paths>`.", "A new entry point."];
    const entry = { version: "1.1.0", date: "2026-11-30", bump: "major", apis: [], notes };
    writeFileSync(stateFile(), JSON.stringify({ version: "1.1.0", entries: [entry] }));
    const [file] = await changelogFiles(config);
    expect(file!.content).toContain(
      "## 1.1.0 (2026-11-30)\n\n### SDK\n\n- **Breaking**: `raw` is typed `RawClient<paths>`.\n- A new entry point.\n",
    );
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

describe("release state of a downloaded spec (rated at fetch-spec --accept)", () => {
  // things.json is "downloaded": under things.lock.json, its changes rated at acceptance.
  let fetched: Config;
  const lockSpec = (fixture: string) => {
    const bytes = Buffer.from(
      JSON.stringify(yaml.load(readFileSync(join(FIXTURES, fixture), "utf8")), null, 2),
    );
    writeFileSync(join(dir, "things.json"), bytes);
    const { summary } = analyzeSpec(bytes);
    writeFileSync(
      join(dir, "things.lock.json"),
      serializeLock({
        url: "https://example.com/t.json",
        ...summary,
        fetchedAt: "2026-11-30",
        fetchedFrom: "test",
      }),
    );
    return summary.sha256;
  };
  const withConfig = (extra: Record<string, unknown> = {}) =>
    parseConfig(
      {
        package: { name: "things-sdk", version: "1.0.0" },
        apis: {
          pets: { spec: "pets.yaml" },
          things: {
            spec: "things.json",
            fetch: { lock: "things.lock.json", mirrors: [] },
            ...extra,
          },
        },
      },
      "sdk.config.json",
      dir,
    );
  /** What fetch-spec --accept does after writing the new document and its lock. */
  const accept = async (fixture: string) => {
    const before = join(dir, "before.json");
    copyFileSync(join(dir, "things.json"), before);
    const sha = lockSpec(fixture);
    const api = fetched.apis.find((a) => a.name === "things")!;
    return recordAccepted(
      fetched,
      api,
      await diffSpecFiles(before, join(dir, "things.json"), api),
      sha,
    );
  };
  const state = () => JSON.parse(readFileSync(stateFile(), "utf8"));

  beforeEach(async () => {
    copyFileSync(join(FIXTURES, "scopes/old.yaml"), join(dir, "pets.yaml"));
    lockSpec("methods/old.yaml");
    fetched = withConfig();
    writeFileSync(stateFile(), JSON.stringify({ version: "1.0.0" }));
    await updateRelease({ config: fetched, log, now: NOW }); // the committed baseline
  });

  it("keeps no surface of it: the lock's sha256 and a hash of our config only", () => {
    const text = readFileSync(stateFile(), "utf8");
    expect(Object.keys(state().apis.things)).toEqual(["lock", "config"]);
    expect(state().apis.things.lock).toBe(
      JSON.parse(readFileSync(join(dir, "things.lock.json"), "utf8")).sha256,
    );
    // Nothing of the document: no route, operationId or method name.
    for (const name of ["/things", "listThings", "deleteThing", "reports.make", "Fixture"]) {
      expect(text).not.toContain(name);
    }
    // The hand-written API keeps its snapshot, as before.
    expect(Object.keys(state().apis.pets)).toEqual(["inputs", "surface"]);
  });

  it("an accepted change with a removed method waits as a major bump; generate releases it", async () => {
    expect(await accept("methods/new.yaml")).toBe(
      "Rated major: recorded in " +
        join(dir, "sdk.release.json").replace(process.cwd() + "/", "") +
        "; the next generate bumps the version and adds it to CHANGELOG.md.",
    );
    expect(state().pending).toHaveLength(1);
    expect(state().pending[0].bump).toBe("major");
    expect(await releaseProblems(fetched)).toEqual([
      expect.stringMatching(/holds a change accepted by fetch-spec and not released yet/),
    ]);
    expect(await changelogFiles(fetched)).toEqual([]); // nothing released yet

    const entry = await updateRelease({ config: fetched, log, now: NOW });
    expect(entry).toMatchObject({ version: "2.0.0", bump: "major" });
    expect(state().pending).toBeUndefined();
    expect(await releaseProblems(fetched)).toEqual([]);
    const [file] = await changelogFiles(fetched);
    expect(file!.content).toContain("## 2.0.0 (2026-11-30)\n\n### things (spec 1.0.0 → 1.1.0)");
    expect(file!.content).toContain("- `things.delete`: removed (`DELETE /things/{id}`)");
    // Released once: the next generate changes nothing.
    const released = readFileSync(stateFile(), "utf8");
    expect(await updateRelease({ config: fetched, log, now: NOW })).toBeUndefined();
    expect(readFileSync(stateFile(), "utf8")).toBe(released);
  });

  it("an accepted change that leaves the SDK surface alone records the lock and no bump", async () => {
    const text = readFileSync(join(dir, "things.json"), "utf8");
    const before = join(dir, "before.json");
    writeFileSync(before, text);
    writeFileSync(
      join(dir, "things.json"),
      text.replace('"title": "Fixture"', '"title": "Things"'),
    );
    const { summary } = analyzeSpec(readFileSync(join(dir, "things.json")));
    const api = fetched.apis.find((a) => a.name === "things")!;
    const diff = await diffSpecFiles(before, join(dir, "things.json"), api);
    expect(await recordAccepted(fetched, api, diff, summary.sha256)).toMatch(/no version bump/);
    expect(state().apis.things.lock).toBe(summary.sha256);
    expect(state().pending).toBeUndefined();
  });

  it("a lock that moved without being rated is released as breaking, to be safe", async () => {
    lockSpec("methods/new.yaml"); // e.g. the lock edited by hand
    expect(await releaseProblems(fetched)).toEqual([
      expect.stringMatching(
        /does not know the current things lock or config \(accept a new document/,
      ),
    ]);
    const entry = await updateRelease({ config: fetched, log, now: NOW });
    expect(entry).toMatchObject({ version: "2.0.0", bump: "major" });
    expect(entry!.apis[0]!.changes[0]).toMatchObject({ kind: "unrated", breaking: true });
    expect(entry!.apis[0]!.changes[0]!.message).toMatch(
      /^new document \(lock sha256 \w{12} → \w{12}\) not rated by `fetch-spec --accept`; the previous SDK surface could not be compared/,
    );
  });

  it("its config: a rate limit changes nothing for callers; a name override does", async () => {
    fetched = withConfig({ rateLimits: { "GET /things": { requests: 1, perMs: 1000 } } });
    expect(await releaseProblems(fetched)).toEqual([]);
    expect(await updateRelease({ config: fetched, log, now: NOW })).toBeUndefined();
    fetched = withConfig({ names: { "GET /things": "things.all" } });
    const entry = await updateRelease({ config: fetched, log, now: NOW });
    expect(entry).toMatchObject({ version: "2.0.0", bump: "major" });
    expect(entry!.apis[0]!.changes[0]!.message).toMatch(/^its config changed what the SDK offers/);
  });

  it("a snapshot left by an older state is compared one last time, then replaced", async () => {
    // Built as the previous release of xdr-codegen did: a snapshot for every API.
    const old = state();
    const { encodeSurface } = await import("../../generator/release-state.js");
    const { buildSurface } = await import("../../generator/diff-surface.js");
    const { loadSpec } = await import("../../generator/load.js");
    const api = fetched.apis.find((a) => a.name === "things")!;
    old.apis.things = {
      inputs: "old",
      surface: encodeSurface(buildSurface(await loadSpec(join(dir, "things.json")), api)),
    };
    writeFileSync(stateFile(), JSON.stringify(old));
    lockSpec("methods/new.yaml");
    const entry = await updateRelease({ config: fetched, log, now: NOW });
    expect(entry).toMatchObject({ version: "2.0.0", bump: "major" });
    expect(entry!.apis[0]!.changes.map((c) => c.kind)).toContain("method-removed");
    expect(Object.keys(state().apis.things)).toEqual(["lock", "config"]);
  });
});

describe("the committed xdr-codegen.release.json", () => {
  it("keeps of Automation only the committed lock's sha256 and a hash of our config", () => {
    const committed = JSON.parse(readFileSync(join(ROOT, "xdr-codegen.release.json"), "utf8"));
    const lock = JSON.parse(readFileSync(join(ROOT, "specs/automation.lock.json"), "utf8"));
    expect(committed.apis.automation).toEqual({
      lock: lock.sha256,
      config: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(Object.keys(committed.apis).sort()).toEqual([
      "automation",
      "conure",
      "ctia",
      "globalIntel",
      "iroh",
    ]);
    for (const name of ["iroh", "ctia", "globalIntel", "conure"]) {
      expect(Object.keys(committed.apis[name])).toEqual(["inputs", "surface"]);
    }
  });

  const MIRROR = join(ROOT, "../shared/specs/automation/cisco-xdr-automation-openapi.json");
  it.skipIf(!existsSync(MIRROR))("holds no route, operationId or title of Cisco's document", () => {
    const text = readFileSync(join(ROOT, "xdr-codegen.release.json"), "utf8");
    const doc = JSON.parse(readFileSync(MIRROR, "utf8"));
    const names = new Set<string>([doc.info.title]);
    for (const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, { operationId?: string }>>,
    )) {
      names.add(path);
      for (const op of Object.values(item)) if (op?.operationId) names.add(op.operationId);
    }
    expect([...names].filter((n) => text.includes(`"${n}"`) || text.includes(n + " "))).toEqual([]);
  });
});
