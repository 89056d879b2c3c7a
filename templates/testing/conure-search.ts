// Simulated Conure v2: the incident status enum, Conure's `{message}` errors, and incident
// search (filters, sort, `fields`, offset/limit and search_after, CTIA-style paging headers).

import { intParam, isRecord, json, ReplyError } from "./http.js";
import type { Ctx, Reply } from "./http.js";
import type { ConureStore, Incident } from "./conure.js";

/** The 25 values of Cisco's IncidentStatusType. */
export const INCIDENT_STATUSES: readonly string[] = [
  "New",
  "New: Processing",
  "New: Presented",
  "Open",
  "Open: Reported",
  "Open: Investigating",
  "Open: Contained",
  "Open: Recovered",
  "Hold",
  "Hold: Internal",
  "Hold: External",
  "Hold: Legal",
  "Stalled",
  "Containment Achieved",
  "Restoration Achieved",
  "Incident Reported",
  "Closed",
  "Closed: Confirmed Threat",
  "Closed: False Positive",
  "Closed: Suspected",
  "Closed: Near-Miss",
  "Closed: Merged",
  "Closed: Under Review",
  "Closed: Other",
  "Rejected",
];
export const STATUS_SET: ReadonlySet<string> = new Set(INCIDENT_STATUSES);
const SORTABLE = new Set(["id", "language", "revision", "schema_version", "source"]);
for (const f of ["source_uri", "timestamp", "title", "tlp"]) SORTABLE.add(f);
/** Query filters compared with the incident's field of the same name (lists: any element). */
const EQUALITY_FILTERS = [
  "id",
  "status",
  "tlp",
  "language",
  "source",
  "assignees",
  "categories",
  "confidence",
  "detection_sources",
  "discovery_method",
  "intended_effect",
  "promotion_method",
] as const;

/** Conure's error body. */
export function conureError(status: number, message: unknown): Reply {
  return json(status, { message });
}
export const notFound = (): Reply => conureError(404, "Not Found");

// ---- search ------------------------------------------------------------------------------------

function matches(incident: Incident, q: URLSearchParams): boolean {
  for (const key of EQUALITY_FILTERS) {
    const want = q.get(key);
    if (want === null) continue;
    const have = incident[key];
    const ok = Array.isArray(have) ? have.includes(want) : have === want;
    if (!ok) return false;
  }
  const highImpact = q.get("high_impact");
  if (highImpact !== null) {
    const isHigh = ["Critical", "High"].includes(String(incident.severity));
    if (isHigh !== (highImpact === "true")) return false;
  }
  const text = q.get("query") ?? q.get("simple_query");
  if (text && text !== "*") {
    const fields = q.getAll("search_fields");
    const where = fields.length ? fields : ["title", "description", "short_description"];
    const needle = text.replace(/^"|"$/g, "").toLowerCase();
    if (
      !where.some((f) =>
        String(incident[f] ?? "")
          .toLowerCase()
          .includes(needle),
      )
    )
      return false;
  }
  const from = q.get("from");
  const to = q.get("to");
  if (from && incident.timestamp < from) return false;
  if (to && incident.timestamp >= to) return false;
  return true;
}

/** Sort keys: `sort_by` (comma list, `:asc`/`:desc`), default timestamp desc; id breaks ties. */
function comparator(q: URLSearchParams): (a: Incident, b: Incident) => number {
  const order = q.get("sort_order") === "asc" ? 1 : -1;
  const keys = (q.get("sort_by") ?? "timestamp").split(",").map((part) => {
    const [field = "timestamp", dir] = part.trim().split(":");
    if (!SORTABLE.has(field)) throw new ReplyError(conureError(400, `cannot sort by ${field}`));
    return { field, sign: dir === "asc" ? 1 : dir === "desc" ? -1 : order };
  });
  return (a, b) => {
    for (const { field, sign } of [...keys, { field: "id", sign: order }]) {
      const x = String(a[field] ?? "");
      const y = String(b[field] ?? "");
      if (x !== y) return x < y ? -sign : sign;
    }
    return 0;
  };
}

function project(incident: Incident, fields: string[]): Record<string, unknown> {
  if (fields.length === 0) return incident;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const [head, sub] = f.split(".");
    const value = incident[head as string];
    if (sub === undefined) out[f] = value;
    else if (isRecord(value) && sub in value) {
      out[head as string] = { ...(out[head as string] as object), [sub]: value[sub] };
    }
  }
  return out;
}

/** Matching incidents, sorted; `page` applies offset/limit or search_after and `fields`. */
export function searchIncidents(store: ConureStore, q: URLSearchParams): Incident[] {
  const status = q.get("status");
  if (status !== null && !STATUS_SET.has(status)) {
    throw new ReplyError(
      conureError(400, { status: `not one of the ${STATUS_SET.size} statuses` }),
    );
  }
  return [...store.incidents.values()].filter((i) => matches(i, q)).sort(comparator(q));
}

export function pageOf(store: ConureStore, ctx: Ctx, all: Incident[]): Reply {
  const q = ctx.query;
  const offset = intParam(q, "offset", 0);
  const limit = intParam(q, "limit", store.pageSize);
  if (offset === null || limit === null) return conureError(400, "offset and limit are integers");
  let start = offset;
  const after = q.getAll("search_after");
  if (after.length) {
    // The cursor is the last item's [timestamp, id], as the default sort gives them.
    const idx = all.findIndex((i) => i.timestamp === after[0] && i.id === after[1]);
    start = idx < 0 ? all.length : idx + 1;
  }
  const items = all.slice(start, start + limit);
  const headers: Record<string, string> = {};
  if (store.pagingHeaders) {
    headers["X-Total-Hits"] = String(all.length);
    const end = start + items.length;
    if (items.length > 0 && end < all.length) {
      const last = items[items.length - 1] as Incident;
      const next = new URLSearchParams({ limit: String(limit), offset: String(end) });
      next.append("search_after", last.timestamp);
      next.append("search_after", last.id);
      headers["X-Next"] = next.toString();
    }
  }
  const fields = q.getAll("fields");
  return json(
    200,
    items.map((i) => project(i, fields)),
    headers,
  );
}
