// The openapi-fetch client under each API (`xdr.<api>.raw`): same token, retries and logging,
// `{ data, error, response }` instead of exceptions.
import { describe, expect, it } from "vitest";
import { SIM_WORKFLOW_IDS } from "../simulator/server.js";
import { useSimulator } from "./harness.js";

const t = useSimulator();

describe("raw client", () => {
  it("POSTs with the bearer token and returns data", async () => {
    const { data, error, response } = await t.xdr().iroh.raw.POST("/iroh/iroh-inspect/inspect", {
      body: { content: "cisco.com" },
    });
    expect(error).toBeUndefined();
    expect(data).toEqual([{ type: "domain", value: "cisco.com" }]);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(t.sim.stats.tokenRequests).toBe(1);
  });

  it("shares the token cache with the named methods", async () => {
    const xdr = t.xdr();
    await xdr.iroh.inspect({ content: "cisco.com" });
    await xdr.automation.raw.GET("/v1/workflows/{workflow_id}", {
      params: { path: { workflow_id: SIM_WORKFLOW_IDS.hello } },
    });
    await xdr.ctia.raw.GET("/ctia/judgement/search", { params: { query: { query: "*" } } });
    expect(t.sim.stats.tokenRequests).toBe(1);
  });

  it("returns an error status as { error, response } instead of throwing", async () => {
    const { data, error, response } = await t.xdr().ctia.raw.GET("/ctia/judgement/{id}", {
      params: { path: { id: "judgement-missing" } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error).toEqual({ error: "judgement not found" });
  });

  it("retries a GET after a 503, and refreshes the token after a 401", async () => {
    const xdr = t.xdr();
    t.sim.faults.serverError = { count: 1, status: 503, path: "/api/v1/workflows" };
    const list = await xdr.automation.raw.GET("/v1/workflows");
    expect(list.response.status).toBe(200);
    expect(t.hits("/api/v1/workflows")).toBe(2);

    t.sim.faults.unauthorized = { count: 1 };
    const again = await xdr.iroh.raw.POST("/iroh/iroh-inspect/inspect", {
      body: { content: "8.8.8.8" },
    });
    expect(again.data).toEqual([{ type: "ip", value: "8.8.8.8" }]);
    expect(t.sim.stats.tokenRequests).toBe(2);
  });

  it("does not repeat a POST after a 503", async () => {
    t.sim.faults.serverError = { count: 1, status: 503, path: "/iroh/iroh-inspect" };
    const { response } = await t.xdr().iroh.raw.POST("/iroh/iroh-inspect/inspect", {
      body: { content: "cisco.com" },
    });
    expect(response.status).toBe(503);
    expect(t.hits("/iroh/iroh-inspect")).toBe(1);
  });
});
