// Command-line flags of one operation, from its input JSON Schema: `--name value` per top-level
// property, values coerced by the schema's type, `--body @file.json` / `--body -` (stdin) for
// the request body, and `@file` for any JSON-valued flag.
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { JsonSchema, OperationEntry } from "./catalog.js";
import { UsageError } from "./failure.js";

/** Flags every operation takes, besides its own. */
export const COMMON_FLAGS: {
  readonly [K in "help" | "all" | "wait" | "yes" | "fields" | "max-items" | "wait-timeout"]: {
    readonly type: "boolean" | "string";
    readonly short?: string;
  };
} = {
  help: { type: "boolean", short: "h" },
  all: { type: "boolean" },
  wait: { type: "boolean" },
  yes: { type: "boolean" },
  fields: { type: "string" },
  "max-items": { type: "string" },
  "wait-timeout": { type: "string" },
};

export interface ParsedCall {
  readonly input: Record<string, unknown>;
  readonly flags: {
    help?: boolean;
    all?: boolean;
    wait?: boolean;
    yes?: boolean;
    fields?: string;
    "max-items"?: string;
    "wait-timeout"?: string;
  };
}

export function propertiesOf(op: OperationEntry): [string, JsonSchema][] {
  return Object.entries((op.input.properties ?? {}) as Record<string, JsonSchema>);
}

export function typeOf(schema: JsonSchema): string {
  const t = schema.type;
  if (Array.isArray(t)) return String(t.find((x) => x !== "null") ?? "string");
  if (typeof t === "string") return t;
  if (schema.properties) return "object";
  return "json";
}

export function parseCall(
  op: OperationEntry,
  argv: readonly string[],
  readStdin: () => string,
): ParsedCall {
  const options: NonNullable<ParseArgsConfig["options"]> = { ...COMMON_FLAGS };
  for (const [name, schema] of propertiesOf(op)) {
    if (Object.hasOwn(COMMON_FLAGS, name)) continue;
    const type = typeOf(schema);
    options[name] =
      type === "boolean" ? { type: "boolean" } : { type: "string", multiple: type === "array" };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError(
      `${(e as Error).message}\nRun with --help for the flags of ${op.api} ${op.name.split(".").join(" ")}.`,
    );
  }
  const values = parsed.values as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  for (const [name, schema] of propertiesOf(op)) {
    if (Object.hasOwn(COMMON_FLAGS, name)) continue;
    const raw = values[name];
    if (raw === undefined) continue;
    input[name] = coerce(name, schema, raw, readStdin);
  }
  // `--body` of a flat operation (body fields beside parameters): its fields, flags win.
  if (
    input.body !== undefined &&
    op.args === "flat" &&
    !Object.hasOwn(op.input.properties as object, "body")
  ) {
    const body = input.body as Record<string, unknown>;
    delete input.body;
    for (const [k, v] of Object.entries(body)) if (input[k] === undefined) input[k] = v;
  }
  return { input, flags: values as ParsedCall["flags"] };
}

function coerce(name: string, schema: JsonSchema, raw: unknown, readStdin: () => string): unknown {
  const type = typeOf(schema);
  if (type === "boolean") return raw;
  if (type === "array") {
    const list = raw as string[];
    // One JSON list (`--ids '["a","b"]'` or `@file`), or the flag repeated.
    if (list.length === 1 && (/^\s*(\[|@)/.test(list[0]!) || list[0] === "-"))
      return json(name, list[0]!, readStdin);
    const items = (schema.items ?? {}) as JsonSchema;
    return list.map((v) => coerce(name, items, v, readStdin));
  }
  const text = String(raw);
  if (type === "integer" || type === "number") {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n))
      throw new UsageError(`--${name} must be a number`);
    return n;
  }
  if (type === "string")
    return text.startsWith("@") && name === "body" ? readFile(text.slice(1), readStdin) : text;
  return json(name, text, readStdin);
}

function json(name: string, text: string, readStdin: () => string): unknown {
  const source = text.startsWith("@")
    ? readFile(text.slice(1), readStdin)
    : text === "-"
      ? readStdin()
      : text;
  try {
    return JSON.parse(source);
  } catch {
    throw new UsageError(`--${name} must be JSON (or @file.json, or - for stdin)`);
  }
}

function readFile(path: string, readStdin: () => string): string {
  if (path === "-") return readStdin();
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
  }
}
