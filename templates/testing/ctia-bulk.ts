// Simulated CTIA, its bulk API: `POST /ctia/bulk` creates lists of entities of several types in
// one call (entities may reference each other by `transient:` ids, answered in `tempids`; a
// rejected entity becomes an error in its list), `GET /ctia/bulk` reads them back (§5.5).

import { randomUUID } from "node:crypto";
import { isRecord, json, ReplyError, type Route } from "./http.js";
import { BY_PLURAL, bodyOf, longId, ownerOf, validation } from "./ctia-entities.js";
import type { CtiaStore } from "./ctia-store.js";

const BULK_MAX = 2000;

/** Deep-replace transient ids (bulk payloads reference each other by `transient:…`). */
function resolveTransients(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === "string") return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => resolveTransients(v, ids));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveTransients(v, ids)]),
    );
  }
  return value;
}

export function ctiaBulkRoutes(store: CtiaStore): Route[] {
  return [
    {
      method: "POST",
      pattern: "/ctia/bulk",
      scope: "private-intel:write",
      handler: (ctx) => {
        const body = bodyOf(ctx);
        if (!isRecord(body)) return validation({ body: "(not (map? body))" });
        const unknown = Object.keys(body).filter((k) => !BY_PLURAL.has(k));
        if (unknown.length > 0) {
          return validation(Object.fromEntries(unknown.map((k) => [k, "disallowed-key"])));
        }
        const lists = Object.entries(body).map(([plural, list]) => {
          if (!Array.isArray(list))
            throw new ReplyError(validation({ [plural]: "(not (sequential? x))" }));
          return [plural, list as unknown[]] as const;
        });
        const count = lists.reduce((n, [, l]) => n + l.length, 0);
        if (count > BULK_MAX) {
          return validation({ body: `Bulk max nb of entities: ${BULK_MAX}` });
        }
        // Allocate every id first so that entities can reference each other by transient id.
        const tempids = new Map<string, string>();
        const planned = lists.map(([plural, list]) => {
          const entity = BY_PLURAL.get(plural) as string;
          return [
            plural,
            list.map((raw) => {
              const short = `${entity}-${randomUUID()}`;
              if (isRecord(raw) && typeof raw.id === "string" && raw.id.startsWith("transient:")) {
                tempids.set(raw.id, longId(entity, short));
              }
              return { entity, short, raw };
            }),
          ] as const;
        });
        const out: Record<string, unknown> = {};
        for (const [plural, items] of planned) {
          out[plural] = items.map(({ entity, short, raw }) => {
            try {
              return store.create(entity, resolveTransients(raw, tempids), ownerOf(ctx), short).id;
            } catch (e) {
              if (!(e instanceof ReplyError)) throw e;
              const err = isRecord(e.reply.json) ? e.reply.json : {};
              return {
                error: typeof err.error === "string" ? err.error : "Spec Validation Client Error",
                msg: JSON.stringify(err),
                entity: raw,
                type: entity,
              };
            }
          });
        }
        if (tempids.size > 0) out.tempids = Object.fromEntries(tempids);
        return json(201, out);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/bulk",
      scope: "private-intel:read",
      handler: (ctx) => {
        const out: Record<string, unknown> = {};
        for (const [plural, id] of ctx.query) {
          const entity = BY_PLURAL.get(plural);
          if (!entity) return validation({ [plural]: "disallowed-key" });
          const list = (out[plural] ??= []) as unknown[];
          list.push(store.get(entity, id) ?? null);
        }
        return json(200, out);
      },
    },
  ];
}
