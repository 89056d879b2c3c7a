// The view of the whole package: what package.json, the root index and the README print, from
// the config and every API's view — the exports map, the typesVersions fallback, and the names
// the root re-exports.
import type { ApiView } from "./api-view.js";
import type { Config } from "./config.js";
import { mdInline } from "./escape.js";
import { runtimeExports } from "./named-types.js";
import { packageLinks } from "./package-links.js";

export interface PackageView {
  name: string;
  version: string;
  description: string;
  mdDescription: string;
  /** `keywords`, `homepage`, `bugs`, `repository`: package.json lines (package-links.ts). */
  links: string;
  xdr: boolean;
  apis: ApiView[];
  exportsJson: string;
  typesVersionsJson: string;
  generatorCommand: string;
  /** One API: its names are the root's too (`export *`); several: one namespace each. */
  singleApi: boolean;
  /**
   * Several APIs: the namespace each API's names are exported under at the root (its stem,
   * `Ctia`), unless the root exports that name already (a runtime export, `Xdr`).
   */
  namespaces: { name: string; stem: string }[];
  /** `{ from, names }` of what the root re-exports by name (the observable vocabulary). */
  rootNames?: { from: string; names: string };
}

export function packageView(
  config: Config,
  apis: ApiView[],
  generatorCommand: string,
): PackageView {
  // `default`, not `import`: one ESM build serves `require` too through Node ≥ 20.19's
  // require(esm), Bun and Deno — no second copy whose token cache and error classes would differ.
  const exportsMap: Record<string, unknown> = {
    ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
  };
  for (const api of apis) {
    exportsMap[`./${api.name}`] = {
      types: `./dist/${api.name}/index.d.ts`,
      default: `./dist/${api.name}/index.js`,
    };
    exportsMap[`./${api.name}/operations`] = {
      types: `./dist/${api.name}/operations.d.ts`,
      default: `./dist/${api.name}/operations.js`,
    };
  }
  // The rate budget: its own entry points, so that clients without one never load it (and the
  // Redis store never loads unless asked for). openapi-fetch: the raw client under openapi-fetch's
  // own type, whose declarations only a project importing this entry point type-checks.
  for (const module of ["budget", "budget-redis", "openapi-fetch"]) {
    exportsMap[`./${module}`] = {
      types: `./dist/runtime/${module}.d.ts`,
      default: `./dist/runtime/${module}.js`,
    };
  }
  // The XDR simulator, for users' tests: Node-only and never imported by the runtime, so it
  // stays out of every bundle that does not name it.
  if (config.xdr) {
    exportsMap["./testing"] = {
      types: "./dist/testing/index.d.ts",
      default: "./dist/testing/index.js",
    };
  }
  exportsMap["./package.json"] = "./package.json";
  // TypeScript's `moduleResolution: node10` ignores `exports`: map each subpath to its types.
  const typesVersions: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(exportsMap)) {
    const types = (target as { types?: string }).types;
    if (subpath !== "." && types) typesVersions[subpath.slice(2)] = [types];
  }
  return {
    name: config.package.name,
    version: config.package.version,
    description: config.package.description,
    mdDescription: mdInline(config.package.description),
    links: packageLinks(config.package),
    xdr: config.xdr,
    apis,
    // Indented to sit at the second level of package.json.hbs.
    exportsJson: JSON.stringify(exportsMap, null, 2).replace(/\n/g, "\n  "),
    typesVersionsJson: JSON.stringify({ "*": typesVersions }, null, 2)
      .replace(/\[\s+("[^"]*")\s+\]/g, "[$1]")
      .replace(/\n/g, "\n  "),
    generatorCommand,
    singleApi: apis.length === 1,
    namespaces: namespacesOf(apis),
    ...rootNamesOf(apis),
  };
}

/** Several APIs: a root namespace per API whose stem the root does not export already. */
function namespacesOf(apis: readonly ApiView[]): PackageView["namespaces"] {
  if (apis.length < 2) return [];
  const taken = new Set([
    ...runtimeExports(),
    "Xdr",
    "createXdr",
    ...apis.flatMap((a) => [a.createFn, a.clientType, a.descriptorConst]),
    ...apis.flatMap((a) => (a.rootNames ?? []).map((n) => n.replace(/^type /, ""))),
  ]);
  return apis.filter((a) => !taken.has(a.stem)).map((a) => ({ name: a.name, stem: a.stem }));
}

/** The first API offering the root names (IROH, the platform API, in the XDR config). */
function rootNamesOf(apis: readonly ApiView[]): Pick<PackageView, "rootNames"> {
  if (apis.length < 2) return {};
  const api = apis.find((a) => (a.rootNames ?? []).length > 0);
  return api ? { rootNames: { from: api.name, names: api.rootNames.join(", ") } } : {};
}
