// Redirects: followed within the base URL's origin (a 303 as a GET), refused to another origin,
// where neither the body nor any credential is sent; the token request likewise.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../templates/runtime/errors.js";
import { rawPathSerializer, transportFetch } from "../../templates/runtime/raw.js";
import { createTransport } from "../../templates/runtime/transport.js";
import {
  CLIENT_SECRET,
  createIncident,
  getJudgement,
  irohClient,
  json,
  op,
  useServer,
} from "./harness.js";

const srv = useServer();
/** Another origin: counts what reaches it. */
let other: Server;
let otherUrl = "";
const reached: string[] = [];
beforeAll(async () => {
  other = createServer((req, res) => {
    reached.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
    res.end("{}");
  });
  await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
  otherUrl = `http://localhost:${(other.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => other.close(() => r())));

describe("redirects", () => {
  it("follows a same-origin 307 with method, body and token", async () => {
    srv.route("GET /ctia/judgement/a", (_h, res) => {
      res.writeHead(307, { location: "/ctia/judgement/b" });
      res.end();
    });
    srv.route("GET /ctia/judgement/b", (h, res) =>
      json(res, 200, { id: "b", auth: h.headers.authorization }),
    );
    expect(await irohClient(srv).call(getJudgement, { id: "a" })).toEqual({
      id: "b",
      auth: "Bearer tok-1",
    });
  });

  it("turns a 303 after a POST into a GET without body", async () => {
    srv.route("POST /ctia/incident", (_h, res) => {
      res.writeHead(303, { location: "/ctia/incident/i1" });
      res.end();
    });
    srv.route("GET /ctia/incident/i1", (h, res) => json(res, 200, { id: "i1", body: h.body }));
    expect(await irohClient(srv).call(createIncident, { title: "t" })).toEqual({
      id: "i1",
      body: "",
    });
  });

  it("refuses a redirect to another origin: nothing reaches it, ApiError names the origin", async () => {
    reached.length = 0;
    srv.route("POST /ctia/incident", (_h, res) => {
      res.writeHead(307, { location: otherUrl + "/steal" });
      res.end();
    });
    const err = (await irohClient(srv)
      .call(createIncident, { title: "t" })
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(307);
    expect(err.message).toContain(`redirected (HTTP 307) to ${otherUrl}`);
    expect(reached).toEqual([]);
  });

  it("an API key header never follows a redirect to another origin", async () => {
    reached.length = 0;
    srv.route("GET /ping", (_h, res) => {
      res.writeHead(302, { location: otherUrl + "/ping" });
      res.end();
    });
    const t = createTransport(
      {
        name: "x",
        servers: { us: srv.url, eu: srv.url, apjc: srv.url },
        auth: [{ type: "apiKey", in: "header", name: "X-Key" }],
      },
      { apiKey: "k-123456789" },
    );
    await expect(t.call(op({ path: "/ping" }), {})).rejects.toBeInstanceOf(ApiError);
    expect(reached).toEqual([]);
  });

  it("stops after 5 same-origin hops", async () => {
    srv.route("GET /ctia/judgement/loop", (_h, res) => {
      res.writeHead(302, { location: "/ctia/judgement/loop" });
      res.end();
    });
    await expect(irohClient(srv).call(getJudgement, { id: "loop" })).rejects.toMatchObject({
      status: 302,
    });
    expect(srv.count("GET /ctia/judgement/loop")).toBe(6);
  });

  it("the raw client gets a cross-origin redirect as its answer, unfollowed", async () => {
    reached.length = 0;
    srv.route("GET /ctia/judgement/x", (_h, res) => {
      res.writeHead(302, { location: otherUrl + "/x" });
      res.end();
    });
    const t = irohClient(srv);
    const raw = createClient<Record<string, never>>({
      baseUrl: t.baseUrl,
      fetch: transportFetch(t),
      pathSerializer: rawPathSerializer,
    });
    const { response } = await (
      raw as unknown as { GET: (p: string) => Promise<{ response: Response }> }
    ).GET("/ctia/judgement/x");
    expect(response.status).toBe(302);
    expect(reached).toEqual([]);
  });

  it("the token request is not redirected to another origin", async () => {
    reached.length = 0;
    srv.route("POST /iroh/oauth2/token", (_h, res) => {
      res.writeHead(307, { location: otherUrl + "/token" });
      res.end();
    });
    const err = (await irohClient(srv)
      .call(getJudgement, { id: "a" })
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toContain(otherUrl);
    expect(err.message).not.toContain(CLIENT_SECRET);
    expect(reached).toEqual([]);
  });
});
