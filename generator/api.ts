// The programmatic API: `import { generate, check } from "xdr-codegen"`. The CLI is a thin layer
// over these two functions, so both behave alike: bad input throws `BadInputError` (the CLI
// prints its message and exits 2), drift is a result (the CLI exits 1). Importing this module
// runs nothing.
import { relative, resolve } from "node:path";
import { CONFIG_FILE, loadConfig, parseConfig, type ApiConfig, type Config } from "./config.js";
import { BadInputError } from "./errors.js";
import { releaseProblems } from "./changelog.js";
import { verifySpecAgainstLock } from "./fetch-spec.js";
import { generate as runPipeline, renderEverything } from "./generate.js";
import { camelCase } from "./naming.js";
import { checkTargets } from "./targets/index.js";
import { MANIFEST_FILE, readTree, recover } from "./write.js";

export { BadInputError } from "./errors.js";

export interface CommonOptions {
  /** The project config. Default `xdr-codegen.config.json` in `cwd`. Ignored with `input`. */
  readonly config?: string;
  /** A folder of template overrides (same names as the default templates). */
  readonly templates?: string;
  /**
   * A standalone client for any OpenAPI 3.0/3.1 file, instead of the config's APIs; needs
   * `name` (the npm package name) and `out` (the output folder).
   */
  readonly input?: string;
  readonly name?: string;
  readonly out?: string;
  /** Relative paths resolve against this folder. Default `process.cwd()`. */
  readonly cwd?: string;
  /** Progress lines (one per API). Default: none. */
  readonly log?: (line: string) => void;
}

export interface GenerateOptions extends CommonOptions {
  /** Regenerate only these APIs of the config (default all). */
  readonly apis?: readonly string[];
  /** Ignore the manifest and regenerate everything. */
  readonly force?: boolean;
  /**
   * Fetches a downloaded spec (one with `fetch` in the config) that is missing. Without it a
   * missing downloaded spec is a `BadInputError` telling what to run.
   */
  readonly fetchMissingSpec?: (api: { readonly name: string }) => Promise<void>;
}

export interface GenerateResult {
  /** APIs written anew. */
  readonly generated: readonly string[];
  /** APIs whose inputs had not changed. */
  readonly unchanged: readonly string[];
}

export interface CheckResult {
  /** Specs valid, downloaded specs match their locks, output as `generate` would write it. */
  readonly ok: boolean;
  /** The output folder has never been generated (then `ok` is true if the specs are valid). */
  readonly notGenerated: boolean;
  /** One line per problem: a lock mismatch, or `missing|differs|unexpected <path>`. */
  readonly problems: readonly string[];
  /** Files compared. */
  readonly files: number;
}

/**
 * npm's rules for a package name (lower case, URL-safe, at most 214 characters, one optional
 * `@scope/`), checked before any other work.
 */
const PACKAGE_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;

export function checkPackageName(name: string): string | undefined {
  if (name.length > 214) return "at most 214 characters";
  if (!PACKAGE_NAME.test(name)) {
    return "lower-case letters, digits, '-', '.', '_' and '~', optionally under an @scope/";
  }
  return undefined;
}

/** The config the options describe: the project's, or a one-API config for `input`. */
export async function configOf(options: CommonOptions): Promise<Config> {
  const cwd = options.cwd ?? process.cwd();
  if (options.input === undefined) {
    if (options.name !== undefined || options.out !== undefined) {
      throw new BadInputError({ file: "command line" }, "--name and --out go with --input");
    }
    // Relative to the process's folder, as messages name files.
    const file = resolve(cwd, options.config ?? CONFIG_FILE);
    return loadConfig(relative(process.cwd(), file) || file);
  }
  if (!options.name || !options.out) {
    throw new BadInputError({ file: "command line" }, "--input needs --name NAME and --out DIR");
  }
  const problem = checkPackageName(options.name);
  if (problem) {
    throw new BadInputError(
      { file: "command line" },
      `--name ${JSON.stringify(options.name)} is not a valid npm package name: ${problem}`,
    );
  }
  const stem = camelCase(options.name.replace(/^@[^/]+\//, ""));
  const api = /^[a-z]/.test(stem) ? stem : "api" + stem.replace(/^_/, "");
  const apis = Object.create(null) as Record<string, unknown>;
  apis[api] = { spec: resolve(cwd, options.input) };
  return parseConfig(
    {
      output: resolve(cwd, options.out),
      package: {
        name: options.name,
        version: "0.0.0",
        description: `Typed client for ${options.name}`,
      },
      apis,
    },
    "--input",
    cwd,
  );
}

/** Writes the package (only what changed since the last run, unless `force`). */
export async function generate(options: GenerateOptions = {}): Promise<GenerateResult> {
  const config = await configOf(options);
  const cwd = options.cwd ?? process.cwd();
  const result = await runPipeline({
    config,
    only: options.apis?.length ? options.apis : undefined,
    templatesDir: options.templates && resolve(cwd, options.templates),
    force: options.force,
    log: options.log ?? (() => undefined),
    fetchMissingSpec: options.fetchMissingSpec as ((api: ApiConfig) => Promise<void>) | undefined,
  });
  return { generated: result.generated, unchanged: result.unchanged };
}

/**
 * Verifies without writing: specs valid, downloaded specs match their locks, and the output
 * folder holds exactly what `generate` would write.
 */
export async function check(options: CommonOptions = {}): Promise<CheckResult> {
  const config = await configOf(options);
  const cwd = options.cwd ?? process.cwd();
  const rel = (path: string) => relative(cwd, path) || ".";
  await recover(config.output);
  const problems: string[] = [];
  for (const api of config.apis) {
    if (!api.fetch) continue;
    const verdict = await verifySpecAgainstLock(rel(api.fetch.lock), rel(api.spec));
    if (!verdict.ok) problems.push(verdict.message);
  }
  problems.push(...(await releaseProblems(config)));
  if (problems.length > 0) return { ok: false, notGenerated: false, problems, files: 0 };
  // The MCP server and CLI packages are output too.
  problems.push(...(await checkTargets(config)));

  const expected = await renderEverything({
    config,
    templatesDir: options.templates && resolve(cwd, options.templates),
  });
  const actual = await readTree(config.output);
  if (!actual.has(MANIFEST_FILE)) {
    return { ok: true, notGenerated: true, problems: [], files: expected.size };
  }
  for (const [path, content] of expected) {
    const bytes = actual.get(path);
    if (!bytes) problems.push(`missing   ${path}`);
    else if (!bytes.equals(Buffer.from(content))) problems.push(`differs   ${path}`);
  }
  for (const path of actual.keys()) {
    if (!expected.has(path)) problems.push(`unexpected ${path}`);
  }
  return { ok: problems.length === 0, notGenerated: false, problems, files: expected.size };
}
