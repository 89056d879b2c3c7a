// Targets beside the SDK: the `xdr-mcp` MCP server and the `xdr` CLI, each a sibling package of
// `xdr-sdk` (`generated-mcp/`, `generated-cli/`) so that installing the SDK never pulls MCP
// dependencies. Both ship the same operation catalog, built from the same model as the SDK, and
// TypeScript runtime code from templates/mcp/ and templates/cli/. Written atomically like the
// SDK, and skipped when a hash of every input matches the one recorded in the output.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Catalog } from "../../templates/cli/catalog.js";
import { compileFiles } from "../compile.js";
import type { Config } from "../config.js";
import { deriveSpec } from "../derive.js";
import { loadSpec } from "../load.js";
import { buildModel } from "../model.js";
import { loadTemplates, type RenderedFile } from "../render.js";
import {
  assertReplaceable,
  MANIFEST_FILE,
  readManifest,
  readTree,
  recover,
  sha256,
  writeOutput,
  type OutputFile,
} from "../write.js";
import { buildCatalogApi } from "./catalog.js";

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), "..", "templates");
/** In the repository (generator/targets/) the templates are two levels up, bundled (dist/) one. */
async function templatesRoot(): Promise<string> {
  const bundled = TEMPLATES;
  const source = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "templates");
  return (await readdir(join(bundled, "cli")).then(
    () => true,
    () => false,
  ))
    ? bundled
    : source;
}

/** Runtime modules of templates/cli/ that the MCP server shares with the CLI. */
const SHARED = ["catalog.ts", "env.ts", "invoke.ts", "failure.ts", "shape.ts"];
const MCP_SDK_RANGE = "^1.32.2";

export interface TargetOptions {
  readonly force?: boolean;
  readonly log: (line: string) => void;
  /** `generate iroh`: the APIs asked for (targets still follow every API). */
  readonly only?: readonly string[];
}

interface Target {
  readonly name: "mcp" | "cli";
  readonly outDir: string;
  files(catalog: Catalog, root: string): Promise<RenderedFile[]>;
}

/** Writes every sibling package of an XDR config whose inputs changed; nothing for `--input`. */
export async function generateTargets(config: Config, options: TargetOptions): Promise<void> {
  if (!config.xdr || !config.targets) return;
  const started = performance.now();
  const root = await templatesRoot();
  const hash = await inputsHash(config, root);
  const version = await sdkVersion(config);
  const targets = [mcpTarget(config, version), cliTarget(config, version)];
  const stale: Target[] = [];
  for (const target of targets) {
    await recover(target.outDir);
    await assertReplaceable(target.outDir);
    const manifest = options.force ? undefined : await readManifest(target.outDir);
    if (manifest?.shared === hash) {
      // `generate iroh` speaks of the APIs asked for: an unchanged target goes unsaid.
      if (!options.only) options.log(line(target.name, "unchanged", ""));
    } else stale.push(target);
  }
  if (stale.length === 0) return;

  const catalog = await buildCatalog(config);
  const count = catalog.apis.reduce((n, a) => n + a.operations.length, 0);
  for (const target of stale) {
    await writeOutput(target.outDir, await outputOf(target, catalog, root, hash), []);
    const where = relative(process.cwd(), target.outDir);
    options.log(line(target.name, "generated", `${count} operations → ${where}, ${ms(started)}`));
  }
}

/** Every file of one target's package, compiled, with its manifest. */
async function outputOf(
  target: Target,
  catalog: Catalog,
  root: string,
  hash: string,
): Promise<OutputFile[]> {
  const files = await target.files(catalog, root);
  const compiled = await compileFiles(files);
  const manifest = { shared: hash, apis: {} };
  return [
    ...[...files, ...compiled].map(({ path, content }) => ({ path, content })),
    { path: MANIFEST_FILE, content: JSON.stringify(manifest, null, 2) + "\n" },
  ];
}

/**
 * For `check`: how the sibling packages on disk differ from what `generate` would write
 * (`differs generated-mcp/src/tools.ts`…); empty when they match or were never generated.
 */
export async function checkTargets(config: Config): Promise<string[]> {
  if (!config.xdr || !config.targets) return [];
  const root = await templatesRoot();
  const hash = await inputsHash(config, root);
  const problems: string[] = [];
  let catalog: Catalog | undefined;
  const version = await sdkVersion(config);
  for (const target of [mcpTarget(config, version), cliTarget(config, version)]) {
    const actual = await readTree(target.outDir);
    if (!actual.has(MANIFEST_FILE)) continue;
    catalog ??= await buildCatalog(config);
    const expected = new Map(
      (await outputOf(target, catalog, root, hash)).map((f) => [f.path, f.content]),
    );
    const where = (path: string) => `${relative(process.cwd(), target.outDir)}/${path}`;
    // The manifest's hash differs between the bundled and the source generator: not drift.
    expected.delete(MANIFEST_FILE);
    actual.delete(MANIFEST_FILE);
    for (const [path, content] of expected) {
      const bytes = actual.get(path);
      if (!bytes) problems.push(`missing   ${where(path)}`);
      else if (!bytes.equals(Buffer.from(content))) problems.push(`differs   ${where(path)}`);
    }
    for (const path of actual.keys()) {
      if (!expected.has(path)) problems.push(`unexpected ${where(path)}`);
    }
  }
  return problems;
}

export async function buildCatalog(config: Config): Promise<Catalog> {
  const apis = [];
  for (const api of config.apis) {
    // Derived APIs (Global Intel: CTIA's reads on other hosts) narrow the spec as the SDK does.
    const spec = deriveSpec(
      await loadSpec(relative(process.cwd(), api.spec) || api.spec),
      api.derive,
    );
    apis.push(buildCatalogApi(spec, buildModel(spec, api, config.tokenUrls)));
  }
  return {
    sdk: config.package.name,
    ...(config.tokenUrls ? { tokenUrls: config.tokenUrls } : {}),
    apis,
  };
}

/**
 * The version the SDK package was written with (the release state may have bumped it past the
 * config's): the sibling packages share it and depend on `^` it.
 */
async function sdkVersion(config: Config): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(join(config.output, "package.json"), "utf8")) as {
      version?: unknown;
    };
    if (typeof pkg.version === "string") return pkg.version;
  } catch {
    // Not generated yet: the config's version.
  }
  return config.package.version;
}

function mcpTarget(config: Config, version: string): Target {
  return {
    name: "mcp",
    outDir: `${config.output}-mcp`,
    files: async (catalog, root) => [
      ...(await runtimeFiles(join(root, "mcp"))),
      ...(await runtimeFiles(join(root, "cli"), SHARED)),
      json("catalog.json", catalog, false),
      json("package.json", {
        name: "xdr-mcp",
        version,
        description: `MCP server for Cisco XDR over every operation of ${config.package.name}.`,
        license: "MIT",
        type: "module",
        engines: { node: ">=20.19" },
        bin: { "xdr-mcp": "dist/main.js" },
        main: "./dist/index.js",
        types: "./dist/index.d.ts",
        exports: { ".": "./dist/index.js", "./package.json": "./package.json" },
        files: ["dist", "src", "catalog.json", "README.md"],
        dependencies: {
          "@modelcontextprotocol/sdk": MCP_SDK_RANGE,
          [config.package.name]: `^${version}`,
        },
      }),
      await readme(root, "mcp/README.md.hbs", config, catalog),
    ],
  };
}

function cliTarget(config: Config, version: string): Target {
  return {
    name: "cli",
    outDir: `${config.output}-cli`,
    files: async (catalog, root) => [
      ...(await runtimeFiles(join(root, "cli"))),
      json("catalog.json", catalog, false),
      json("package.json", {
        name: "xdr-cli",
        version,
        description: `The xdr command: every Cisco XDR operation of ${config.package.name} from the shell.`,
        license: "MIT",
        type: "module",
        engines: { node: ">=20.19" },
        bin: { xdr: "dist/main.js" },
        exports: { "./package.json": "./package.json" },
        files: ["dist", "src", "catalog.json", "README.md"],
        dependencies: { [config.package.name]: `^${version}` },
      }),
      await readme(root, "cli/README.md.hbs", config, catalog),
    ],
  };
}

async function runtimeFiles(dir: string, only?: readonly string[]): Promise<RenderedFile[]> {
  const names = (await readdir(dir)).filter(
    (n) => n.endsWith(".ts") && !n.endsWith(".test.ts") && (!only || only.includes(n)),
  );
  return Promise.all(
    names.sort().map(async (name) => ({
      path: `src/${name}`,
      content: await readFile(join(dir, name), "utf8"),
      format: false,
    })),
  );
}

function json(path: string, value: unknown, indent = true): RenderedFile {
  // The catalog is read by programs only: one line keeps it a third smaller.
  return {
    path,
    content: JSON.stringify(value, null, indent ? 2 : undefined) + "\n",
    format: false,
  };
}

async function readme(
  root: string,
  name: string,
  config: Config,
  catalog: Catalog,
): Promise<RenderedFile> {
  const templates = await loadTemplates(root);
  const apis = catalog.apis.map((a) => ({
    name: a.name,
    title: a.title,
    count: a.operations.length,
    readOnly: a.operations.filter((o) => o.readOnly).length,
    destructive: a.operations.filter((o) => o.destructive).length,
    groups: [...new Set(a.operations.map((o) => o.group || "(root)"))].join(", "),
  }));
  const content = templates.render(name, {
    sdk: config.package.name,
    apis,
    total: apis.reduce((n, a) => n + a.count, 0),
    apiNames: apis.map((a) => a.name).join(", "),
  });
  return { path: "README.md", content, format: false };
}

async function inputsHash(config: Config, root: string): Promise<string> {
  const parts: (string | Buffer)[] = [
    await readFile(fileURLToPath(import.meta.url)).catch(() => Buffer.from("")),
    JSON.stringify(config.package),
    await readFile(join(config.output, "package.json")).catch(() => Buffer.from("")),
    JSON.stringify(config.apis),
    JSON.stringify(config.tokenUrls ?? null),
  ];
  for (const dir of ["mcp", "cli"]) {
    const entries = await readdir(join(root, dir), { recursive: true }).catch(() => []);
    for (const e of entries.map(String).sort()) {
      parts.push(e, await readFile(join(root, dir, e)).catch(() => Buffer.from("")));
    }
  }
  // The spec files the SDK's manifest says each API was read from ($refs to other files too).
  const sdk = await readManifest(config.output);
  for (const api of config.apis) {
    const recorded = sdk && Object.hasOwn(sdk.apis, api.name) ? sdk.apis[api.name]!.files : [];
    // Recorded relative to the output folder (absolute in older manifests: resolve keeps those).
    const files = recorded.map((f) => resolve(config.output, f));
    for (const file of [...new Set([api.spec, ...files])].sort()) {
      parts.push(file, await readFile(file).catch(() => Buffer.from("missing")));
    }
  }
  return sha256(...parts);
}

const ms = (since: number) => `${Math.round(performance.now() - since)} ms`;
const line = (name: string, status: string, detail: string) =>
  `${name.padEnd(12)} ${status.padEnd(10)} ${detail}`.trimEnd();
