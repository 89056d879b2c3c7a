// Everything from a spec that reaches generated code passes through one of these, chosen for
// where it lands. A description may hold `*/`, a name quotes or `${`, a path U+2028: none of it
// may end a comment, a string or a line early.

/** A TypeScript/JavaScript string literal. */
export function tsString(value: string): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * Any JSON value as a TypeScript expression, laid out as prettier would: identifier keys bare,
 * other keys and every string escaped, short arrays of scalars on one line.
 */
export function tsLiteral(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") {
    return typeof value === "string" ? tsString(value) : JSON.stringify(value);
  }
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    const items = value.map((item) => tsLiteral(item, inner));
    const oneLine = `[${items.join(", ")}]`;
    const scalars = value.every((item) => item === null || typeof item !== "object");
    if (scalars && oneLine.length + indent.length <= 80) return oneLine;
    return `[\n${items.map((item) => inner + item + ",").join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  const lines = entries.map(([k, v]) => {
    const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : tsString(k);
    return `${inner}${key}: ${tsLiteral(v, inner)},`;
  });
  return `{\n${lines.join("\n")}\n${indent}}`;
}

/**
 * A JSDoc block (`/** … *\/`) from paragraphs of free text, indented by `indent`; empty when
 * there is no text. `*\/` cannot close the comment early and line separators become newlines.
 */
export function jsDoc(paragraphs: readonly (string | undefined)[], indent = ""): string {
  const text = paragraphs
    .filter((p): p is string => typeof p === "string" && p.trim() !== "")
    .map((p) => p.trim())
    .join("\n\n");
  if (text === "") return "";
  const lines = text
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, "\n")
    .replace(/\*\//g, "*\\/")
    // Control characters have no business in a comment and some editors render them oddly.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .split("\n")
    .map((line) => `${indent} *${line === "" ? "" : " " + line.replace(/\s+$/, "")}`);
  return `${indent}/**\n${lines.join("\n")}\n${indent} */\n`;
}

/** Text inside a one-line comment (`// …` or a JSDoc line): no line break, no `*\/`. */
export function commentInline(value: string | undefined): string {
  if (!value) return "";
  return (
    value
      .replace(/\r\n?|[\n\u2028\u2029\u0085]/g, " ")
      .replace(/\*\//g, "*\\/")
      // eslint-disable-next-line no-control-regex -- control characters are dropped on purpose
      .replace(/[\u0000-\u001f\u007f]/g, "")
      .trim()
  );
}

/** Text for one Markdown table cell or list item: no raw HTML, no breaking out of the cell. */
export function mdInline(value: string | undefined): string {
  if (!value) return "";
  return value
    .replace(/\r\n?|[\u2028\u2029\n]/g, " ")
    .replace(/[\\`*_[\]|<>]/g, (c) => "\\" + c)
    .trim();
}

/** Inline code in Markdown whatever the content holds (backticks included). */
export function mdCode(value: string): string {
  const clean = value.replace(/[\r\n\u2028\u2029]/g, " ").replace(/\|/g, "\\|");
  const fence = "`".repeat(
    (clean.match(/`+/g) ?? [""]).reduce((m, s) => Math.max(m, s.length), 0) + 1,
  );
  return `${fence}${fence.length > 1 ? " " : ""}${clean}${fence.length > 1 ? " " : ""}${fence}`;
}

/** Plain `{{value}}` in a template may print only what cannot need escaping anywhere. */
export function assertPlain(value: unknown): string {
  const text = value === undefined || value === null ? "" : String(value);
  if (!/^[A-Za-z0-9_$.\-@/]*$/.test(text) || text.includes("//")) {
    throw new Error(
      `template printed ${JSON.stringify(text.slice(0, 60))} with {{…}}: use a helper (str, doc, md, code, json) for text from a spec`,
    );
  }
  return text;
}
