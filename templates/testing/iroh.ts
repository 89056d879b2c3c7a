// Simulated IROH services: inspect, enrich (deliberate/observe/refer/health), response, profile.
// Envelopes follow /work/shared/reference/iroh-ctia-api.md §2.2; the modules that fill them are in
// iroh-modules.ts.

import { extractObservables } from "./inspect.js";
import {
  isoTime,
  isRecord,
  json,
  readJson,
  ReplyError,
  type Ctx,
  type Reply,
  type Route,
} from "./http.js";
import { MODULE_ERROR_VALUE, OBSERVABLE_TYPES, type Observable } from "./vocab.js";
import {
  enrich,
  health,
  MODULE_LIST,
  refer,
  respond,
  shortHash,
  SIM_ACTIONS,
} from "./iroh-modules.js";

export interface TriggeredAction {
  moduleInstanceId: string;
  actionId: string;
  observableType?: string;
  observableValue?: string;
  clientId?: string;
}

function badRequest(message: string): Reply {
  return json(400, { errors: message });
}

/** Validate an `Observable[]` request body (IROH answers `{errors: "<explanation>"}`). */
function readObservables(raw: unknown): Observable[] {
  if (!Array.isArray(raw)) {
    throw new ReplyError(
      badRequest(`(not (sequential? ${raw === undefined ? "nil" : typeof raw}))`),
    );
  }
  raw.forEach((o, i) => {
    if (!isRecord(o) || typeof o.type !== "string" || typeof o.value !== "string") {
      throw new ReplyError(badRequest(`[${i}] (not (map? {:type string, :value string}))`));
    }
    if (!OBSERVABLE_TYPES.has(o.type)) {
      throw new ReplyError(badRequest(`[${i} :type] (not (#{observable types} "${o.type}"))`));
    }
    const extra = Object.keys(o).filter((k) => k !== "type" && k !== "value");
    if (extra.length > 0) throw new ReplyError(badRequest(`[${i} :${extra[0]}] disallowed-key`));
  });
  return (raw as Observable[]).map((o) => ({ type: o.type, value: o.value }));
}

export function irohRoutes(env: { actions: TriggeredAction[] }): Route[] {
  const observablesBody = (ctx: Ctx) => readObservables(readJson(ctx, badRequest));
  return [
    {
      method: "POST",
      pattern: "/iroh/iroh-inspect/inspect",
      scope: "inspect:read",
      handler: (ctx) => {
        const body = readJson(ctx, badRequest);
        if (!isRecord(body)) {
          return badRequest(
            `(not (map? ${Array.isArray(body) ? "a-clojure.lang.LazySeq" : String(body)}))`,
          );
        }
        if (typeof body.content !== "string") {
          return badRequest(
            body.content === undefined
              ? "{:content missing-required-key}"
              : "{:content (not (instance? java.lang.String))}",
          );
        }
        const extra = Object.keys(body).filter((k) => k !== "content");
        if (extra.length > 0) return badRequest(`{:${extra[0]} disallowed-key}`);
        return json(200, extractObservables(body.content));
      },
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/deliberate/observables",
      scope: "enrich/observables/deliberate:read",
      handler: (ctx) => json(200, enrich("deliberate", observablesBody(ctx), ctx.now())),
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/observe/observables",
      scope: "enrich/observables/observe:read",
      handler: (ctx) => json(200, enrich("observe", observablesBody(ctx), ctx.now())),
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/observe/targets",
      scope: "enrich/targets/observe:read",
      handler: (ctx) => {
        const body = readJson(ctx, badRequest);
        if (!isRecord(body)) return badRequest("(not (map? body))");
        return json(200, enrich("observe", readObservables(body.observables), ctx.now()));
      },
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/refer/observables",
      scope: "enrich/observables/refer:read",
      handler: (ctx) => json(200, refer(observablesBody(ctx))),
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/health",
      scope: "integration/health:read",
      handler: () => json(200, { data: MODULE_LIST.map(health) }),
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/health/:mid",
      scope: "integration/health:read",
      handler: (ctx) => {
        const m = MODULE_LIST.find((x) => x.module_instance_id === ctx.params.mid);
        if (!m) {
          return json(404, {
            error: "module_instance_not_found",
            error_description: `module instance ${ctx.params.mid} not found`,
          });
        }
        return json(200, { data: health(m) });
      },
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-response/respond/observables",
      scope: "response/observables:read",
      handler: (ctx) => json(200, respond(observablesBody(ctx))),
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-response/respond/trigger/:mid/:aid",
      scope: "response/trigger:write",
      handler: (ctx) => {
        const { mid = "", aid = "" } = ctx.params;
        if (!MODULE_LIST.some((m) => m.module_instance_id === mid)) {
          return json(404, {
            error: "module_instance_not_found",
            error_description: `module instance ${mid} not found`,
          });
        }
        const type = ctx.query.get("observable_type") ?? undefined;
        const value = ctx.query.get("observable_value") ?? undefined;
        if (type !== undefined && !OBSERVABLE_TYPES.has(type)) {
          return badRequest(`{:observable_type (not (#{observable types} "${type}"))}`);
        }
        const action = SIM_ACTIONS[aid];
        if (
          !action ||
          action.module.module_instance_id !== mid ||
          value?.toLowerCase() === MODULE_ERROR_VALUE
        ) {
          return json(200, { data: { status: "failure" } });
        }
        env.actions.push({
          moduleInstanceId: mid,
          actionId: aid,
          ...(type !== undefined ? { observableType: type } : {}),
          ...(value !== undefined ? { observableValue: value } : {}),
          ...(ctx.principal ? { clientId: ctx.principal.clientId } : {}),
        });
        return json(200, { data: { status: "success" } });
      },
    },
    {
      method: "GET",
      pattern: "/iroh/profile/whoami",
      scope: "profile:read",
      handler: (ctx) => {
        const clientId = ctx.principal?.clientId ?? "unknown";
        const created = isoTime(Date.UTC(2024, 0, 15, 9, 30));
        return json(200, {
          user: {
            "user-id": `user-${shortHash(clientId)}`,
            "user-name": "Sim API Client",
            "user-email": "api-client@sim.example",
            "user-nick": clientId,
            "org-id": "org-sim-0001",
            role: "admin",
            scopes: ctx.principal?.scopes ?? [],
            "enabled?": true,
            "created-at": created,
            "updated-at": created,
            "idp-mappings": [],
            "last-logged-at": [],
          },
          org: {
            id: "org-sim-0001",
            name: "Simulated Org",
            "xdr-enabled?": true,
            "enabled?": true,
            "created-at": created,
            "updated-at": created,
            "scim-status": "activated",
          },
          idp: { id: "sim-idp" },
        });
      },
    },
  ];
}
