// Keeping results small enough for an agent's context: choose fields, cap items, cap characters,
// and always say what was left out and how to get it.

/** Keeps only `fields` (dotted paths allowed: `observable.value`) of each item of a list. */
export function pickFields(value: unknown, fields: readonly string[] | undefined): unknown {
  if (!fields || fields.length === 0) return value;
  const pickOne = (item: unknown): unknown => {
    if (!item || typeof item !== "object" || Array.isArray(item)) return item;
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const field of fields) {
      let v: unknown = item;
      for (const part of field.split(".")) {
        v =
          v && typeof v === "object" && Object.hasOwn(v, part)
            ? (v as Record<string, unknown>)[part]
            : undefined;
      }
      if (v !== undefined) out[field] = v;
    }
    return out;
  };
  if (Array.isArray(value)) return value.map(pickOne);
  if (value && typeof value === "object") {
    const list = listOf(value);
    if (list) return { ...(value as object), [list.key]: list.items.map(pickOne) };
    return pickOne(value);
  }
  return value;
}

/** The array a result is about: itself, or its one `items`/`data`/`results`-like array field. */
function listOf(value: object): { key: string; items: unknown[] } | undefined {
  for (const key of ["items", "results", "data", "docs", "verdicts"]) {
    const v = (value as Record<string, unknown>)[key];
    if (Array.isArray(v)) return { key, items: v };
  }
  return undefined;
}

export interface Bounded {
  readonly text: string;
  /** Set when something was cut: what, and how to get the rest. */
  readonly note?: string;
}

/**
 * JSON text of at most about `maxChars`: a long list keeps its first items (as many as fit),
 * anything else is cut at the limit.
 */
export function bound(value: unknown, maxChars: number): Bounded {
  // Compact: indentation would spend an agent's context on whitespace.
  const text = JSON.stringify(value ?? null);
  if (text.length <= maxChars) return { text };
  const list = Array.isArray(value)
    ? { key: undefined, items: value }
    : value && typeof value === "object"
      ? listOf(value)
      : undefined;
  if (list && list.items.length > 1) {
    let lo = 0;
    let hi = list.items.length;
    const render = (n: number) => {
      const items = list.items.slice(0, n);
      return JSON.stringify(
        list.key === undefined ? items : { ...(value as object), [list.key]: items },
      );
    };
    // Binary search for the most items that fit.
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (render(mid).length <= maxChars) lo = mid;
      else hi = mid - 1;
    }
    if (lo > 0) {
      return {
        text: render(lo),
        note: `Showing ${lo} of ${list.items.length} items (result bounded to ${maxChars} characters). Pass _fields to choose fields, or a smaller limit / _max_items and the "next" cursor to page.`,
      };
    }
  }
  return {
    text: text.slice(0, maxChars),
    note: `Result cut at ${maxChars} of ${text.length} characters. Pass _fields to choose fields, or narrow the query.`,
  };
}
