// Derived APIs: an API generated from another API's spec, narrowed to a subset of its
// operations, served by other hosts (config `servers`) and possibly with other scopes (config
// `scopes`). Global Intel is the read-only part of CTIA on intel{,.eu,.apjc}.amp.cisco.com: one
// hand-written CTIA spec feeds both clients, so a fix to CTIA reaches Global Intel too.
//
// Config: `"derive": { "readOnly": true, "keep": ["POST /ctia/bundle/export"],
// "excludePaths": ["/ctia/asset"] }` next to `"spec"`. The derivation runs on the loaded spec,
// before the model, and touches nothing but `paths` (components stay: unused ones are harmless).
import { BadInputError, toPointer } from "./errors.js";
import { HTTP_METHODS, type LoadedSpec, type OpenApiDocument } from "./load.js";

export interface DeriveConfig {
  /** Keep only GET (and HEAD) operations, plus the `keep` list. */
  readonly readOnly: boolean;
  /** `"METHOD /path"` of other operations to keep: read-only POSTs such as a bulk export. */
  readonly keep: readonly string[];
  /** Path prefixes (whole segments) whose operations are left out. */
  readonly excludePaths: readonly string[];
}

const READ_METHODS = new Set(["get", "head"]);

/** Validates the `derive` section of an API in the config; `path` points at it, for messages. */
export function parseDerive(raw: unknown, file: string, path: (string | number)[]): DeriveConfig {
  const fail = (at: (string | number)[], reason: string): never => {
    throw new BadInputError({ file, pointer: toPointer(at) }, reason);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return fail(path, "expected an object");
  }
  const section = raw as Record<string, unknown>;
  for (const key of Object.keys(section)) {
    if (!["readOnly", "keep", "excludePaths"].includes(key)) fail([...path, key], "unknown key");
  }
  const list = (key: string, pattern: RegExp, shape: string): string[] => {
    const value = section[key] ?? [];
    if (!Array.isArray(value)) return fail([...path, key], "expected an array");
    return value.map((v, i) =>
      typeof v === "string" && pattern.test(v) ? v : fail([...path, key, i], `expected ${shape}`),
    );
  };
  if (section.readOnly !== undefined && typeof section.readOnly !== "boolean") {
    fail([...path, "readOnly"], "expected true or false");
  }
  return {
    readOnly: section.readOnly === true,
    keep: list("keep", /^[A-Z]+ \/\S*$/, '"METHOD /path"'),
    excludePaths: list("excludePaths", /^\/\S*$/, "a path starting with /"),
  };
}

/** The spec narrowed as `derive` says; the spec itself when there is nothing to derive. */
export function deriveSpec(spec: LoadedSpec, derive: DeriveConfig | undefined): LoadedSpec {
  if (!derive) return spec;
  const keep = new Set(derive.keep);
  const excluded = (path: string) =>
    derive.excludePaths.some((p) => path === p || path.startsWith(p.endsWith("/") ? p : `${p}/`));
  // Null-prototype: path keys are spec text.
  const paths: Record<string, Record<string, unknown>> = Object.create(null) as Record<
    string,
    Record<string, unknown>
  >;
  for (const [path, item] of Object.entries(spec.document.paths)) {
    if (excluded(path)) continue;
    const kept: Record<string, unknown> = {};
    let operations = 0;
    for (const [key, value] of Object.entries(item)) {
      const isMethod = (HTTP_METHODS as readonly string[]).includes(key);
      const wanted =
        !derive.readOnly || READ_METHODS.has(key) || keep.has(`${key.toUpperCase()} ${path}`);
      if (isMethod && !wanted) continue;
      kept[key] = value;
      if (isMethod) operations++;
    }
    // A path item left with parameters only would describe no operation: drop it.
    if (operations > 0) paths[path] = kept;
  }
  for (const entry of keep) {
    const [method = "", path = ""] = entry.split(" ");
    if (!paths[path]?.[method.toLowerCase()]) {
      throw new BadInputError(
        { file: spec.file, pointer: toPointer(["paths", path]) },
        `derive.keep names ${entry}, which the spec does not have`,
      );
    }
  }
  const document: OpenApiDocument = { ...spec.document, paths: { ...paths } };
  return { ...spec, document };
}
