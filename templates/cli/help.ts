// `--help` at every level, printed from the catalog: the APIs, an API's groups and operations,
// a group's operations, and one operation with its route, scope, flags and an example.
import type { Catalog, JsonSchema, OperationEntry } from "./catalog.js";
import { EXIT_CODES } from "./failure.js";
import { propertiesOf, typeOf } from "./flags.js";

export const commandOf = (op: OperationEntry): string =>
  `xdr ${op.api} ${op.name.split(".").join(" ")}`;

export function mainHelp(catalog: Catalog): string {
  const apis = catalog.apis.map(
    (a) => `  ${a.name.padEnd(12)} ${a.title} (${a.operations.length} operations)`,
  );
  const codes = Object.entries(EXIT_CODES)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
  return `Usage: xdr <api> <group> <method> [--flag value …]   every Cisco XDR operation
       xdr verdicts "<text>"          verdicts for every observable in a text
       xdr targets "<text>"           sighting targets for every observable in a text
       xdr investigate-url "<text>"   a link to XDR's investigation page
       xdr search <words…>            find operations by name, route, summary or scope

APIs:
${apis.join("\n")}

Flags of every operation: --body @file.json | --body - (stdin) | --body '<json>', --all (every
page as JSON lines), --max-items N, --fields a,b.c (keep these fields of each item), --wait and
--wait-timeout MS (workflow starts), --yes (confirm a destructive operation), --help.

Configuration (environment only): XDR_CLIENT_ID and XDR_CLIENT_SECRET (or XDR_ACCESS_TOKEN),
XDR_REGION (us | eu | apjc),
XDR_BASE_URL_<API> (e.g. XDR_BASE_URL_IROH), XDR_TOKEN_URL, XDR_TIMEOUT_MS.

Output: JSON (indented on a terminal, one line otherwise). Exit codes: 0 ok, 1 other error, ${codes}.
`;
}

export function listHelp(title: string, ops: readonly OperationEntry[], prefix: string[]): string {
  const depth = prefix.length;
  const groups = new Map<string, number>();
  const leaves: OperationEntry[] = [];
  for (const op of ops) {
    const segments = op.name.split(".");
    if (segments.length === depth + 1) leaves.push(op);
    else groups.set(segments[depth]!, (groups.get(segments[depth]!) ?? 0) + 1);
  }
  const lines = [`${title}`, ""];
  if (groups.size) {
    lines.push("Groups:");
    for (const [g, n] of [...groups].sort()) lines.push(`  ${g.padEnd(28)} ${n} operations`);
    lines.push("");
  }
  if (leaves.length) {
    lines.push("Operations:");
    for (const op of leaves) {
      const mark = op.destructive ? " [destructive]" : op.readOnly ? " [read-only]" : "";
      lines.push(`  ${op.name.split(".").pop()!.padEnd(28)} ${op.summary}${mark}`);
    }
    lines.push("");
  }
  lines.push(`Run \`xdr ${[ops[0]?.api ?? "", ...prefix].join(" ")} <name> --help\` for details.`);
  return lines.join("\n") + "\n";
}

export function operationHelp(op: OperationEntry): string {
  const required = new Set((op.input.required as string[] | undefined) ?? []);
  const flags = propertiesOf(op).map(([name, schema]) => {
    const type = typeOf(schema);
    const enumText = Array.isArray(schema.enum)
      ? ` one of ${schema.enum.map(String).join("|")}`
      : "";
    const desc = typeof schema.description === "string" ? ` ${schema.description}` : "";
    return `  --${name} <${type}>${required.has(name) ? " (required)" : ""}${enumText}${desc}`.slice(
      0,
      220,
    );
  });
  const traits = [
    op.readOnly ? "read-only" : undefined,
    op.destructive ? "destructive: needs --yes" : undefined,
    op.idempotent ? "idempotent" : undefined,
    op.paging ? "paged: --all streams every item" : undefined,
    op.waitable ? "--wait waits for the run to end" : undefined,
    op.deprecated ? "deprecated" : undefined,
  ].filter(Boolean);
  return [
    `${commandOf(op)} — ${op.summary}`,
    "",
    ...(op.description ? [op.description, ""] : []),
    `  ${op.method} ${op.path}`,
    `  scope: ${op.scopes.join(", ") || "none"}`,
    ...(traits.length ? [`  ${traits.join("; ")}`] : []),
    "",
    ...(flags.length ? ["Flags:", ...flags, ""] : []),
    "Example:",
    `  ${exampleCommand(op)}`,
    "",
  ].join("\n");
}

/** The spec's example as flags, else placeholders for the required flags. */
export function exampleCommand(op: OperationEntry): string {
  const parts = [commandOf(op)];
  const props = new Map(propertiesOf(op));
  const quote = (v: unknown) =>
    `'${(typeof v === "string" ? v : JSON.stringify(v)).replace(/'/g, "'\\''")}'`;
  if (op.example) {
    for (const [k, v] of Object.entries(op.example)) parts.push(`--${k} ${quote(v)}`);
  } else {
    for (const name of (op.input.required as string[] | undefined) ?? []) {
      parts.push(`--${name} ${placeholder(props.get(name) ?? {})}`);
    }
  }
  if (op.destructive) parts.push("--yes");
  return parts.join(" ");
}

function placeholder(schema: JsonSchema): string {
  const type = typeOf(schema);
  if (Array.isArray(schema.enum) && schema.enum.length) return String(schema.enum[0]);
  if (type === "integer" || type === "number") return "10";
  if (type === "array" || type === "object" || type === "json") return "@input.json";
  return "<value>";
}
