// Global Intel in xdr-sdk/testing: the same CTIA store as `xdr.ctia`, served under a prefix of its
// own (`/global-intel`), so that a fault aimed at one API leaves the other alone and the request
// log tells them apart (audit 11, probe 13: both shared "/ctia/", and the log said "ctia").
import { describe, expect, it } from "vitest";
import { createXdr, ServerError } from "../../generated/src/index.js";
import { rejection, useSimulator } from "./simulator.js";

const sim = useSimulator();

/** No retries: each call is one request, so a fault's hits are counted by calls. */
const client = () => createXdr({ ...sim().clientOptions(), retryDelayMs: 1, maxRetries: 0 });
const query = { query: "*", limit: 5 };

/** `api:status` of every request but the token endpoint's, in order. */
const apiLog = () =>
  sim()
    .requests.filter((r) => r.api !== "token")
    .map((r) => `${r.api}:${r.status}`);

describe("Global Intel on the simulator", () => {
  it("has a base URL of its own, in clientOptions() and env()", () => {
    expect(sim().baseUrls.globalIntel).toBe(`${sim().url}/global-intel`);
    expect(sim().baseUrls.ctia).toBe(sim().url);
    expect(sim().clientOptions().baseUrls.globalIntel).toBe(`${sim().url}/global-intel`);
    expect(sim().env().XDR_BASE_URL_GLOBAL_INTEL).toBe(`${sim().url}/global-intel`);
  });

  it("serves the CTIA store's data", async () => {
    const [seeded] = sim().seed.judgements([{ disposition: 2 }]);
    const page = await client().globalIntel.judgements.search(query);
    expect(page.items.map((j) => j.id)).toEqual([seeded!.id]);
  });

  it('logs its requests as "globalIntel", with the prefixed path', async () => {
    await client().globalIntel.judgements.search(query);
    await client().ctia.judgements.search(query);
    expect(
      sim()
        .requests.filter((r) => r.api !== "token")
        .map((r) => [r.api, r.path]),
    ).toEqual([
      ["globalIntel", "/global-intel/ctia/judgement/search"],
      ["ctia", "/ctia/judgement/search"],
    ]);
  });

  it("a fault aimed at globalIntel leaves CTIA calls alone", async () => {
    sim().faults.serverError({ api: "globalIntel", status: 503, times: Infinity });
    const xdr = client();
    await xdr.ctia.judgements.search(query);
    expect(await rejection(xdr.globalIntel.judgements.search(query))).toBeInstanceOf(ServerError);
    await xdr.ctia.judgements.search(query);
    expect(apiLog()).toEqual(["ctia:200", "globalIntel:503", "ctia:200"]);
  });

  it("a fault aimed at ctia leaves Global Intel calls alone", async () => {
    sim().faults.serverError({ api: "ctia", status: 500, times: Infinity });
    const xdr = client();
    await xdr.globalIntel.judgements.search(query);
    expect(await rejection(xdr.ctia.judgements.search(query))).toBeInstanceOf(ServerError);
    await xdr.globalIntel.judgements.search(query);
    expect(apiLog()).toEqual(["globalIntel:200", "ctia:500", "globalIntel:200"]);
  });

  it("a fault on the path /ctia/ is CTIA's only", async () => {
    sim().faults.serverError({ path: "/ctia/judgement", status: 500, times: Infinity });
    const xdr = client();
    await xdr.globalIntel.judgements.search(query);
    expect(await rejection(xdr.ctia.judgements.search(query))).toBeInstanceOf(ServerError);
    expect(apiLog()).toEqual(["globalIntel:200", "ctia:500"]);
  });

  it("serves only CTIA under its prefix", async () => {
    const res = await fetch(`${sim().url}/global-intel/iroh/iroh-inspect/inspect`, {
      method: "POST",
    });
    expect(res.status).toBe(404);
    expect(sim().requests.map((r) => r.api)).toEqual(["globalIntel"]);
  });
});
