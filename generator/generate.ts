// The pipeline: load → model → render → format → compile → write, per API, skipping every API
// whose inputs hash as they did when its output was written.
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { ApiConfig, Config } from "./config.js";
import { compileFiles } from "./compile.js";
import { BadInputError } from "./errors.js";
import { verifySpecAgainstLock } from "./fetch-spec.js";
import { formatFiles } from "./format.js";
import { loadSpec } from "./load.js";
import { deriveSpec } from "./derive.js";
import { buildModel } from "./model.js";
import { changelogFiles, releaseHash, releasedConfig, updateRelease } from "./changelog.js";
import { generateTargets } from "./targets/index.js";
import { apiView, type ApiView } from "./api-view.js";
import { packageView } from "./package-view.js";
import { runtimeFiles } from "./runtime-files.js";
import {
  loadTemplates,
  renderApiFiles,
  renderPackageFiles,
  renderTypes,
  testingSources,
  type RenderedFile,
  type Templates,
} from "./render.js";
import {
  assertReplaceable,
  MANIFEST_FILE,
  readManifest,
  recover,
  sha256,
  writeOutput,
  type ApiManifest,
  type Manifest,
  type OutputFile,
} from "./write.js";

/** The repository's templates/ folder, found from this module (bundled into dist/ or run from generator/). */
export const DEFAULT_TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), "..", "templates");
const RUNTIME_DIR = join(DEFAULT_TEMPLATES, "runtime");
/**
 * Hash of the generator's sources, set by scripts/build.mjs in both bundles (the CLI and the
 * programmatic API), so that either regenerates nothing the other wrote. Unset when the
 * sources run directly (tests): the module file is hashed instead.
 */
declare const XDR_CODEGEN_BUILD: string | undefined;

/** The openapi-fetch range generated packages depend on. */
const OPENAPI_FETCH_RANGE = "^0.17.0";
// What openapi-fetch 0.17 depends on: runtime/raw-client.ts imports its types directly, and a
// strict package manager (pnpm) resolves only declared dependencies.
const OPENAPI_HELPERS_RANGE = "^0.1.0";

export interface GenerateOptions {
  readonly config: Config;
  /** Regenerate only these (others are kept as they are); default all. */
  readonly only?: readonly string[];
  /** A folder of template overrides. */
  readonly templatesDir?: string;
  /** Ignore the manifest and regenerate everything. */
  readonly force?: boolean;
  readonly log: (line: string) => void;
  /** Fetches a downloaded spec that is missing (wired to fetch-spec by the CLI). */
  readonly fetchMissingSpec?: (api: ApiConfig) => Promise<void>;
  /** Record a spec change in the release state (version bump, changelog); false in watch mode. */
  readonly release?: boolean;
}

export interface GenerateResult {
  readonly generated: string[];
  readonly unchanged: string[];
}

/** Fields of `ApiView` the package-level templates use; kept in the manifest for skipped APIs. */
const SUMMARY_FIELDS = [
  "name",
  "stem",
  "mdTitle",
  "mdVersion",
  "clientType",
  "createFn",
  "descriptorConst",
  "operationCount",
  "example",
  "readmeUse",
  "rootNames",
] as const;

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const { config, log } = options;
  const started = performance.now();
  await recover(config.output);
  await assertReplaceable(config.output);
  // After a spec change: version bump and changelog entry (generator/changelog.ts).
  await updateRelease({
    config,
    log,
    only: options.only,
    fetchMissingSpec: options.fetchMissingSpec,
    skip: options.release === false,
  });
  const manifest = options.force ? undefined : await readManifest(config.output);
  const inputs = await inputHashes(options);

  for (const name of options.only ?? []) {
    if (!config.apis.some((a) => a.name === name)) {
      throw new BadInputError(
        { file: relative(process.cwd(), config.file) },
        `no API named "${name}" (configured: ${config.apis.map((a) => a.name).join(", ")})`,
      );
    }
  }

  const plan: PlannedApi[] = await Promise.all(
    config.apis.map(async (api) => {
      const recorded =
        manifest && Object.hasOwn(manifest.apis, api.name) ? manifest.apis[api.name] : undefined;
      const files = recorded?.files.map((f) => resolve(config.output, f)) ?? [api.spec];
      const hash = await apiHash(config, api, inputs.common, files);
      const present = recorded !== undefined && (await outputHas(config.output, api.name));
      const fresh = present && recorded.hash === hash;
      const selected = !options.only || options.only.includes(api.name);
      return { api, recorded, regenerate: !fresh && (selected || !present) };
    }),
  );
  const shared = sharedHash(config, inputs);
  const sharedFresh = manifest?.shared === shared;

  if (sharedFresh && plan.every((p) => !p.regenerate)) {
    for (const p of plan) if (isSelected(options, p)) log(line(p.api.name, "unchanged", ""));
    await generateTargets(config, { force: options.force, log, only: options.only });
    log(`nothing to do (${ms(started)})`);
    return { generated: [], unchanged: plan.map((p) => p.api.name) };
  }

  const output = await renderOutput(options, plan, inputs, shared, log);
  const keep = plan
    .filter((p) => !p.regenerate)
    .flatMap((p) => [`src/${p.api.name}`, `dist/${p.api.name}`, `docs/${p.api.name}.md`]);
  await writeOutput(config.output, output, keep);
  // Sibling packages (MCP server, CLI) over the same model: generator/targets/.
  await generateTargets(config, { force: options.force, log, only: options.only });
  log(`wrote ${relative(process.cwd(), config.output) || "."} (${ms(started)})`);
  return {
    generated: plan.filter((p) => p.regenerate).map((p) => p.api.name),
    unchanged: plan.filter((p) => !p.regenerate).map((p) => p.api.name),
  };
}

/** Everything `generate` would write, in memory: what `check` compares against the disk. */
export async function renderEverything(
  options: Omit<GenerateOptions, "log" | "only" | "force">,
): Promise<Map<string, string>> {
  const inputs = await inputHashes(options);
  const plan = options.config.apis.map((api) => ({ api, recorded: undefined, regenerate: true }));
  const shared = sharedHash(options.config, inputs);
  const output = await renderOutput(options, plan, inputs, shared, () => undefined);
  return new Map(output.map((f) => [f.path, f.content]));
}

/** `generate iroh` speaks of iroh only, even when the others are kept as they are. */
const isSelected = (options: Pick<GenerateOptions, "only">, p: PlannedApi) =>
  !options.only || options.only.includes(p.api.name);

interface PlannedApi {
  readonly api: ApiConfig;
  /** What the manifest says of the API's current output. */
  readonly recorded: ApiManifest | undefined;
  readonly regenerate: boolean;
}

/**
 * The files of the output folder: the APIs to regenerate rendered anew, the others described by
 * their manifest entry (their files are copied over by `writeOutput`), the shared files, the
 * compiled JS and declarations, and the new manifest.
 */
async function renderOutput(
  options: Pick<GenerateOptions, "config" | "templatesDir" | "fetchMissingSpec" | "only">,
  plan: readonly PlannedApi[],
  inputs: InputHashes,
  shared: string,
  log: (line: string) => void,
): Promise<OutputFile[]> {
  const templates = await loadTemplates(DEFAULT_TEMPLATES, options.templatesDir);
  const files: RenderedFile[] = [];
  // Keyed by API names, which may be `constructor`: no prototype to find it on.
  const apis = Object.create(null) as Record<string, ApiManifest>;
  const views: ApiView[] = [];
  for (const p of plan) {
    if (!p.regenerate) {
      apis[p.api.name] = p.recorded!;
      views.push(p.recorded!.summary as unknown as ApiView);
      if (isSelected(options, p)) log(line(p.api.name, "unchanged", ""));
      continue;
    }
    const apiStarted = performance.now();
    const { rendered, view, specFiles } = await renderApi(
      p.api,
      options.config,
      templates,
      options,
    );
    files.push(...rendered);
    views.push(view);
    apis[p.api.name] = {
      hash: await apiHash(options.config, p.api, inputs.common, specFiles),
      // Relative to the output folder: a moved or re-cloned checkout writes the same manifest.
      files: specFiles.map((f) => portable(relative(options.config.output, f))),
      summary: Object.fromEntries(SUMMARY_FIELDS.map((k) => [k, view[k]])),
    };
    log(line(p.api.name, "generated", `${view.operationCount} operations, ${ms(apiStarted)}`));
  }
  files.push(...(await renderShared(options.config, views, templates)));
  // xdr-sdk/testing (the simulator) is written compiled only: see `testingSources`.
  const testing = options.config.xdr ? await testingSources(DEFAULT_TEMPLATES) : [];
  const compiled = await compileFiles([...files, ...testing]);
  const manifest: Manifest = { shared, apis };
  return [
    ...[...files, ...compiled].map(({ path, content }) => ({ path, content })),
    { path: MANIFEST_FILE, content: JSON.stringify(manifest, null, 2) + "\n" },
  ];
}

async function renderApi(
  api: ApiConfig,
  config: Config,
  templates: Templates,
  options: Pick<GenerateOptions, "fetchMissingSpec">,
): Promise<{ rendered: RenderedFile[]; view: ApiView; specFiles: string[] }> {
  if (api.fetch && !(await fileExists(api.spec))) {
    if (!options.fetchMissingSpec) {
      throw new BadInputError(
        { file: relative(process.cwd(), api.spec) },
        "spec missing: run `npm run fetch-spec`",
      );
    }
    await options.fetchMissingSpec(api);
  }
  if (api.fetch) {
    // A downloaded spec is trusted only as its lock describes it.
    const file = relative(process.cwd(), api.spec) || api.spec;
    const verdict = await verifySpecAgainstLock(relative(process.cwd(), api.fetch.lock), file);
    if (!verdict.ok) {
      const reason = verdict.message.startsWith(file + " ")
        ? verdict.message.slice(file.length + 1)
        : verdict.message;
      throw new BadInputError({ file }, `refusing to generate from it: ${reason}`);
    }
  }
  const spec = deriveSpec(
    await loadSpec(relative(process.cwd(), api.spec) || api.spec),
    api.derive,
  );
  const model = buildModel(spec, api, config.tokenUrls);
  const { package: pkg } = await releasedConfig(config);
  const info = (spec.document.info ?? {}) as Record<string, unknown>;
  const versionHeader = info["x-xdr-version-header"];
  const view = apiView(
    model,
    `${pkg.name}/${pkg.version}`,
    typeof versionHeader === "string" ? versionHeader : undefined,
  );
  const types = await renderTypes(model.document, {
    emptyObjectsAsUnknown: api.emptyObjectsAsUnknown,
  });
  const files = renderApiFiles(view, types, templates);
  const rendered = config.format === "prettier" ? await formatFiles(files) : files;
  return { rendered, view, specFiles: [...spec.files] };
}

async function renderShared(
  config: Config,
  views: ApiView[],
  templates: Templates,
): Promise<RenderedFile[]> {
  const needs = { xdr: config.xdr, workflow: views.some((v) => v.workflowRun) };
  const runtime: RenderedFile[] = (await runtimeFiles(RUNTIME_DIR, needs)).map((f) => ({
    path: `src/runtime/${f.name}`,
    content: f.content,
    format: false,
  }));
  const view = {
    ...packageView(await releasedConfig(config), views, "npm run generate"),
    openapiFetchRange: OPENAPI_FETCH_RANGE,
    openapiHelpersRange: OPENAPI_HELPERS_RANGE,
  };
  const files = [...renderPackageFiles(view, templates), ...(await changelogFiles(config))];
  return [...runtime, ...(config.format === "prettier" ? await formatFiles(files) : files)];
}

interface InputHashes {
  /** Generator code, default templates and runtime, and the user's template overrides. */
  readonly common: string;
}

async function inputHashes(
  options: Pick<GenerateOptions, "templatesDir" | "config">,
): Promise<InputHashes> {
  const generator =
    typeof XDR_CODEGEN_BUILD === "string"
      ? XDR_CODEGEN_BUILD
      : sha256(await readFile(fileURLToPath(import.meta.url)));
  const parts: string[] = [generator, options.config.format];
  parts.push(await releaseHash(options.config));
  for (const dir of [DEFAULT_TEMPLATES, options.templatesDir]) {
    if (dir) parts.push(await hashTree(dir));
  }
  return { common: sha256(...parts) };
}

/** Inputs of the files every API shares: the root index, package.json, README, runtime. */
function sharedHash(config: Config, inputs: InputHashes): string {
  return sha256(
    inputs.common,
    JSON.stringify(config.package),
    String(config.xdr),
    ...config.apis.map((a) => a.name),
  );
}

/** `/`-separated, as the manifest writes paths on every system. */
const portable = (path: string) => path.split(sep).join("/");

/**
 * The API's config section and spec files, with every path relative to the output folder: the
 * hash is the same in any checkout of the same project.
 */
async function apiHash(
  config: Config,
  api: ApiConfig,
  common: string,
  specFiles: readonly string[],
): Promise<string> {
  const rel = (path: string) => portable(relative(config.output, path));
  const files = await Promise.all(
    [...new Set([api.spec, ...specFiles])].sort().map((f) => hashFile(f, rel(f))),
  );
  const section = {
    ...api,
    spec: rel(api.spec),
    fetch: api.fetch && { ...api.fetch, lock: rel(api.fetch.lock) },
  };
  // The package name and version reach every client (its User-Agent).
  return sha256(common, JSON.stringify(config.package), JSON.stringify(section), ...files);
}

/** A file's bytes under the name it is hashed with (a relative path, never an absolute one). */
async function hashFile(path: string, label: string): Promise<string> {
  return readFile(path).then(
    (bytes) => sha256(label, bytes),
    () => sha256(label, "missing"),
  );
}

async function hashTree(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  return sha256(...(await Promise.all(files.map((f) => hashFile(f, portable(relative(dir, f)))))));
}

async function outputHas(outDir: string, api: string): Promise<boolean> {
  return fileExists(join(outDir, "dist", api, "index.js"));
}

async function fileExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const ms = (since: number) => `${Math.round(performance.now() - since)} ms`;
const line = (api: string, status: string, detail: string) =>
  `${api.padEnd(12)} ${status.padEnd(10)} ${detail}`.trimEnd();
