// `xdr-codegen`: the command line. Parses arguments, builds the config, runs a stage, and turns
// every failure into one line on stderr and an exit code (0 ok, 1 drift/changed, 2 bad input).
import { watch as watchFs } from "node:fs";
import { relative, resolve, dirname } from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { CONFIG_FILE, loadConfig, parseConfig, type ApiConfig, type Config } from "./config.js";
import { BadInputError } from "./errors.js";
import { fetchSpec, verifySpecAgainstLock } from "./fetch-spec.js";
import { DEFAULT_TEMPLATES, generate, renderEverything } from "./generate.js";
import { camelCase } from "./naming.js";
import { diffCommand, explainSpecChange } from "./diff-command.js";
import { releaseProblems } from "./changelog.js";
import { MANIFEST_FILE, readTree, recover } from "./write.js";

const out = (line: string) => process.stdout.write(line + "\n");
const err = (line: string) => process.stderr.write(line + "\n");
const rel = (path: string) => relative(process.cwd(), path) || ".";

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
  if (args.input === undefined) {
    if (args.name !== undefined || args.out !== undefined) {
      throw new ExitError("--name and --out go with --input", 2);
    }
    return loadConfig(args.config);
  }
  if (!args.name || !args.out) throw new ExitError("--input needs --name NAME and --out DIR", 2);
  const stem = camelCase(args.name.replace(/^@[^/]+\//, ""));
  const api = /^[a-z]/.test(stem) ? stem : "api" + stem.replace(/^_/, "");
  return parseConfig(
    {
      output: resolve(args.out),
      package: { name: args.name, version: "0.0.0", description: `Typed client for ${args.name}` },
      apis: { [api]: { spec: resolve(args.input) } },
    },
    "--input",
    process.cwd(),
  );
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
      explain: (current, next) => explainSpecChange(config, api, current, next),
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
  const config = await configFrom(args);
  await generate({
    config,
    only: args.apis?.length ? args.apis : undefined,
    templatesDir: args.templates && resolve(args.templates),
    force: args.force,
    log: out,
    fetchMissingSpec: async (api) =>
      void (await fetcherFor(config, { offline: args.offline })(api)),
  });
}

async function runCheck(args: CommonArgs) {
  const config = await configFrom(args);
  await recover(config.output);
  const problems: string[] = [];
  for (const api of config.apis) {
    if (!api.fetch) continue;
    const verdict = await verifySpecAgainstLock(rel(api.fetch.lock), rel(api.spec));
    if (!verdict.ok) problems.push(verdict.message);
  }
  problems.push(...(await releaseProblems(config)));
  if (problems.length > 0) throw new ExitError(problems.join("\n"), 1);

  const expected = await renderEverything({
    config,
    templatesDir: args.templates && resolve(args.templates),
  });
  const actual = await readTree(config.output);
  if (!actual.has(MANIFEST_FILE)) {
    out(`specs valid; ${rel(config.output)} not generated yet (run npm run generate)`);
    return;
  }
  const drift: string[] = [];
  for (const [path, content] of expected) {
    const bytes = actual.get(path);
    if (!bytes) drift.push(`missing   ${path}`);
    else if (!bytes.equals(Buffer.from(content))) drift.push(`differs   ${path}`);
  }
  for (const path of actual.keys()) {
    if (!expected.has(path)) drift.push(`unexpected ${path}`);
  }
  if (drift.length > 0) {
    const shown = drift.slice(0, 20).map((d) => "  " + d);
    if (drift.length > 20) shown.push(`  … and ${drift.length - 20} more`);
    throw new ExitError(
      `${rel(config.output)} is out of date with the specs or templates (run npm run generate):\n${shown.join("\n")}`,
      1,
    );
  }
  out(`specs valid; ${rel(config.output)} is up to date (${expected.size} files)`);
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

function messageOf(error: unknown): string {
  if (error instanceof BadInputError || error instanceof ExitError) return error.message;
  const text = error instanceof Error ? error.message : String(error);
  return process.env.XDR_CODEGEN_DEBUG && error instanceof Error
    ? String(error.stack)
    : `xdr-codegen: ${text}`;
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
    .version(false)
    .fail((message, error) => {
      throw error ?? new ExitError(message, 2);
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    err(messageOf(error));
    exitCode = error instanceof ExitError ? error.code : 2;
  }
  return exitCode;
}

main(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
});
