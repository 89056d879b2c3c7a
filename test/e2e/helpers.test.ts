// IROH end to end: inspect → enrich → response, and the helpers verdicts(), targets(),
// investigateUrl().
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../generated/src/index.js";
import { EICAR, KNOWN_DISPOSITIONS, MODULE_ERROR_VALUE, SIM_MODULES } from "../simulator/server.js";
import { useSimulator } from "./harness.js";

const t = useSimulator();

const TEXT = `Mail from internetbadguys.com (203.0.113.66) dropped ${EICAR.sha256}; cisco.com and 8.8.8.8 are fine; 192.0.2.10 is new.`;

describe("inspect → deliberate → respond → trigger", () => {
  it("runs the IROH flow with the named methods", async () => {
    const xdr = t.xdr();
    const observables = await xdr.iroh.inspect({ content: TEXT });
    expect(observables).toEqual([
      { type: "domain", value: "internetbadguys.com" },
      { type: "ip", value: "203.0.113.66" },
      { type: "sha256", value: EICAR.sha256 },
      { type: "domain", value: "cisco.com" },
      { type: "ip", value: "8.8.8.8" },
      { type: "ip", value: "192.0.2.10" },
    ]);
    const envelope = await xdr.iroh.enrich.deliberate(observables);
    expect(envelope.data?.map((m) => m.module)).toEqual([
      SIM_MODULES.intel.module,
      SIM_MODULES.endpoint.module,
    ]);

    const bad = observables.filter((o) => KNOWN_DISPOSITIONS.get(`${o.type}:${o.value}`) === 2);
    const actions = await xdr.iroh.response.respond(bad);
    const action = actions.data?.find((a) => a.id === "sim-block-destination");
    expect(action).toMatchObject({ module: SIM_MODULES.endpoint.module });
    const triggered = await xdr.iroh.response.trigger({
      module_instance_id: action!.module_instance_id!,
      action_id: action!.id!,
      observable_type: "ip",
      observable_value: "203.0.113.66",
    });
    expect(triggered).toEqual({ data: { status: "success" } });
    expect(t.sim.stats.actions).toEqual([
      {
        moduleInstanceId: SIM_MODULES.endpoint.module_instance_id,
        actionId: "sim-block-destination",
        observableType: "ip",
        observableValue: "203.0.113.66",
        clientId: "e2e-client-5Tq8",
      },
    ]);
  });

  it("passes optional query parameters of a body-argument method in options.query", async () => {
    const xdr = t.xdr();
    await xdr.iroh.enrich.deliberate([{ type: "domain", value: "cisco.com" }], {
      query: { mids: [SIM_MODULES.intel.module_instance_id] },
    });
    const hit = t.sim.stats.requests.find((r) => r.path.includes("deliberate"));
    expect(new URLSearchParams(hit?.query).getAll("mids")).toEqual([
      SIM_MODULES.intel.module_instance_id,
    ]);
  });
});

describe("xdr.verdicts(text)", () => {
  it("inspects, deliberates, and flattens every module's verdicts", async () => {
    const result = await t.xdr().verdicts(TEXT);
    expect(result.observables).toHaveLength(6);
    expect(result.errors).toEqual([]);
    const byModule = (m: string) =>
      Object.fromEntries(
        result.verdicts
          .filter((v) => v.module === m)
          .map((v) => [`${v.observable.type}:${v.observable.value}`, v.disposition_name]),
      );
    expect(byModule(SIM_MODULES.intel.module)).toEqual({
      "domain:internetbadguys.com": "Malicious",
      "ip:203.0.113.66": "Malicious",
      [`sha256:${EICAR.sha256}`]: "Malicious",
      "domain:cisco.com": "Clean",
      "ip:8.8.8.8": "Common",
      "ip:192.0.2.10": "Unknown",
    });
    expect(byModule(SIM_MODULES.endpoint.module)).toEqual({
      [`sha256:${EICAR.sha256}`]: "Malicious",
    });
    const v = result.verdicts[0]!;
    expect(v).toMatchObject({
      module_instance_id: SIM_MODULES.intel.module_instance_id,
      disposition: 2,
      expiration: v.valid_time?.end_time,
    });
    expect(t.hits("/iroh/iroh-inspect")).toBe(1);
    expect(t.hits("/iroh/iroh-enrich/deliberate")).toBe(1);
  });

  it("reports a module's failure inside the 200 in errors", async () => {
    const result = await t.xdr().verdicts(`${MODULE_ERROR_VALUE} cisco.com`);
    expect(result.errors).toEqual([
      expect.objectContaining({ module: SIM_MODULES.endpoint.module, code: "server-error" }),
    ]);
    expect(result.verdicts.map((v) => v.module)).toEqual([
      SIM_MODULES.intel.module,
      SIM_MODULES.intel.module,
    ]);
  });

  it("a text without observables: no enrich request", async () => {
    expect(await t.xdr().verdicts("nothing to see here")).toEqual({
      observables: [],
      verdicts: [],
      errors: [],
    });
    expect(t.hits("/iroh/iroh-enrich")).toBe(0);
  });

  it("is retried through faults like any read-only call", async () => {
    t.sim.faults.serverError = { count: 1, status: 503, path: "/iroh/iroh-enrich" };
    const result = await t.xdr().verdicts("internetbadguys.com");
    expect(result.verdicts[0]?.disposition_name).toBe("Malicious");
    expect(t.hits("/iroh/iroh-enrich/deliberate")).toBe(2);
  });
});

describe("xdr.targets(text)", () => {
  it("inspects, observes, and lists each module's distinct sighting targets", async () => {
    const result = await t.xdr().targets(`${EICAR.sha256} ${EICAR.sha256} cisco.com`);
    expect(result.observables).toHaveLength(2);
    expect(result.targets).toHaveLength(1);
    const [m] = result.targets;
    expect(m).toMatchObject({ module: SIM_MODULES.endpoint.module });
    expect(m!.targets).toHaveLength(1);
    expect(m!.targets[0]).toMatchObject({
      type: "endpoint",
      os: "Windows 10",
      observables: expect.arrayContaining([expect.objectContaining({ type: "hostname" })]),
    });
    expect(t.hits("/iroh/iroh-enrich/observe/observables")).toBe(1);
  });

  it("no sightings: no targets", async () => {
    const result = await t.xdr().targets("cisco.com");
    expect(result.targets).toEqual([]);
  });
});

describe("xdr.investigateUrl()", () => {
  it("links a text or observables to the console of the client's region", () => {
    expect(t.xdr().investigateUrl("internetbadguys.com 1.2.3.4")).toBe(
      "https://visibility.amp.cisco.com/investigate?q=internetbadguys.com%201.2.3.4",
    );
    const eu = t.xdr({ region: "eu" });
    expect(
      eu.investigateUrl([
        { type: "domain", value: "internetbadguys.com" },
        { type: "ip", value: "203.0.113.66" },
      ]),
    ).toBe("https://visibility.eu.amp.cisco.com/investigate?q=internetbadguys.com%0A203.0.113.66");
    expect(t.xdr({ region: "apjc" }).investigateUrl("a&b=c")).toBe(
      "https://visibility.apjc.amp.cisco.com/investigate?q=a%26b%3Dc",
    );
    expect(t.sim.stats.requests).toEqual([]);
  });

  it("an unknown region is a ConfigurationError when the client is made", () => {
    expect(() => t.xdr({ region: "mars" as "us" })).toThrow(ConfigurationError);
  });
});
