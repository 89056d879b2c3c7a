// `xdr-codegen`: the command line. Parses arguments, runs the programmatic API (api.ts), and
// turns every failure into an exit code: 0 ok, 1 drift/changed, 2 bad input (one line naming
// the file and place), 70 an internal error (a bug: "internal error" and the stack).
import { readFileSync, watch as watchFs } from "node:fs";
import { relative, resolve, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { check, checkPackageName, configOf, generate as generateApi } from "./api.js";
import { CONFIG_FILE, type ApiConfig, type Config } from "./config.js";
import { BadInputError } from "./errors.js";
import { fetchSpec } from "./fetch-spec.js";
import { DEFAULT_TEMPLATES, generate } from "./generate.js";
import { setOffline } from "./load.js";
import { diffCommand } from "./diff-command.js";
import { specReviewer } from "./release-accept.js";

const out = (line: string) => process.stdout.write(line + "\n");
const err = (line: string) => process.stderr.write(line + "\n");
const rel = (path: string) => relative(process.cwd(), path) || ".";

/** Exit code of an unexpected exception (sysexits' EX_SOFTWARE): not the user's fault. */
export const INTERNAL_ERROR_EXIT = 70;

/** Exit code carried by an error thrown from a command handler. */
class ExitError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

interface CommonArgs {
  config: string;
  templates?: string;
}

async function configFrom(
  args: CommonArgs & { input?: string; name?: string; out?: string },
): Promise<Config> {
  return configOf(args);
}

function fetcherFor(
  config: Config,
  options: { from?: string; accept?: boolean; offline?: boolean } = {},
) {
  return async (api: ApiConfig) => {
    if (!api.fetch)
      throw new ExitError(`API "${api.name}" is not downloaded (no "fetch" in the config)`, 2);
    const result = await fetchSpec({
      lockFile: rel(api.fetch.lock),
      outFile: rel(api.spec),
      mirrors: [...api.fetch.mirrors],
      baseDir: config.dir,
      from: options.from,
      accept: options.accept,
      offline: options.offline,
      log: err,
      review: specReviewer(config, api),
    });
    (result.exitCode === 0 ? out : err)(result.message);
    if (result.exitCode !== 0)
      throw new ExitError(`fetch-spec ${api.name} failed`, result.exitCode);
    return result;
  };
}

async function runGenerate(
  args: CommonArgs & {
    offline?: boolean;
    apis?: string[];
    input?: string;
    name?: string;
    out?: string;
    force?: boolean;
  },
) {
  // The config is read twice (here for the fetcher, in the API): it is small.
  const config = await configFrom(args);
  // --offline: a remote `$ref` in a spec is an error, not a download.
  setOffline(args.offline === true);
  await generateApi({
    ...args,
    log: out,
    fetchMissingSpec: async (api) =>
      void (await fetcherFor(config, { offline: args.offline })(api as ApiConfig)),
  });
}

async function runCheck(args: CommonArgs) {
  const config = await configFrom(args);
  const result = await check(args);
  const output = rel(config.output);
  if (result.notGenerated) {
    out(`specs valid; ${output} not generated yet (run npm run generate)`);
    return;
  }
  if (!result.ok && result.files === 0) throw new ExitError(result.problems.join("\n"), 1);
  if (!result.ok) {
    const shown = result.problems.slice(0, 20).map((d) => "  " + d);
    if (result.problems.length > 20) shown.push(`  … and ${result.problems.length - 20} more`);
    throw new ExitError(
      `${output} is out of date with the specs or templates (run npm run generate):\n${shown.join("\n")}`,
      1,
    );
  }
  out(`specs valid; ${output} is up to date (${result.files} files)`);
}

async function runWatch(args: CommonArgs & { apis?: string[] }) {
  const config = await configFrom(args);
  const templatesDir = args.templates && resolve(args.templates);
  let running = false;
  let again = false;
  const regenerate = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await generate({
        config,
        only: args.apis?.length ? args.apis : undefined,
        templatesDir,
        log: out,
        // Every save would bump the version: watching renders, `generate` records the change.
        release: false,
        fetchMissingSpec: async (api) => void (await fetcherFor(config)(api)),
      });
    } catch (error) {
      // A broken spec mid-edit is normal while watching: say so and keep watching.
      err(messageOf(error));
    } finally {
      running = false;
      if (again) {
        again = false;
        void regenerate();
      }
    }
  };
  await regenerate();

  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void regenerate(), 150);
  };
  // Folders rather than files: editors save by replacing the file, which ends a file watch.
  const folders = new Set([
    ...config.apis.map((a) => dirname(a.spec)),
    DEFAULT_TEMPLATES,
    ...(templatesDir ? [templatesDir] : []),
  ]);
  const watchers = [...folders].map((folder) =>
    watchFs(
      folder,
      { recursive: folder === DEFAULT_TEMPLATES || folder === templatesDir },
      schedule,
    ),
  );
  out(`watching ${[...folders].map(rel).join(", ")} (Ctrl-C to stop)`);
  await new Promise<void>((done) => {
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
  clearTimeout(timer);
  for (const watcher of watchers) watcher.close();
}

async function runFetchSpec(
  args: CommonArgs & { api: string; from?: string; accept?: boolean; offline?: boolean },
) {
  const config = await configFrom(args);
  const api = config.apis.find((a) => a.name === args.api);
  if (!api) throw new ExitError(`no API named "${args.api}" in ${rel(config.file)}`, 2);
  await fetcherFor(config, { from: args.from, accept: args.accept, offline: args.offline })(api);
}

/** Bad input and expected failures: their message. Anything else is a bug: say so, with the stack. */
function messageOf(error: unknown): string {
  if (error instanceof BadInputError || error instanceof ExitError) return error.message;
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `xdr-codegen: internal error (please report it with this output):\n${text}`;
}

function exitCodeOf(error: unknown): number {
  if (error instanceof ExitError) return error.code;
  if (error instanceof BadInputError) return 2;
  return INTERNAL_ERROR_EXIT;
}

/** The version in xdr-codegen's package.json (next to dist/ and generator/). */
function version(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const pkg = JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const parser = yargs(argv)
    .scriptName("xdr-codegen")
    .usage("$0 <command> [options]\n\nGenerates the typed xdr-sdk package from OpenAPI specs.")
    .option("config", { type: "string", default: CONFIG_FILE, describe: "Config file" })
    .option("templates", {
      type: "string",
      describe: "Folder of template overrides (same names as templates/)",
    })
    .command(
      "generate [apis..]",
      "Regenerate the named APIs (default: all); unchanged ones are skipped",
      (y) =>
        y
          .positional("apis", {
            type: "string",
            array: true,
            describe: "API names from the config",
          })
          .option("input", {
            type: "string",
            describe: "Any OpenAPI 3.0/3.1 file: generate a standalone package",
          })
          .option("name", { type: "string", describe: "Package name (with --input)" })
          .option("out", { type: "string", describe: "Output folder (with --input)" })
          .option("offline", {
            type: "boolean",
            default: false,
            describe: "Fetch a missing downloaded spec from local mirrors only, never a URL",
          })
          .option("force", {
            type: "boolean",
            default: false,
            describe: "Ignore the manifest, regenerate all",
          })
          .example("$0 generate", "all APIs in the config")
          .example(
            "$0 generate --input petstore.yaml --name petstore --out ./petstore-sdk",
            "any spec",
          ),
      (args) => runGenerate(args),
    )
    .command(
      "check",
      "Verify: specs valid, downloaded spec matches its lock, generated output up to date (exit 1 on drift)",
      (y) => y,
      (args) => runCheck(args),
    )
    .command(
      "watch [apis..]",
      "Regenerate an API when its spec or a template changes",
      (y) => y.positional("apis", { type: "string", array: true }),
      (args) => runWatch(args),
    )
    .command(
      "fetch-spec <api>",
      "Download a spec under its lock (lock URL, then mirrors); refuses a changed spec unless --accept",
      (y) =>
        y
          .positional("api", { type: "string", demandOption: true })
          .option("from", { type: "string", describe: "Take the spec from this path or URL only" })
          .option("offline", {
            type: "boolean",
            default: false,
            describe: "Local mirrors only, never a URL",
          })
          .option("accept", {
            type: "boolean",
            default: false,
            describe: "Accept a changed spec and rewrite the lock",
          }),
      (args) => runFetchSpec({ ...args, api: args.api as string }),
    )
    .command(diffCommand)
    .demandCommand(1, "Name a command: generate, check, watch or fetch-spec")
    .strict()
    .help()
    .version(version())
    .check((args) => {
      // Before any work: a bad package name must not cost a spec load.
      if (typeof args.name === "string") {
        const problem = checkPackageName(args.name);
        if (problem) {
          throw new ExitError(
            `--name ${JSON.stringify(args.name)} is not a valid npm package name: ${problem}`,
            2,
          );
        }
      }
      return true;
    })
    .fail((message, error) => {
      throw error ?? new ExitError(message, 2);
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    err(messageOf(error));
    exitCode = exitCodeOf(error);
  }
  return exitCode;
}

main(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
});
