// Stage 1 — load: read one OpenAPI file (YAML or JSON, 3.0 or 3.1), validate it and bundle its
// external $refs into one document. Input: a path. Output: `LoadedSpec`. Every problem becomes a
// `BadInputError` naming the file, the JSON pointer and, where known, the line.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { BadInputError, toPointer, type Place } from "./errors.js";
import {
  checkAliasExpansion,
  checkNesting,
  checkRefs,
  guardedResolver,
  isRemoteRef,
} from "./load-guards.js";
import {
  breakAliasCycles,
  dropExternalExamples,
  dropIgnoredHeaders,
  inlineDeepRefs,
  pruneMappings,
} from "./load-repair.js";

export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
};

export interface LoadedSpec {
  /** The path as the user gave it, for messages. */
  readonly file: string;
  readonly document: OpenApiDocument;
  readonly openapiVersion: "3.0" | "3.1";
  /** Absolute paths of every file the document was read from (itself and its $ref targets). */
  readonly files: readonly string[];
  /** File, pointer and line of a place in the document, for errors found by later stages. */
  place(pointer: string): Place;
}

// Rules beyond Redocly's "minimal" set that the generator depends on: ambiguous operation ids
// would collide in the types, and an undeclared path parameter cannot be typed.
// `struct` is the validator's structural check of every object against the OpenAPI schema
// (`type: strin`, `in: bdy`, a string where an object belongs); see `isFatal` for which of its
// findings stop generation.
const RULES = {
  struct: "error",
  "operation-operationId-unique": "error",
  "path-parameters-defined": "error",
  "no-unresolved-refs": "error",
} as const;

// One run reads a spec several times (CTIA for ctia and globalIntel; every API for its release
// rating and then for generation): parsing, linting and bundling it once saves about a second.
// An entry is used only while every file it was read from is byte-identical (watch mode edits
// them), and a repeated read gets its own copy of the document, so no caller sees another's
// changes.
// `remote`: the document was read with remote `$ref`s, which --offline must refuse, not reuse.
const loaded = new Map<
  string,
  { texts: Map<string, string | undefined>; spec: LoadedSpec; remote: boolean }
>();

/** A file's text, or undefined when it cannot be read (a `$ref` target that is not there). */
const textOf = (path: string) => readFile(path, "utf8").catch(() => undefined);

async function unchangedSince(texts: ReadonlyMap<string, string | undefined>): Promise<boolean> {
  for (const [path, text] of texts) {
    if ((await textOf(path)) !== text) return false;
  }
  return true;
}

let offline = false;

/**
 * With `true` (`generate --offline`), a remote (http/https) `$ref` is an error instead of a
 * download: --offline means never the network. Process-wide, as the CLI's flag is.
 */
export function setOffline(value: boolean): void {
  offline = value;
}

export async function loadSpec(file: string): Promise<LoadedSpec> {
  const absPath = resolve(file);
  const known = loaded.get(absPath);
  if (
    known &&
    known.spec.file === file &&
    !(offline && known.remote) &&
    (await unchangedSince(known.texts))
  ) {
    return { ...known.spec, document: structuredClone(known.spec.document) };
  }
  const { spec, remote } = await readSpec(file, absPath);
  const texts = new Map<string, string | undefined>();
  for (const path of spec.files) texts.set(path, await textOf(path));
  loaded.set(absPath, { texts, spec, remote });
  return spec;
}

async function readSpec(
  file: string,
  absPath: string,
): Promise<{ spec: LoadedSpec; remote: boolean }> {
  const text = await readText(file, absPath);
  const { parsed, isYaml } = await parseText(file, absPath, text);

  const redocly = await import("@redocly/openapi-core");
  guardRedoclyTypes();
  const source = new redocly.Source(absPath, text);
  const placeOf = (pointer: string, inFile = absPath): Place => {
    if (inFile !== absPath) return { file: inFile, pointer };
    try {
      const { start } = redocly.getLineColLocation({ source, pointer, reportOnKey: false });
      return { file, pointer, line: start.line, column: start.col };
    } catch {
      return { file, pointer };
    }
  };

  checkNesting(parsed, placeOf);
  if (isYaml) checkAliasExpansion(parsed, placeOf);
  const openapiVersion = checkVersion(file, parsed, text, placeOf);
  checkRefs(parsed, placeOf, offline);
  breakAliasCycles(parsed as Record<string, unknown>);
  dropExternalExamples(parsed as Record<string, unknown>);

  const config = await redocly.createConfig({ rules: RULES });
  const resolver = guardedResolver(redocly, config.resolve, file, offline);
  const document = { source, parsed };
  const problems = await redocly.lintDocument({
    document,
    config: config.styleguide,
    externalRefResolver: resolver,
  });
  if (resolver.refused) throw resolver.refused;
  throwFirstError(problems, placeOf);

  // The linter's resolver again: every file is read (and every URL fetched) once.
  const bundled = await redocly.bundle({
    config,
    dereference: false,
    doc: document,
    externalRefResolver: resolver,
  });
  if (resolver.refused) throw resolver.refused;
  throwFirstError(bundled.problems, placeOf);

  const result = bundled.bundle.parsed as OpenApiDocument;
  pruneMappings(result);
  dropIgnoredHeaders(result);
  inlineDeepRefs(result);
  checkHasOperations(result, placeOf);
  const read = [...resolver.getFiles()];
  const spec: LoadedSpec = {
    file,
    document: result,
    openapiVersion,
    files: [...new Set([absPath, ...read])].filter((f) => !/^https?:/.test(f)).sort(),
    place: placeOf,
  };
  return { spec, remote: read.some(isRemoteRef) };
}

async function readText(file: string, absPath: string): Promise<string> {
  try {
    // A byte order mark: YAML parsers skip it, JSON.parse does not.
    return (await readFile(absPath, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "file not found" : `cannot read the file (${code})`;
    throw new BadInputError({ file }, reason);
  }
}

/** JSON first for speed (the Automation document is ~1 MB); YAML for everything else. */
async function parseText(
  file: string,
  absPath: string,
  text: string,
): Promise<{ parsed: unknown; isYaml: boolean }> {
  const looksJson = absPath.endsWith(".json") || /^\s*\{/.test(text);
  if (looksJson) {
    try {
      return { parsed: JSON.parse(text), isYaml: false };
    } catch (error) {
      const { line, column } = jsonErrorPosition(text, (error as Error).message);
      const reason = `malformed JSON: ${(error as Error).message.replace(/ in JSON at position \d+.*$/, "")}`;
      throw new BadInputError({ file, line, column }, reason);
    }
  }
  return { parsed: await parseYaml(file, text), isYaml: true };
}

/** js-yaml, as Redocly and openapi-typescript use: several times faster than a CST parser. */
async function parseYaml(file: string, text: string): Promise<unknown> {
  const yaml = (await import("js-yaml")).default;
  try {
    return yaml.load(text, { filename: file });
  } catch (error) {
    const { mark, reason } = error as { mark?: { line: number; column: number }; reason?: string };
    const where = mark ? { line: mark.line + 1, column: mark.column + 1 } : {};
    throw new BadInputError(
      { file, ...where },
      `malformed YAML: ${reason ?? (error as Error).message}`,
    );
  }
}

function jsonErrorPosition(text: string, message: string): { line?: number; column?: number } {
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]), column: Number(lineCol[2]) };
  const position = /position (\d+)/.exec(message);
  if (position) return lineColumn(text, Number(position[1]));
  return /end of JSON input/.test(message) ? lineColumn(text, text.length) : {};
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: before.length - before.lastIndexOf("\n") };
}

function checkVersion(
  file: string,
  parsed: unknown,
  text: string,
  placeOf: (pointer: string) => Place,
): "3.0" | "3.1" {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new BadInputError(
      { file },
      "not an OpenAPI document: expected an object with an `openapi: 3.x` field",
    );
  }
  const doc = parsed as Record<string, unknown>;
  if (Object.hasOwn(doc, "swagger")) {
    const place = placeOf(toPointer(["swagger"]));
    throw new BadInputError(
      place,
      `Swagger ${scalarText(doc.swagger, text, place)} is not supported: convert it to OpenAPI 3 first ` +
        "(for instance `npx swagger2openapi in.json -o out.yaml`)",
    );
  }
  if (!Object.hasOwn(doc, "openapi")) {
    throw new BadInputError(
      { file },
      "not an OpenAPI document: the top-level `openapi` field is missing",
    );
  }
  // The usual case needs no place: finding one parses the file again for positions (close to
  // a second of a 13 MB spec), so it is looked up only for an error.
  if (typeof doc.openapi === "string") {
    if (/^3\.0\.\d+$/.test(doc.openapi)) return "3.0";
    if (/^3\.1\.\d+$/.test(doc.openapi)) return "3.1";
  }
  const place = placeOf(toPointer(["openapi"]));
  const version = scalarText(doc.openapi, text, place);
  if (typeof doc.openapi !== "string") {
    throw new BadInputError(
      place,
      `the \`openapi\` field must be a string such as "3.1.0", not ${version} (quote it in YAML)`,
    );
  }
  if (/^3\.0\.\d+$/.test(version)) return "3.0";
  if (/^3\.1\.\d+$/.test(version)) return "3.1";
  throw new BadInputError(
    place,
    `unsupported OpenAPI version "${version}": xdr-codegen reads 3.0.x and 3.1.x`,
  );
}

/**
 * A scalar as the file spells it: YAML reads `swagger: 2.0` as the number 2, which the user
 * never wrote. Falls back to the parsed value where the place is not known.
 */
function scalarText(value: unknown, text: string, place: Place): string {
  if (typeof value === "string") return value;
  if (place.line !== undefined && place.column !== undefined) {
    const line = text.split(/\r?\n/)[place.line - 1] ?? "";
    const raw = /^[^\s,#}\]]+/.exec(line.slice(place.column - 1))?.[0];
    if (raw && Number(raw.replace(/^["']|["']$/g, "")) === value) {
      return raw.replace(/^["']|["']$/g, "");
    }
  }
  return typeof value === "number" && Number.isInteger(value) ? value.toFixed(1) : String(value);
}

let redoclyGuarded = false;

/**
 * Redocly looks up every key of a map (component names, property names) in plain objects of
 * its type tree, so a schema named `hasOwnProperty` or a property named `valueOf` finds
 * `Object.prototype`'s function and crashes the linter and the bundler ("Cannot convert
 * undefined or null to object"). Its type trees are built by `normalizeTypes`, called through
 * the module's exports: giving every `properties` table a null prototype makes such a name an
 * ordinary key.
 */
function guardRedoclyTypes(): void {
  if (redoclyGuarded) return;
  redoclyGuarded = true;
  const require = createRequire(import.meta.url);
  const types = require("@redocly/openapi-core/lib/types/index.js") as {
    normalizeTypes: (...args: unknown[]) => Record<string, unknown>;
  };
  const original = types.normalizeTypes;
  types.normalizeTypes = (...args: unknown[]) => {
    const normalized = original(...args);
    const seen = new Set<unknown>();
    const visit = (type: unknown) => {
      if (!type || typeof type !== "object" || seen.has(type)) return;
      seen.add(type);
      const t = type as { properties?: object; items?: unknown; additionalProperties?: unknown };
      if (t.properties && typeof t.properties === "object") {
        Object.setPrototypeOf(t.properties, null);
        for (const value of Object.values(t.properties)) visit(value);
      }
      visit(t.items);
      visit(t.additionalProperties);
    };
    for (const type of Object.values(normalized)) visit(type);
    return normalized;
  };
}

interface Problem {
  severity: string;
  message: string;
  ruleId?: string;
  location?: { pointer?: string; source?: { absoluteRef?: string } }[];
}

/**
 * Whether a finding stops generation. Everything but `struct` is fatal. Of `struct`'s findings,
 * those that change what the generated types say are (a value outside its enum such as
 * `type: strin`, a value of the wrong kind, a missing required field), but not those that real
 * specs commit harmlessly and other generators ignore too: an unknown field, `nullable` without
 * `type`, anything under an `x-` extension, a missing `description`.
 */
function isFatal(problem: Problem): boolean {
  if (problem.severity !== "error") return false;
  const where = problem.location?.[0]?.pointer ?? "";
  // A discriminator's mapping only narrows a union: one that names nothing is left out of the
  // types (openapi-typescript gives up on the whole document instead).
  const unresolved = problem.ruleId === "no-unresolved-refs" || problem.ruleId === "bundler";
  if (unresolved && /\/discriminator\/mapping\/[^/]+$/.test(where)) {
    return false;
  }
  if (problem.ruleId !== "struct") return true;
  const pointer = problem.location?.[0]?.pointer ?? "";
  if (/\/x-/.test(pointer)) return false;
  const m = problem.message;
  if (/is not expected here|must be defined when the `\w+` field is used/.test(m)) return false;
  if (/The field `description` must be present/.test(m)) return false;
  return true;
}

function throwFirstError(problems: readonly Problem[], placeOf: (p: string, f?: string) => Place) {
  const problem = problems.find(isFatal);
  if (!problem) return;
  const location = problem.location?.[0];
  const place = placeOf(location?.pointer ?? "#/", location?.source?.absoluteRef);
  const rule = problem.ruleId ? ` [${problem.ruleId}]` : "";
  throw new BadInputError(place, problem.message.replace(/\s+$/, "") + rule);
}

const METHODS: string[] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function checkHasOperations(doc: OpenApiDocument, placeOf: (pointer: string) => Place) {
  const paths = doc.paths ?? {};
  const count = Object.values(paths).reduce(
    (n, item) => n + METHODS.filter((m) => item && typeof item === "object" && m in item).length,
    0,
  );
  if (count === 0) {
    // Webhooks are requests the API sends to its users: nothing a client calls.
    const webhooks = Object.keys((doc as { webhooks?: object }).webhooks ?? {}).length;
    throw new BadInputError(
      placeOf(toPointer(["paths"])),
      "`paths` has no operations: there is nothing to generate" +
        (webhooks ? " (webhooks are requests the API sends, not operations a client calls)" : ""),
    );
  }
}

export { METHODS as HTTP_METHODS };
