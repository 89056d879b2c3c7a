// Reads xdr-codegen.config.json: which specs make up the package, where they come from, the
// regional hosts the specs do not state, and naming overrides. Pure validation, no I/O beyond
// reading the one file; every mistake is a BadInputError pointing into the config.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { BadInputError, toPointer } from "./errors.js";
import { parseDerive, type DeriveConfig } from "./derive.js";

export const REGIONS = ["us", "eu", "apjc"] as const;
export type Region = (typeof REGIONS)[number];
export type RegionMap = Record<Region, string>;

export interface RateLimit {
  requests: number;
  perMs: number;
}

export interface ApiConfig {
  /** Key in the config, also the subpath export and the `createXdr` property: `iroh`. */
  readonly name: string;
  /** Absolute path of the spec. */
  readonly spec: string;
  /** Title used in docs; defaults to the spec's `info.title`. */
  readonly title?: string;
  /** Base URL per region, for specs that state one server only. */
  readonly servers?: Partial<RegionMap>;
  /** Replaces the scopes every operation requires (the spec's may be wrong). */
  readonly scopes?: readonly string[];
  /** `"METHOD /path"` or operationId → user-facing name (`workflows.list`). */
  readonly names: Readonly<Record<string, string>>;
  /** `"METHOD /path"` of POSTs that are safe to retry. */
  readonly safe: readonly string[];
  readonly paging: Readonly<Record<string, "ctia" | "links">>;
  readonly rateLimits: Readonly<Record<string, RateLimit>>;
  /** Download settings for specs that are fetched rather than committed. */
  readonly fetch?: { readonly lock: string; readonly mirrors: readonly string[] };
  /**
   * Type schemas that are an object with no properties as `unknown`: Cisco's converter writes
   * Go's `interface{}` that way ("a string, boolean, number or array").
   */
  readonly emptyObjectsAsUnknown: boolean;
  /** A subset of the spec's operations (derived APIs such as Global Intel); see derive.ts. */
  readonly derive?: DeriveConfig;
  /** Named operations behind `workflows.start(…, { wait: true })`. */
  readonly workflowRun?: { readonly start: string; readonly getInstance: string };
  /**
   * `xdr` (the config's `"xdr": true`): names from paths, hosts per region, OAuth2 client
   * credentials with scope checks. `generic`: a standalone client, named from the spec's
   * operationIds where they are meaningful, with the spec's servers and security schemes.
   * Absent: as `xdr`.
   */
  readonly style?: "xdr" | "generic";
}

export interface PackageConfig {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  /** npm's `keywords`. */
  readonly keywords?: readonly string[];
  /** The https URL of the package's git repository (npm's `repository`). */
  readonly repository?: string;
  /** The package's folder in that repository (`repository.directory`). */
  readonly directory?: string;
  /** npm's `homepage`; on GitHub and GitLab derived from `repository` when absent. */
  readonly homepage?: string;
  /** Where to report issues (`bugs.url`); on GitHub and GitLab derived from `repository`. */
  readonly bugs?: string;
}

export interface Config {
  /** Absolute path of the config file, and its folder (all paths in it are relative to it). */
  readonly file: string;
  readonly dir: string;
  /** Absolute output folder. */
  readonly output: string;
  readonly package: PackageConfig;
  readonly tokenUrls?: RegionMap;
  readonly apis: readonly ApiConfig[];
  /** `createXdr` is emitted when the package holds the XDR APIs (not for `--input` packages). */
  readonly xdr: boolean;
  /**
   * `prettier` reformats template output; `none` (default) keeps the layout templates print.
   * Prettier took a third of the generation time of the three XDR specs.
   */
  readonly format: "prettier" | "none";
  /** The MCP server and CLI packages beside the SDK (XDR configs); `false` leaves them out. */
  readonly targets: boolean;
}

export const CONFIG_FILE = "xdr-codegen.config.json";

export async function loadConfig(file: string): Promise<Config> {
  const absFile = resolve(file);
  let text: string;
  try {
    text = await readFile(absFile, "utf8");
  } catch {
    throw new BadInputError({ file }, "config file not found");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BadInputError({ file }, `malformed JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, file, dirname(absFile));
}

/**
 * A copy without a prototype: the keys are routes and operationIds from a spec, and a lookup of
 * `constructor` or `toString` must find nothing rather than `Object.prototype`'s function.
 */
function table<T>(record: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, record);
}

/** Validates a parsed config. `file` is for messages; relative paths resolve against `dir`. */
export function parseConfig(raw: unknown, file: string, dir: string): Config {
  const fail = (path: (string | number)[], reason: string): never => {
    throw new BadInputError({ file, pointer: toPointer(path) }, reason);
  };
  const obj = (value: unknown, path: (string | number)[]): Record<string, unknown> => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return fail(path, "expected an object");
    }
    return value as Record<string, unknown>;
  };
  const str = (value: unknown, path: (string | number)[]): string =>
    typeof value === "string" && value !== "" ? value : fail(path, "expected a non-empty string");
  // Written into the published package.json: a token in `user:pass@` would be published too.
  const httpsUrl = (value: unknown, path: (string | number)[]): string => {
    const text = str(value, path);
    if (!URL.canParse(text) || new URL(text).protocol !== "https:")
      return fail(path, "expected an https:// URL");
    const url = new URL(text);
    if (url.username || url.password)
      return fail(path, "must not hold credentials (user:password@): it is published");
    if (url.search || url.hash) return fail(path, "expected a URL without a query or fragment");
    return text;
  };
  /** `package.directory`: a plain relative folder of the repository it names. */
  const folder = (value: unknown, repository: unknown): string => {
    const path = ["package", "directory"];
    const text = str(value, path);
    if (repository === undefined) return fail(path, "needs package.repository");
    const parts = text.split("/");
    return parts.every((p) => /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(p))
      ? text
      : fail(path, "expected a relative folder such as packages/sdk (letters, digits, . _ -)");
  };
  const strings = (value: unknown, path: (string | number)[]): string[] =>
    Array.isArray(value)
      ? value.map((v, i) => str(v, [...path, i]))
      : fail(path, "expected an array");
  const regionMap = (value: unknown, path: (string | number)[], complete: boolean) => {
    const map = obj(value, path);
    for (const key of Object.keys(map)) {
      if (!(REGIONS as readonly string[]).includes(key))
        fail([...path, key], `unknown region (use ${REGIONS.join(", ")})`);
    }
    const result: Partial<RegionMap> = {};
    for (const region of REGIONS) {
      if (map[region] !== undefined) result[region] = str(map[region], [...path, region]);
      else if (complete) fail([...path, region], "missing");
    }
    return result;
  };

  const root = obj(raw, []);
  const pkg = obj(root.package ?? {}, ["package"]);
  const apisRaw = obj(root.apis, ["apis"]);
  const apis: ApiConfig[] = Object.entries(apisRaw).map(([name, value]) => {
    const path = ["apis", name];
    if (!/^[a-z][A-Za-z0-9]*$/.test(name))
      fail(path, "API names are letters and digits, starting lower-case");
    const api = obj(value, path);
    const names = table(obj(api.names ?? {}, [...path, "names"]));
    for (const [key, target] of Object.entries(names)) str(target, [...path, "names", key]);
    const paging = table(obj(api.paging ?? {}, [...path, "paging"]));
    for (const [key, style] of Object.entries(paging)) {
      if (style !== "ctia" && style !== "links")
        fail([...path, "paging", key], 'expected "ctia" or "links"');
    }
    const rateLimits = table(obj(api.rateLimits ?? {}, [...path, "rateLimits"]));
    for (const [key, limit] of Object.entries(rateLimits)) {
      const l = obj(limit, [...path, "rateLimits", key]);
      if (!Number.isInteger(l.requests) || !Number.isInteger(l.perMs)) {
        fail([...path, "rateLimits", key], "expected { requests: integer, perMs: integer }");
      }
    }
    const fetchRaw = api.fetch === undefined ? undefined : obj(api.fetch, [...path, "fetch"]);
    const runRaw =
      api.workflowRun === undefined ? undefined : obj(api.workflowRun, [...path, "workflowRun"]);
    return {
      name,
      spec: resolve(dir, str(api.spec, [...path, "spec"])),
      title: api.title === undefined ? undefined : str(api.title, [...path, "title"]),
      servers:
        api.servers === undefined ? undefined : regionMap(api.servers, [...path, "servers"], false),
      scopes: api.scopes === undefined ? undefined : strings(api.scopes, [...path, "scopes"]),
      names: names as Record<string, string>,
      safe: api.safe === undefined ? [] : strings(api.safe, [...path, "safe"]),
      paging: paging as Record<string, "ctia" | "links">,
      rateLimits: rateLimits as Record<string, RateLimit>,
      fetch: fetchRaw && {
        lock: resolve(dir, str(fetchRaw.lock, [...path, "fetch", "lock"])),
        mirrors: strings(fetchRaw.mirrors ?? [], [...path, "fetch", "mirrors"]),
      },
      emptyObjectsAsUnknown: api.emptyObjectsAsUnknown === true,
      derive:
        api.derive === undefined ? undefined : parseDerive(api.derive, file, [...path, "derive"]),
      style: root.xdr === true ? "xdr" : "generic",
      workflowRun: runRaw && {
        start: str(runRaw.start, [...path, "workflowRun", "start"]),
        getInstance: str(runRaw.getInstance, [...path, "workflowRun", "getInstance"]),
      },
    };
  });
  if (apis.length === 0) fail(["apis"], "no APIs configured");

  return {
    file: resolve(dir, file),
    dir,
    output: resolve(dir, root.output === undefined ? "generated" : str(root.output, ["output"])),
    package: {
      name: pkg.name === undefined ? "xdr-sdk" : str(pkg.name, ["package", "name"]),
      version: pkg.version === undefined ? "0.0.0" : str(pkg.version, ["package", "version"]),
      description:
        pkg.description === undefined ? "" : str(pkg.description, ["package", "description"]),
      ...(pkg.keywords === undefined
        ? {}
        : { keywords: strings(pkg.keywords, ["package", "keywords"]) }),
      ...Object.fromEntries(
        (["repository", "homepage", "bugs"] as const)
          .filter((key) => pkg[key] !== undefined)
          .map((key) => [key, httpsUrl(pkg[key], ["package", key])]),
      ),
      ...(pkg.directory === undefined ? {} : { directory: folder(pkg.directory, pkg.repository) }),
    },
    tokenUrls:
      root.tokenUrls === undefined
        ? undefined
        : (regionMap(root.tokenUrls, ["tokenUrls"], true) as RegionMap),
    apis,
    xdr: root.xdr === true,
    format:
      root.format === undefined || root.format === "none"
        ? "none"
        : root.format === "prettier"
          ? "prettier"
          : fail(["format"], 'expected "prettier" or "none"'),
    targets:
      root.targets === undefined || root.targets === true
        ? true
        : root.targets === false
          ? false
          : fail(["targets"], "expected true or false"),
  };
}
