// The values `@example` blocks draw on when the spec gives none (generator/examples.ts): by
// format, by what a description names, and by parameter or property name (XDR values such as
// observables, MITRE technique ids and CPE strings, and values common to any API); and the
// small schema tests examples.ts chooses by (a value's type, a spec-given value that fits it, a
// branch that says what it holds).

import { isObject } from "./example-source.js";

type Json = Record<string, unknown>;

/** Longest spec-given value (as JSON) an example shows. */
const MAX_SPEC_TEXT = 120;

export type NameTable = readonly [RegExp, unknown][];

/** XDR values by parameter or property name, for names that say what they hold. */
const XDR_BY_NAME: NameTable = [
  [/^content$|^text$/, "1.2.3.4 internetbadguys.com"],
  [/observable_value|^value$/, "internetbadguys.com"],
  [/observable_type|^type$/, "domain"],
  [/incident.?id|^incident$/, "incident-0a38949f-d192-4d30-91ae-e593c1f57c14"],
  [/investigation.?id/, "61399c06-5ea8-44ae-8256-cfcf4437ca5a"],
  [/casebook.?id/, "casebook-8d148239-8fda-4fe8-973e-3f181396101f"],
  [/module.?instance.?id/, "9a6e1a2c-1f6c-4b8f-9a51-0c6b6c1d4e2f"],
  [/mitre.?id|technique.?id/, "T1566"],
  // Array items are sampled under the singular name: `techniques` → `technique`.
  [/^technique$/, "T1059"],
  [/tactic.?id/, "TA0001"],
  // CTIA wants vendor and product at least (`cpe23_match_strings`).
  [/cpe/, "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"],
  [/workflow.?id/, "01ZRDJ1X1HJ2D5nHM0DOWmnvmPyESgjfl4G"],
  // A workflow run's inputs, as Automation's start takes them: a variable named as the workflow
  // declares it (`workflows.startConfig` lists them), with its type and value.
  [
    /^input_variables$/,
    [{ properties: { name: "observable", type: "datatype.string", value: "internetbadguys.com" } }],
  ],
  [/action.?id/, "umbrella-block-domain"],
  [/^query$|search|^q$/, "status:Open"],
  [/^title$|^name$/, "Phishing campaign against finance"],
  [/description|comment|note/, "Blocked after triage"],
  [/status/, "Open"],
  [/schema_version/, "1.3.10"],
  [/source_url/, "https://example.com/report"],
  [/source/, "xdr-sdk"],
  [/^(ref_type|ref_object_type|ref_base_type|base_type)$/, "workflow"],
  [/^producer$/, "Cisco Talos"],
  [/^reason$/, "Confirmed malicious after triage"],
  [/^campaign_type$/, "Ransomware"],
  [/(^|:)label$/, "critical"],
  [/^default_name$/, "Umbrella"],
  [/^version$/, "1.1.0"],
  [/^owner$/, "8d148239-8fda-4fe8-973e-3f181396101f"],
  [/^message$/, "Reviewed by the SOC"],
  [/^action$/, "blocked"],
  // A JSON-encoded list of actions (Conure's investigation snapshot).
  [/^actions$/, '["blocked internetbadguys.com"]'],
  [/^timestamp$/, "2026-11-30T09:00:00.000Z"],
  // A feed's share token (`?s=`), as `feed_view_url` carries it.
  [/^s$/, "6f1c2a9e4b7d"],
  // An untyped CTIM bundle (Conure's casebook bundle).
  [/^bundle$/, { type: "bundle", source: "xdr-sdk" }],
];

/**
 * Optional request body fields an example shows though the schema requires nothing, because a
 * call without them is pointless: the inputs of a workflow run.
 */
export const SHOWN_OPTIONAL = /^input_variables$/;

/** Values any API's names suggest (a standalone client gets only these). */
export const COMMON_BY_NAME: NameTable = [
  [
    /(^|_)(time|date|opened|closed|created|modified|updated)$|_at$|^(from|to|since|until)$/,
    "2026-11-30T09:00:00.000Z",
  ],
  [/(^|_)id$|^id$/, "8d148239-8fda-4fe8-973e-3f181396101f"],
  [/email/, "analyst@example.com"],
  [/url|uri|link/, "https://example.com/report"],
  [/^(title|name)$/, "Example"],
];

export const XDR_NAMES: NameTable = [...XDR_BY_NAME, ...COMMON_BY_NAME];

/**
 * Last resorts for strings of XDR APIs that neither the spec nor the name tables fill. Kept out
 * of XDR_BY_NAME because a name there also picks its value out of an enum (`aggregate-on` lists
 * each entity's own fields, a better example than a common `source`).
 */
export const XDR_FALLBACK: NameTable = [
  [/^aggregate-on$/, "source"],
  [/^schema_type$/, "data"],
];

/**
 * An observable's `type` and `value` come from the name table even when a description names
 * another example (`e.g. \`1.2.3.4\``): the two are shown as one consistent pair.
 */
export const PAIRED = /^(observable_)?(type|value)$/;

export const BY_FORMAT: Record<string, unknown> = {
  uuid: "8d148239-8fda-4fe8-973e-3f181396101f",
  "date-time": "2026-11-30T09:00:00.000Z",
  date: "2026-11-30",
  email: "analyst@example.com",
  uri: "https://example.com/report",
  url: "https://example.com/report",
  ipv4: "192.0.2.10",
  ipv6: "2001:db8::10",
  hostname: "internetbadguys.com",
};

/**
 * A value the description names: `Kind of campaign, e.g. \`Ransomware\``, `Type of Schema. It
 * can be "data" or "view"`, `Expected actions are "generate" and "revoke"`. Only these forms:
 * other quoted text in a description is rarely a value.
 */
const DESCRIBED = [
  /\be\.g\.,?\s*[`"]([^`"\n]{1,60})[`"]/i,
  /\b(?:can be|are|is only|one of)\s+"([^"\n]{1,60})"/i,
];

export function describedValue(description: unknown): string | undefined {
  if (typeof description !== "string") return undefined;
  for (const pattern of DESCRIBED) {
    const found = pattern.exec(description)?.[1]?.trim();
    if (found) return found;
  }
  return undefined;
}

/** Whether `value` fits the schema's `pattern` (an invalid pattern does not veto). */
export function fitsPattern(s: Json, value: string): boolean {
  if (typeof s.pattern !== "string") return true;
  try {
    return new RegExp(s.pattern, "u").test(value);
  } catch {
    return true;
  }
}

/** Whether a spec-given value is of the schema's type (a default `"10"` for an integer is not). */
export function fitsType(value: unknown, type: string | undefined): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return !!value && typeof value === "object" && !Array.isArray(value);
    default:
      return true;
  }
}

/** Whether a branch says what its values are (a `{ type: "null" }` or `{}` branch does not). */
export function says(b: Json): boolean {
  if (b.type === "null") return false;
  return (
    b.type !== undefined ||
    b.properties !== undefined ||
    Array.isArray(b.enum) ||
    b.const !== undefined ||
    b.items !== undefined
  );
}

/** Whether `schema` is a `$ref` or wraps one: its properties are then a named schema's. */
export function refers(schema: unknown): boolean {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return false;
  const s = schema as Json;
  if (typeof s.$ref === "string") return true;
  return ["allOf", "oneOf", "anyOf"].some((k) => {
    const list = s[k];
    return Array.isArray(list) && list.some(refers);
  });
}

export function byName(names: NameTable, lower: string): unknown {
  for (const [pattern, value] of names) if (pattern.test(lower)) return value;
  return undefined;
}

/** A name-table value that is a list or an object (not text a string field could take). */
export function isStructured(value: unknown): boolean {
  return !!value && typeof value === "object";
}

/** The keys of a JSON object a description gives as its example (`e.g. \`{"a": …}\``). */
export function describedKeys(description: unknown): string[] {
  if (typeof description !== "string") return [];
  const example = /\be\.g\.,?\s*`(\{[^`]*\})`/i.exec(description)?.[1] ?? "";
  return [...example.matchAll(/"([A-Za-z_][A-Za-z0-9_-]*)"\s*:/g)].map((m) => m[1]!);
}

function firstOf(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** A schema's JSON type, also when it only shows it (`properties`, `items`). */
export function typeOf(s: Json): string | undefined {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  if (typeof t === "string") return t;
  if (isObject(s.properties) || isObject(s.additionalProperties)) return "object";
  if (s.items !== undefined) return "array";
  return undefined;
}

/**
 * A spec-given value, if it is plain JSON of a sensible size, of the schema's type and one of
 * its `enum` values (an example `"icueMLP | icueMLO"` or a default `"10"` for an integer is not).
 */
export function specValue(s: Json, type: string | undefined): unknown {
  const examples = Array.isArray(s.examples) ? s.examples : undefined;
  const allowed = Array.isArray(s.enum) ? new Set(s.enum.map((v) => JSON.stringify(v))) : undefined;
  for (const candidate of [s.example, examples?.[0], s.default, firstOf(s.enum), s.const]) {
    if (candidate === undefined || candidate === null) continue;
    const text = JSON.stringify(candidate);
    if (text === undefined || text.length > MAX_SPEC_TEXT) continue;
    if (allowed && !allowed.has(text)) continue;
    if (fitsType(candidate, type)) return candidate;
  }
  return undefined;
}
