#!/usr/bin/env node
// "Cisco published a new spec": the whole loop in one command, for a scheduled CI job or a person.
//
//   fetch   xdr-codegen fetch-spec API        for every API of the config that is downloaded
//   diff    (printed by fetch-spec: the SDK-level report, breaking or not, and the bump)
//   accept  xdr-codegen fetch-spec API --accept   rates the change against the locked document
//           and records the bump and the changes in the committed release state (pending)
//   regen   xdr-codegen generate              bumps the version, appends to CHANGELOG.md
//   test    npm test (or --test-cmd)
//
// Exit: 0 no new spec, or accepted, regenerated and tested; 1 a new spec not accepted
// (--no-accept) or tests failing on it (the changes stay in the work tree for a person);
// 2 a fetch or generate failed. With GITHUB_OUTPUT set, writes changed=, version=, bump= for
// the workflow's next steps. Options:
//   --offline            mirrors only, never a URL (tests, air-gapped machines)
//   --from PATH_OR_URL   take the new document from here
//   --api NAME           only this API (default: every API with "fetch" in the config)
//   --no-accept          report only
//   --config FILE        default xdr-codegen.config.json
//   --report FILE        write the Markdown report (a pull request's body)
//   --json FILE          write a JSON summary
//   --test-cmd CMD       default "npm test"; --skip-tests to skip
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist", "xdr-codegen.js");

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      offline: { type: "boolean", default: false },
      from: { type: "string" },
      api: { type: "string" },
      "no-accept": { type: "boolean", default: false },
      config: { type: "string", default: "xdr-codegen.config.json" },
      report: { type: "string" },
      json: { type: "string" },
      "test-cmd": { type: "string", default: "npm test" },
      "skip-tests": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  }));
} catch (error) {
  console.error(`spec-update: ${error.message}`);
  process.exit(2);
}
if (args.help) {
  const header = readFileSync(fileURLToPath(import.meta.url), "utf8")
    .split("\n")
    .slice(1)
    .filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith("//")));
  console.log(header.map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
  process.exit(0);
}

const log = (line) => console.log(line);
const report = [];
const summary = { changed: false, accepted: false, apis: [], version: {}, bump: "none" };

/** Runs the generator's CLI; its output is shown as it is and kept for the report. */
function cli(cliArgs) {
  const r = spawnSync(process.execPath, [CLI, "--config", args.config, ...cliArgs], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  return { code: r.status ?? 2, output: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

function finish(code) {
  if (args.report) writeFileSync(args.report, report.join("\n") + "\n");
  if (args.json) writeFileSync(args.json, JSON.stringify(summary, null, 2) + "\n");
  if (process.env.GITHUB_OUTPUT) {
    appendFileSync(
      process.env.GITHUB_OUTPUT,
      `changed=${summary.changed}\nversion=${summary.version.after ?? ""}\nbump=${summary.bump}\n`,
    );
  }
  process.exit(code);
}

function fail(message) {
  console.error(`spec-update: ${message}`);
  report.push("", `**Failed:** ${message}`);
  finish(2);
}

// The config says which specs are downloaded, and where the package goes.
let config;
try {
  config = JSON.parse(readFileSync(args.config, "utf8"));
} catch (error) {
  fail(`${args.config}: ${error.code === "ENOENT" ? "config file not found" : error.message}`);
}
const configDir = dirname(resolve(args.config));
const fetched = Object.entries(config.apis ?? {})
  .filter(([name, api]) => api && api.fetch && (!args.api || name === args.api))
  .map(([name]) => name);
if (fetched.length === 0) {
  fail(args.api ? `no downloaded API named "${args.api}"` : "no API of the config is downloaded");
}
const packageJson = join(configDir, config.output ?? "generated", "package.json");
const packageVersion = () =>
  existsSync(packageJson) ? JSON.parse(readFileSync(packageJson, "utf8")).version : undefined;

const build = spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs"), "--if-stale"], {
  stdio: "inherit",
});
if (build.status !== 0) fail("building the generator failed");

report.push("## Spec update", "");

// Without the committed release state there is no version to bump from nor, for a hand-written
// spec, a released surface to compare with: generate would only record a baseline. Say so.
const releaseFile = resolve(args.config).replace(/\.config\.json$/, ".release.json");
if (releaseFile === resolve(args.config) || !existsSync(releaseFile)) {
  const shown = releaseFile.endsWith(".release.json")
    ? relative(process.cwd(), releaseFile)
    : "NAME.release.json beside NAME.config.json";
  const warning =
    `no release state (${shown}): the change cannot be rated against the released SDK nor ` +
    "the version bumped; run `npm run generate` on the released specs and commit the file it writes";
  console.error(`spec-update: warning: ${warning}`);
  report.push(`> **Warning:** ${warning}.`, "");
  summary.warning = warning;
}
const source = [
  ...(args.offline ? ["--offline"] : []),
  ...(args.from ? ["--from", args.from] : []),
];

// 1. fetch and diff: fetch-spec exits 1 on a changed document and prints the SDK-level report.
const changed = [];
for (const api of fetched) {
  log(`\n> fetch-spec ${api}`);
  const r = cli(["fetch-spec", api, ...source]);
  if (r.code === 0) {
    summary.apis.push({ api, status: "unchanged" });
    report.push(`- ${api}: no new spec`);
  } else if (r.code === 1) {
    changed.push(api);
    summary.apis.push({ api, status: "changed" });
    report.push(`### ${api}`, "", "```text", r.output.trim(), "```", "");
  } else {
    fail(`fetch-spec ${api} failed (exit ${r.code})`);
  }
}
summary.changed = changed.length > 0;
if (!summary.changed) {
  log("\nno new spec: nothing to do");
  finish(0);
}
if (args["no-accept"]) {
  log(`\nnew spec for ${changed.join(", ")}: not accepted (--no-accept)`);
  finish(1);
}

// 2. accept, 3. regenerate (generate bumps the version and appends to CHANGELOG.md).
summary.version.before = packageVersion();
for (const api of changed) {
  log(`\n> fetch-spec ${api} --accept`);
  if (cli(["fetch-spec", api, ...source, "--accept"]).code !== 0) {
    fail(`fetch-spec ${api} --accept failed`);
  }
  summary.apis.find((a) => a.api === api).status = "accepted";
}
summary.accepted = true;
log("\n> generate");
const generated = cli(["generate", ...(args.offline ? ["--offline"] : [])]);
if (generated.code !== 0) fail(`generate failed (exit ${generated.code})`);
summary.version.after = packageVersion();
const release = /^release +(\S+) +(major|minor|patch):/m.exec(generated.output);
summary.bump = release ? release[2] : "none";
report.push(
  release
    ? `Version ${summary.version.before ?? "?"} → ${release[1]} (${release[2]}); see CHANGELOG.md.`
    : "No change to the SDK surface: the version stays.",
);

// 4. test: the regenerated SDK must pass the project's tests before anyone merges it.
if (args["skip-tests"]) {
  report.push("", "Tests: skipped.");
  finish(0);
}
log(`\n> ${args["test-cmd"]}`);
const tests = spawnSync(args["test-cmd"], { shell: true, stdio: "inherit" });
summary.tests = tests.status === 0 ? "passed" : "failed";
report.push("", `Tests (\`${args["test-cmd"]}\`): ${summary.tests}.`);
if (tests.status !== 0) {
  console.error("spec-update: tests fail on the new spec; the changes are left for a person");
  finish(1);
}
log(`\nspec updated: ${changed.join(", ")}; version ${summary.version.after}`);
finish(0);
