// Global Intel, end to end: `createXdr().globalIntel` is CTIA's read-only part on the public
// intel hosts, with the scope global-intel:read. The simulator's CTIA stands in for the public
// instance (same routes), so reads work against it; writes do not exist on the client at all.
import { describe, expect, it } from "vitest";
import { MissingScopeError, type XdrOptions } from "../../generated/src/index.js";
import { baseUrls, useSimulator } from "./harness.js";

const t = useSimulator();

function globalIntel(options: Partial<XdrOptions> = {}) {
  t.sim.clients.set("gi-client", {
    secret: "gi-secret-7Hq",
    scopes: ["global-intel:read", "private-intel:read"],
  });
  return t.xdr({
    clientId: "gi-client",
    clientSecret: "gi-secret-7Hq",
    baseUrls: { ...baseUrls(t.sim), globalIntel: t.sim.url },
    ...options,
  }).globalIntel;
}

describe("xdr.globalIntel", () => {
  it("searches judgements page by page and reads a verdict", async () => {
    const [first] = t.sim.seed("judgement", 30);
    const observable = first!.observable as { type: string; value: string };
    const gi = globalIntel();
    let n = 0;
    for await (const j of gi.judgements.search({ query: "*", limit: 10 })) {
      expect(j.type).toBe("judgement");
      n++;
    }
    expect(n).toBe(30);
    // 3 full pages; the simulator's X-Next on the third points at an empty fourth.
    expect(t.hits("/ctia/judgement/search", "GET")).toBeGreaterThanOrEqual(3);
    const verdict = await gi.observables.verdict({
      observable_type: observable.type as "ip",
      observable_value: observable.value,
    });
    expect(verdict?.observable).toEqual(observable);
  });

  it("has no write methods", () => {
    const gi = globalIntel();
    expect(typeof gi.judgements.search).toBe("function");
    for (const write of ["create", "update", "replace", "delete", "deleteSearch"]) {
      expect(write in gi.judgements, write).toBe(false);
    }
    expect("importBundle" in gi).toBe(false);
  });

  it("talks to intel.<region>.amp.cisco.com", async () => {
    const urls: string[] = [];
    const gi = t.xdr({
      accessToken: "token-for-a-host-check",
      region: "eu",
      baseUrls: undefined,
      fetch: async (input) => {
        urls.push(String(input instanceof Request ? input.url : input));
        return new Response("[]", { headers: { "content-type": "application/json" } });
      },
    }).globalIntel;
    await gi.judgements.search({ query: "*" });
    expect(new URL(urls[0]!).host).toBe("intel.eu.amp.cisco.com");
  });

  it("a token without global-intel:read is refused before sending", async () => {
    // The harness's client has private-intel but not global-intel:read.
    const gi = t.xdr({ baseUrls: { ...baseUrls(t.sim), globalIntel: t.sim.url } }).globalIntel;
    const error = await t.caught(gi.judgements.search({ query: "*" }));
    expect(error).toBeInstanceOf(MissingScopeError);
    expect(error.message).toContain("global-intel:read");
    expect(t.hits("/ctia/judgement/search")).toBe(0);
  });
});
