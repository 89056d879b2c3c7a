// Issue #8, item 1: path values that would leave their segment (dot segments, empty values) and
// lone surrogates are refused with a typed UsageError naming the parameter, before anything is
// sent — through the named client and the raw openapi-fetch client alike.
import { describe, expect, it } from "vitest";
import { ConnectionError, UsageError, XdrError } from "../../templates/runtime/errors.js";
import { rawPathSerializer } from "../../templates/runtime/raw.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type { Operation, XdrOptions } from "../../templates/runtime/types.js";
import { caught, irohClient, json, rawClient, TOKEN, useServer } from "./servers.js";

const srv = useServer();

const automationApi = () => ({
  name: "automation",
  servers: {
    us: "https://automate.us.security.cisco.com/api",
    eu: "https://automate.eu.security.cisco.com/api",
    apjc: "https://automate.apjc.security.cisco.com/api",
  },
});
const automation = (extra: XdrOptions = {}) =>
  createTransport(automationApi(), {
    accessToken: "tok-fixed",
    baseUrls: { automation: srv.url + "/api" },
    retryDelayMs: 1,
    ...extra,
  });

const deleteAction: Operation = {
  name: "workflows.deleteAction",
  method: "DELETE",
  path: "/v1/workflows/{workflow_id}/actions/{action_id}",
  args: "flat",
  pathParams: ["workflow_id", "action_id"],
  scopes: ["ao"],
  safe: true,
};
const observableJudgements: Operation = {
  name: "observables.judgements",
  method: "GET",
  path: "/ctia/{observable_type}/{observable_value}/judgements",
  args: "flat",
  pathParams: ["observable_type", "observable_value"],
  queryParams: ["limit", "offset", "sort_by"],
  safe: true,
};
const getJudgement: Operation = {
  name: "judgements.get",
  method: "GET",
  path: "/ctia/judgement/{id}",
  args: "flat",
  pathParams: ["id"],
  queryParams: ["fields"],
  headerParams: ["x-trace"],
  safe: true,
};
const search: Operation = {
  name: "judgements.search",
  method: "GET",
  path: "/ctia/judgement/search",
  args: "flat",
  queryParams: ["query", "limit"],
  safe: true,
};

const ctia = () => irohClient(srv); // client credentials: the token endpoint must stay untouched too
const LONE_HIGH = "abc\uD800def";
const LONE_LOW = "\uDC00";

function answerEverything() {
  for (const r of [
    "DELETE /api/v1/workflows/W1",
    "DELETE /api/v1/workflows/W1/",
    "GET /ctia/judgements",
    "GET /ctia/judgement",
    "GET /ctia/judgement/",
  ])
    srv.route(r, (_h, res) => json(res, 200, { reached: r }));
}

async function refused(p: PromiseLike<unknown>, parameter: string): Promise<UsageError> {
  const err = await caught(p);
  expect(err).toBeInstanceOf(UsageError);
  expect(err).toBeInstanceOf(XdrError);
  expect(err).not.toBeInstanceOf(URIError);
  expect((err as UsageError).parameter).toBe(parameter);
  expect(err.message).toContain(parameter);
  return err as UsageError;
}

describe("named client: dot segments and empty path values", () => {
  it("refuses an action_id of '..' before sending (no DELETE of the workflow itself), naming the parameter", async () => {
    answerEverything();
    await refused(
      automation().call(deleteAction, { workflow_id: "W1", action_id: ".." } as never),
      "action_id",
    );
    expect(srv.hits).toHaveLength(0);
  });

  it("refuses an action_id of '.' before sending", async () => {
    answerEverything();
    await refused(
      automation().call(deleteAction, { workflow_id: "W1", action_id: "." } as never),
      "action_id",
    );
    expect(srv.hits).toHaveLength(0);
  });

  it("refuses a workflow_id of '..' (the first of two path parameters)", async () => {
    await refused(
      automation().call(deleteAction, { workflow_id: "..", action_id: "A1" } as never),
      "workflow_id",
    );
    expect(srv.hits).toHaveLength(0);
  });

  it("refuses an observable_value of '..' (would send GET /ctia/judgements) without even fetching a token", async () => {
    answerEverything();
    await refused(
      ctia().call(observableJudgements, {
        observable_type: "ip",
        observable_value: "..",
      } as never),
      "observable_value",
    );
    expect(srv.hits).toHaveLength(0);
    expect(srv.count(TOKEN)).toBe(0);
  });

  it.each([
    ["an empty string", ""],
    ["undefined", undefined],
    ["null", null],
  ])("refuses %s as a path value, naming the parameter", async (_what, value) => {
    answerEverything();
    const err = await refused(ctia().call(getJudgement, { id: value } as never), "id");
    expect(err.message).toMatch(/missing|empty/);
    expect(srv.hits).toHaveLength(0);
  });

  it("refuses a missing path parameter (argument object without it)", async () => {
    await refused(ctia().call(getJudgement, {} as never), "id");
    expect(srv.hits).toHaveLength(0);
  });

  it("refuses a path value that stringifies to '..' (an array ['..'])", async () => {
    answerEverything();
    const err = await caught(ctia().call(getJudgement, { id: [".."] } as never));
    // Either refused, or sent JSON-encoded inside the segment: never as a dot segment.
    if (err instanceof UsageError) expect(srv.hits).toHaveLength(0);
    expect(
      srv.hits.filter((h) => h.path === "/ctia/judgement" || h.path === "/ctia/judgement/"),
    ).toHaveLength(0);
  });

  it("rejects the call's promise rather than throwing synchronously", () => {
    let p: PromiseLike<unknown> | undefined;
    expect(() => {
      p = ctia().call(getJudgement, { id: ".." } as never);
    }).not.toThrow();
    return expect(p).rejects.toBeInstanceOf(UsageError);
  });

  it("is never retried and never a ConnectionError", async () => {
    const t = createTransport(
      { name: "iroh", servers: { us: srv.url, eu: srv.url, apjc: srv.url } },
      { accessToken: "t", baseUrls: { iroh: srv.url }, maxRetries: 5, retryDelayMs: 1 },
    );
    const err = await caught(t.call(getJudgement, { id: "." } as never));
    expect(err).not.toBeInstanceOf(ConnectionError);
    expect(srv.hits).toHaveLength(0);
  });
});

describe("named client: values that only look like dots stay inside their segment", () => {
  it.each([
    ["...", "/ctia/judgement/..."],
    ["a..b", "/ctia/judgement/a..b"],
    ["../etc/passwd", "/ctia/judgement/..%2Fetc%2Fpasswd"],
    ["..\\x", "/ctia/judgement/..%5Cx"],
    ["%2e%2e", "/ctia/judgement/%252e%252e"],
    [".%2E", "/ctia/judgement/.%252E"],
    ["a/b?c#d", "/ctia/judgement/a%2Fb%3Fc%23d"],
    [" ", "/ctia/judgement/%20"],
  ])("sends %j as one encoded segment", async (value, sent) => {
    srv.route(`GET ${sent}`, (_h, res) => json(res, 200, { ok: true }));
    const t = ctia();
    await t.call(getJudgement, { id: value } as never).catch(() => undefined);
    const hit = srv.hits.find((h) => h.method === "GET");
    expect(hit?.url).toBe(sent);
  });

  it("sends 0 and false as path values (falsy but not empty)", async () => {
    srv.route("GET /ctia/judgement/0", (_h, res) => json(res, 200, { id: "0" }));
    srv.route("GET /ctia/judgement/false", (_h, res) => json(res, 200, { id: "false" }));
    const t = ctia();
    await expect(t.call(getJudgement, { id: 0 } as never)).resolves.toEqual({ id: "0" });
    await expect(t.call(getJudgement, { id: false } as never)).resolves.toEqual({ id: "false" });
  });
});

describe("named client: lone surrogates", () => {
  it("refuses a lone high surrogate in a path value with UsageError, not URIError", async () => {
    await refused(ctia().call(getJudgement, { id: LONE_HIGH } as never), "id");
    expect(srv.hits).toHaveLength(0);
  });

  it("refuses a lone low surrogate in a path value", async () => {
    await refused(ctia().call(getJudgement, { id: LONE_LOW } as never), "id");
  });

  it("refuses a lone surrogate in a query value, naming the query parameter", async () => {
    await refused(ctia().call(search, { query: LONE_HIGH } as never), "query");
    expect(srv.hits).toHaveLength(0);
  });

  it("refuses a lone surrogate inside an array query value", async () => {
    await refused(ctia().call(search, { query: ["ok", LONE_LOW] } as never), "query");
  });

  it("refuses a lone surrogate in RequestOptions.query", async () => {
    await refused(
      ctia().call(search, { query: "x" } as never, { query: { extra: LONE_HIGH } }),
      "extra",
    );
    expect(srv.hits).toHaveLength(0);
  });

  it("refuses a lone surrogate in a header parameter with UsageError", async () => {
    const err = await caught(
      ctia().call(getJudgement, { id: "j1", "x-trace": LONE_HIGH } as never),
    );
    expect(err).toBeInstanceOf(UsageError);
    expect(srv.hits).toHaveLength(0);
  });

  it("still sends a well-formed surrogate pair (an emoji) encoded", async () => {
    srv.route("GET /ctia/judgement/%F0%9F%98%80", (_h, res) => json(res, 200, { ok: 1 }));
    await ctia().call(getJudgement, { id: "\u{1F600}" } as never);
    expect(srv.hits.find((h) => h.method === "GET")?.url).toBe("/ctia/judgement/%F0%9F%98%80");
  });
});

describe("raw client (openapi-fetch with rawPathSerializer)", () => {
  const raw = () => rawClient(automation());

  it("refuses an action_id of '..' before sending, naming the parameter", async () => {
    answerEverything();
    await refused(
      raw().DELETE("/v1/workflows/{workflow_id}/actions/{action_id}", {
        params: { path: { workflow_id: "W1", action_id: ".." } },
      }),
      "action_id",
    );
    expect(srv.hits).toHaveLength(0);
  });

  it.each([".", "", "..", undefined, null])(
    "refuses the path value %j before sending",
    async (value) => {
      answerEverything();
      await refused(
        raw().GET("/v1/workflows/{workflow_id}", { params: { path: { workflow_id: value } } }),
        "workflow_id",
      );
      expect(srv.hits).toHaveLength(0);
    },
  );

  it("refuses a lone surrogate in a path value with UsageError, not URIError", async () => {
    await refused(
      raw().GET("/v1/workflows/{workflow_id}", { params: { path: { workflow_id: LONE_HIGH } } }),
      "workflow_id",
    );
    expect(srv.hits).toHaveLength(0);
  });

  it("refuses a lone surrogate in a query value with a typed error, not URIError", async () => {
    const err = await caught(
      raw().GET("/v1/workflows", { params: { query: { name: LONE_HIGH } } }),
    );
    expect(err).not.toBeInstanceOf(URIError);
    expect(err).toBeInstanceOf(UsageError);
    expect(srv.hits).toHaveLength(0);
  });

  it("sends '../x' as one encoded segment", async () => {
    srv.route("GET /api/v1/workflows/../x", (_h, res) => json(res, 200, {}));
    await raw().GET("/v1/workflows/{workflow_id}", {
      params: { path: { workflow_id: "../x" } },
    });
    expect(srv.hits[0]?.url).toBe("/api/v1/workflows/..%2Fx");
  });

  it("sends an ordinary value unchanged", async () => {
    srv.route("GET /api/v1/workflows/W1", (_h, res) => json(res, 200, { id: "W1" }));
    const { data } = await raw().GET("/v1/workflows/{workflow_id}", {
      params: { path: { workflow_id: "W1" } },
    });
    expect(data).toEqual({ id: "W1" });
  });
});

describe("rawPathSerializer on its own", () => {
  it.each([
    ["/x/{id}", { id: ".." }],
    ["/x/{id}", { id: "." }],
    ["/x/{id}", { id: "" }],
    ["/x/{id}", {}],
    ["/x/{.id}", { id: ".." }],
    ["/x/{;id}", { id: "" }],
    ["/x/{id}", { id: [".."] }],
    ["/x/{id}", { id: ["."] }],
    ["/x/{id}", { id: [] }],
    ["/x/{id}", { id: LONE_LOW }],
  ])("refuses %s with %j", (path, params) => {
    let err: unknown;
    try {
      rawPathSerializer(path, params as Record<string, unknown>);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).parameter).toBe("id");
  });

  it("encodes a slash inside a value", () => {
    expect(rawPathSerializer("/x/{id}/y", { id: "a/b" })).toBe("/x/a%2Fb/y");
  });
});
