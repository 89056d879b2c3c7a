// The change report in two forms: Markdown for people (a terminal, a pull request, the
// changelog) and JSON for tools (a CI step deciding whether to open a pull request).
import { suggestBump, type ApiDiff, type Bump, type Change, type ChangeKind } from "./diff.js";

export interface DiffReport {
  /** What was compared, as the user named it. */
  from: string;
  to: string;
  bump: Bump;
  breaking: number;
  nonBreaking: number;
  apis: ApiDiff[];
}

export function makeReport(from: string, to: string, apis: ApiDiff[]): DiffReport {
  const changes = apis.flatMap((a) => a.changes);
  return {
    from,
    to,
    bump: suggestBump(changes),
    breaking: changes.filter((c) => c.breaking).length,
    nonBreaking: changes.filter((c) => !c.breaking).length,
    apis,
  };
}

/** Stable JSON: the field order of the types above, two-space indent, final newline. */
export function reportJson(report: DiffReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}

export function reportMarkdown(report: DiffReport, options: { heading?: string } = {}): string {
  const lines = [
    `${options.heading ?? "##"} SDK changes: ${report.from} → ${report.to}`,
    "",
    report.bump === "none"
      ? "No change to the SDK surface (method names, arguments, types, scopes)."
      : `Suggested version bump: **${report.bump}** (${count(report.breaking, "breaking change")}, ` +
        `${count(report.nonBreaking, "non-breaking change")}).`,
  ];
  for (const api of report.apis) {
    if (api.changes.length === 0) continue;
    lines.push("", ...apiSection(api, (options.heading ?? "##") + "#"));
  }
  return lines.join("\n") + "\n";
}

/** The Markdown of one API's changes, breaking ones first. */
export function apiSection(api: ApiDiff, heading: string): string[] {
  const { fromVersion: from, toVersion: to } = api;
  const versions =
    from === to ? "" : from && to ? ` (spec ${from} → ${to})` : ` (spec ${from || to})`;
  const lines = [`${heading} ${api.api}${versions}`];
  const groups: [string, Change[]][] = [
    ["Breaking", api.changes.filter((c) => c.breaking)],
    ["Non-breaking", api.changes.filter((c) => !c.breaking)],
  ];
  for (const [title, changes] of groups) {
    if (changes.length === 0) continue;
    lines.push("", `**${title}**`, "");
    // One schema shared by many methods changes them all alike (CTIA's entities sit under
    // dozens): one line per change, naming the methods, keeps the report readable.
    const methodsOf = new Map<string, string[]>();
    for (const c of collapse(changes))
      methodsOf.set(c.message, [...(methodsOf.get(c.message) ?? []), c.method]);
    for (const [message, methods] of methodsOf) lines.push(`- ${names(methods)}: ${message}`);
  }
  return lines;
}

const LISTED: Partial<Record<ChangeKind, [string, string]>> = {
  "param-added": ["arguments", "added"],
  "param-removed": ["arguments", "removed"],
  "field-added": ["fields", "added"],
  "field-removed": ["fields", "removed"],
};

/**
 * Many keys added to or removed from one object of one method (a body schema that grew twenty
 * fields) become one line listing them; everything else stays a line of its own. Order is kept.
 */
function collapse(changes: Change[]): { method: string; message: string }[] {
  const groups = new Map<string, Change[]>();
  const order: (Change | string)[] = [];
  for (const c of changes) {
    if (!LISTED[c.kind] || c.at === undefined) {
      order.push(c);
      continue;
    }
    const parent = c.at.includes(".") ? c.at.slice(0, c.at.lastIndexOf(".")) : "";
    const key = JSON.stringify([c.method, c.kind, c.impact, parent]);
    if (!groups.has(key)) {
      groups.set(key, []);
      order.push(key);
    }
    groups.get(key)!.push(c);
  }
  return order.flatMap((item) => {
    if (typeof item !== "string") return [{ method: item.method, message: item.message }];
    const group = groups.get(item)!;
    if (group.length <= 2) return group.map((c) => ({ method: c.method, message: c.message }));
    const first = group[0]!;
    const [noun, verb] = LISTED[first.kind]!;
    const required = verb === "added" && first.impact === "major" ? "required " : "";
    const parent = JSON.parse(item)[3] as string;
    const keys = group.map((c) => c.at!.slice(parent ? parent.length + 1 : 0));
    const shown = keys.slice(0, SHOWN_KEYS).map((k) => `\`${k}\``);
    const rest = keys.length - shown.length;
    const where = parent ? ` in \`${parent}\`` : "";
    return [
      {
        method: first.method,
        message:
          `${keys.length} ${required}${noun} ${verb}${where}: ${shown.join(", ")}` +
          (rest > 0 ? ` and ${rest} more` : ""),
      },
    ];
  });
}

const SHOWN_KEYS = 8;
const SHOWN_METHODS = 4;

function names(methods: string[]): string {
  const shown = methods.slice(0, SHOWN_METHODS).map((m) => `\`${m}\``);
  const more = methods.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
