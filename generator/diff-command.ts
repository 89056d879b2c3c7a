// `xdr-codegen diff OLD NEW [--json] [--api NAME]`: the SDK-level change report of two specs
// (`fetch-spec` explains and rates a changed downloaded document the same way: release-accept.ts).
//
// Why no OpenAPI diff library: they compare HTTP documents (paths, operationIds, schemas), while
// callers see our model: method names after config overrides and x-xdr-name, path, query and body
// keys side by side in one argument object, scopes replaced by the config. A library cannot tell
// that a new operationId changed nothing for a caller, or that a config rename broke everyone.
// Weighed (2026-11): openapi-diff (Atlassian; OAS 3.0 and Swagger 2 only, our specs are 3.1),
// @useoptic/openapi-utilities (Optic's repository archived; lodash-era dependency tree),
// @pb33f/openapi-changes (a Go binary downloaded by a postinstall script), oasdiff (Go), and
// Redocly's `diff` (experimental, in openapi-core 2.x; we use 1.x). Mapping any of their
// HTTP-level findings back onto SDK methods would be most of the work done here anyway.
import { basename, resolve } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { loadConfig, parseConfig, type ApiConfig, type Config } from "./config.js";
import { diffApi, type ApiDiff } from "./diff.js";
import { makeReport, reportJson, reportMarkdown } from "./diff-report.js";
import { buildSurface, type ApiSurface } from "./diff-surface.js";
import { BadInputError } from "./errors.js";
import { loadSpec } from "./load.js";

interface DiffArgs {
  old: string;
  new: string;
  json: boolean;
  api?: string;
  config: string;
}

export const diffCommand: CommandModule<object, DiffArgs> = {
  command: "diff <old> <new>",
  describe:
    "Report what changed in the SDK between two specs (methods, arguments, types, enums, scopes), " +
    "breaking or not, with a semver bump",
  builder: (y: Argv) =>
    y
      .positional("old", { type: "string", demandOption: true, describe: "The previous spec" })
      .positional("new", { type: "string", demandOption: true, describe: "The next spec" })
      .option("json", { type: "boolean", default: false, describe: "JSON for tools" })
      .option("api", {
        type: "string",
        describe:
          "Name methods as this API of the config does (default: the API whose spec is NEW)",
      })
      .example("$0 diff old/automation.json specs/automation.json", "Markdown report")
      .example("$0 diff a.yaml b.yaml --json", "JSON report") as unknown as Argv<DiffArgs>,
  handler: async (args: ArgumentsCamelCase<DiffArgs>) => {
    const api = await apiConfigFor(args);
    const diff = await diffSpecFiles(args.old, args.new, api);
    const report = makeReport(args.old, args.new, [diff]);
    process.stdout.write(args.json ? reportJson(report) : reportMarkdown(report));
  },
};

/**
 * The config of the API named by `--api`, or the configured API whose spec is one of the two
 * files, or a plain one (derived names, the spec's own scopes) for any other spec.
 */
export async function apiConfigFor(args: {
  old: string;
  new: string;
  api?: string;
  config: string;
}): Promise<ApiConfig> {
  let config: Config | undefined;
  try {
    config = await loadConfig(args.config);
  } catch (error) {
    if (args.api !== undefined) throw error;
  }
  if (config && args.api !== undefined) {
    const api = config.apis.find((a) => a.name === args.api);
    if (!api) {
      throw new BadInputError(
        { file: args.config },
        `no API named "${args.api}" (configured: ${config.apis.map((a) => a.name).join(", ")})`,
      );
    }
    return api;
  }
  const byFile = config?.apis.find(
    (a) => a.spec === resolve(args.new) || a.spec === resolve(args.old),
  );
  if (byFile) return byFile;
  // `a/automation.json b/automation.json` is "automation"; two unrelated names say nothing.
  const stem = (file: string) =>
    basename(file)
      .replace(/\.[^.]*$/, "")
      .replace(/[^A-Za-z0-9]/g, "");
  const same = stem(args.old) === stem(args.new) && /^[a-z]/.test(stem(args.new));
  const name = same ? stem(args.new) : "api";
  return parseConfig({ apis: { [name]: { spec: resolve(args.new) } } }, "diff", process.cwd())
    .apis[0]!;
}

export async function diffSpecFiles(
  oldFile: string,
  newFile: string,
  api: ApiConfig,
): Promise<ApiDiff> {
  const [before, after] = await Promise.all([surfaceOf(oldFile, api), surfaceOf(newFile, api)]);
  return diffApi(api.name, before, after);
}

async function surfaceOf(file: string, api: ApiConfig): Promise<ApiSurface> {
  return buildSurface(await loadSpec(file), api);
}
