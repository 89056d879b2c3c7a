// Simulated CTIA (private intelligence): the routes over the entity store, CRUD, search with
// CTIA's paging headers, judgement expiry, incident status, observable verdicts, and bulk. See
// iroh-ctia-api.md §3 and §5.3–5.5. The store is in ctia-store.ts, the search in ctia-search.ts,
// the entity types and their validation in ctia-entities.ts, bulk in ctia-bulk.ts.

import { empty, isoTime, isRecord, json, type Reply, type Route } from "./http.js";
import { OBSERVABLE_TYPES } from "./vocab.js";
import { bodyOf, ENTITIES, notFound, ownerOf, validation, type Entity } from "./ctia-entities.js";
import { project, RESERVED } from "./ctia-search.js";
import type { CtiaStore } from "./ctia-store.js";
import { ctiaBulkRoutes } from "./ctia-bulk.js";

const isEntity = (p: Record<string, string>) => p.entity !== undefined && p.entity in ENTITIES;
const isObservableType = (p: Record<string, string>) =>
  p.type !== undefined && OBSERVABLE_TYPES.has(p.type) && !(p.type in ENTITIES);

// IROH also maps `asset[:read|:write]` onto these four entities (iroh-ctia-api.md §3.10), as
// specs/ctia.yaml states.
const ASSET_ENTITIES = new Set(["asset", "asset-mapping", "asset-properties", "target-record"]);

function readScope(entity: string): string[] {
  return entity === "casebook"
    ? ["private-intel/casebook:read", "casebook:read"]
    : ASSET_ENTITIES.has(entity)
      ? [`private-intel/${entity}:read`, "asset:read"]
      : [`private-intel/${entity}:read`];
}
function writeScope(entity: string): string[] {
  return entity === "casebook"
    ? ["private-intel/casebook:write", "casebook:write"]
    : ASSET_ENTITIES.has(entity)
      ? [`private-intel/${entity}:write`, "asset:write"]
      : [`private-intel/${entity}:write`];
}

function entityReply(e: Entity, status = 200): Reply {
  return status === 201 ? json(201, e, { Location: e.id }) : json(status, e);
}

export const CTIA_VERSION = {
  base: "/ctia",
  "ctim-version": "1.3.30",
  "ctia-build": "simulator",
  beta: false,
  "ctia-config": "simulator",
  "ctia-supported_features": [],
};

export function ctiaRoutes(store: CtiaStore): Route[] {
  return [
    {
      method: "GET",
      pattern: "/ctia/version",
      public: true,
      handler: () => json(200, CTIA_VERSION),
    },
    { method: "GET", pattern: "/ctia/status", handler: () => json(200, { status: "ok" }) },
    ...ctiaBulkRoutes(store),
    {
      method: "GET",
      pattern: "/ctia/:entity/search",
      guard: isEntity,
      scope: (p) => readScope(p.entity as string),
      handler: (ctx) => {
        const entity = ctx.params.entity as string;
        return store.page(store.filter(entity, ctx.query), ctx.query);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:entity/search/count",
      guard: isEntity,
      scope: (p) => readScope(p.entity as string),
      handler: (ctx) => json(200, store.filter(ctx.params.entity as string, ctx.query).length),
    },
    {
      method: "DELETE",
      pattern: "/ctia/:entity/search",
      guard: isEntity,
      scope: (p) => writeScope(p.entity as string),
      handler: (ctx) => {
        const entity = ctx.params.entity as string;
        const filtered = [...ctx.query.keys()].some(
          (k) => k === "query" || k === "from" || k === "to" || !RESERVED.has(k),
        );
        if (!filtered) {
          return json(403, {
            error: "you must provide at least one of from, to, query or any field filter.",
          });
        }
        const matches = store.filter(entity, ctx.query);
        if (ctx.query.get("REALLY_DELETE_ALL_THESE_ENTITIES") === "true") {
          for (const e of matches) store.delete(entity, e.id);
        }
        return json(200, matches.length);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:entity/external_id/:eid",
      guard: isEntity,
      scope: (p) => readScope(p.entity as string),
      handler: (ctx) => {
        const eid = ctx.params.eid as string;
        const entity = ctx.params.entity as string;
        const items = store.filter(entity, new URLSearchParams(), (e) =>
          Array.isArray(e.external_ids) ? e.external_ids.includes(eid) : false,
        );
        return store.page(items, ctx.query);
      },
    },
    {
      method: "POST",
      pattern: "/ctia/:entity",
      guard: isEntity,
      scope: (p) => writeScope(p.entity as string),
      handler: (ctx) =>
        entityReply(store.create(ctx.params.entity as string, bodyOf(ctx), ownerOf(ctx)), 201),
    },
    {
      method: "GET",
      pattern: "/ctia/:entity/:id",
      guard: isEntity,
      scope: (p) => readScope(p.entity as string),
      handler: (ctx) => {
        const entity = ctx.params.entity as string;
        const e = store.get(entity, ctx.params.id as string);
        if (!e) return notFound(entity);
        return json(
          200,
          project(
            e,
            ctx.query.getAll("fields").flatMap((f) => f.split(",")),
          ),
        );
      },
    },
    {
      method: "PUT",
      pattern: "/ctia/:entity/:id",
      guard: isEntity,
      scope: (p) => writeScope(p.entity as string),
      handler: (ctx) =>
        entityReply(
          store.replace(
            ctx.params.entity as string,
            ctx.params.id as string,
            bodyOf(ctx),
            ownerOf(ctx),
          ),
        ),
    },
    {
      method: "PATCH",
      pattern: "/ctia/:entity/:id",
      guard: (p) => isEntity(p) && ENTITIES[p.entity as string]?.patch === true,
      scope: (p) => writeScope(p.entity as string),
      handler: (ctx) =>
        entityReply(store.patch(ctx.params.entity as string, ctx.params.id as string, bodyOf(ctx))),
    },
    {
      method: "DELETE",
      pattern: "/ctia/:entity/:id",
      guard: isEntity,
      scope: (p) => writeScope(p.entity as string),
      handler: (ctx) => {
        const entity = ctx.params.entity as string;
        return store.delete(entity, ctx.params.id as string) ? empty(204) : notFound(entity);
      },
    },
    {
      method: "POST",
      pattern: "/ctia/judgement/:id/expire",
      scope: writeScope("judgement"),
      handler: (ctx) => {
        const reason = ctx.query.get("reason");
        if (!reason) return validation({ reason: "missing-required-key" });
        const e = store.get("judgement", ctx.params.id as string);
        if (!e) return json(404, { error: "Judgement not found" });
        const vt = isRecord(e.valid_time) ? e.valid_time : {};
        return entityReply(
          store.patch("judgement", e.id, {
            valid_time: { ...vt, end_time: isoTime(ctx.now()) },
            reason: `${typeof e.reason === "string" ? `${e.reason} ` : ""}${reason}`,
          }),
        );
      },
    },
    {
      method: "POST",
      pattern: "/ctia/incident/:id/status",
      scope: writeScope("incident"),
      handler: (ctx) => {
        const body = bodyOf(ctx);
        if (!isRecord(body) || typeof body.status !== "string") {
          return validation({ status: "missing-required-key" });
        }
        const e = store.get("incident", ctx.params.id as string);
        if (!e) return notFound("incident");
        const it = isRecord(e.incident_time) ? e.incident_time : {};
        const stamp = body.status.startsWith("Closed") ? { closed: isoTime(ctx.now()) } : {};
        return entityReply(
          store.patch("incident", e.id, {
            status: body.status,
            incident_time: { ...it, ...stamp },
          }),
        );
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:type/:value/verdict",
      guard: isObservableType,
      scope: "private-intel/verdict:read",
      handler: (ctx) => {
        const v = store.verdict(ctx.params.type as string, ctx.params.value as string);
        if (!v) {
          return json(404, {
            message: "no verdict currently available for the supplied observable",
          });
        }
        return json(200, v);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:type/:value/judgements",
      guard: isObservableType,
      scope: readScope("judgement"),
      handler: (ctx) => {
        const { type, value } = ctx.params;
        const items = store.filter("judgement", new URLSearchParams(), (e) => {
          const o = e.observable;
          return isRecord(o) && o.type === type && o.value === value;
        });
        return store.page(items, ctx.query);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:type/:value/sightings",
      guard: isObservableType,
      scope: readScope("sighting"),
      handler: (ctx) => {
        const { type, value } = ctx.params;
        const items = store.filter("sighting", new URLSearchParams(), (e) =>
          Array.isArray(e.observables)
            ? e.observables.some((o) => isRecord(o) && o.type === type && o.value === value)
            : false,
        );
        return store.page(items, ctx.query);
      },
    },
  ];
}
