import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../templates/runtime/errors.js";
import { investigateUrl, targets, verdicts } from "../../templates/runtime/helpers.js";
import type { Observable, RequestOptions } from "../../templates/runtime/types.js";

const ip = { type: "ip", value: "8.8.4.4" };
const domain = { type: "domain", value: "internetbadguys.com" };

function deps(envelope: unknown, found: Observable[] = [ip, domain]) {
  const calls: { method: string; arg: unknown; options?: RequestOptions }[] = [];
  const record =
    (method: string, answer: unknown) =>
    async (arg: unknown, options?: RequestOptions): Promise<never> => {
      calls.push({ method, arg, options });
      return answer as never;
    };
  return {
    calls,
    inspect: record("inspect", found),
    deliberate: record("deliberate", envelope),
    observe: record("observe", envelope),
  };
}

const moduleError = {
  module: "Umbrella",
  module_instance_id: "mi-3",
  module_type_id: "mt-3",
  type: "error",
  code: "client-error",
  message: "quota",
};

describe("verdicts", () => {
  const envelope = {
    data: [
      {
        module: "Talos Intelligence",
        module_instance_id: "mi-1",
        module_type_id: "mt-1",
        data: {
          verdicts: {
            count: 1,
            docs: [
              {
                type: "verdict",
                observable: domain,
                disposition: 2,
                disposition_name: "Malicious",
                valid_time: {
                  start_time: "2026-01-01T00:00:00Z",
                  end_time: "2026-02-01T00:00:00Z",
                },
                judgement_id: "transient:judgement-1",
              },
            ],
          },
        },
      },
      {
        module: "Secure Endpoint",
        module_instance_id: "mi-2",
        module_type_id: "mt-2",
        data: {
          verdicts: {
            count: 1,
            docs: [
              { type: "verdict", observable: ip, disposition: 5, disposition_name: "Unknown" },
            ],
          },
        },
      },
      { module: "Empty", module_instance_id: "mi-4", module_type_id: "mt-4", data: {} },
    ],
    errors: [moduleError],
  };

  it("inspects the text, deliberates on what it found, and flattens every module's verdicts", async () => {
    const d = deps(envelope);
    const signal = new AbortController().signal;
    const r = await verdicts(d, "no-reply@internetbadguys.com 8.8.4.4", { signal });
    expect(d.calls.map((c) => [c.method, c.arg])).toEqual([
      ["inspect", { content: "no-reply@internetbadguys.com 8.8.4.4" }],
      ["deliberate", [ip, domain]],
    ]);
    expect(d.calls.every((c) => c.options?.signal === signal)).toBe(true);
    expect(r.observables).toEqual([ip, domain]);
    expect(r.verdicts).toEqual([
      {
        module: "Talos Intelligence",
        module_instance_id: "mi-1",
        module_type_id: "mt-1",
        observable: domain,
        disposition: 2,
        disposition_name: "Malicious",
        valid_time: { start_time: "2026-01-01T00:00:00Z", end_time: "2026-02-01T00:00:00Z" },
        expiration: "2026-02-01T00:00:00Z",
        judgement_id: "transient:judgement-1",
      },
      {
        module: "Secure Endpoint",
        module_instance_id: "mi-2",
        module_type_id: "mt-2",
        observable: ip,
        disposition: 5,
        disposition_name: "Unknown",
        valid_time: undefined,
        expiration: undefined,
        judgement_id: undefined,
      },
    ]);
    expect(r.errors).toEqual([moduleError]);
  });

  it("does not call deliberate when the text holds no observable", async () => {
    const d = deps(envelope, []);
    expect(await verdicts(d, "nothing here")).toEqual({
      observables: [],
      verdicts: [],
      errors: [],
    });
    expect(d.calls.map((c) => c.method)).toEqual(["inspect"]);
  });

  it("copes with an envelope without data", async () => {
    expect((await verdicts(deps({}), "8.8.4.4")).verdicts).toEqual([]);
  });
});

describe("targets", () => {
  const host = {
    type: "endpoint",
    observables: [{ type: "hostname", value: "laptop-7" }],
    observed_time: { start_time: "2026-01-01T00:00:00Z" },
    os: "Windows 11",
  };
  const other = { type: "endpoint", observables: [{ type: "ip", value: "10.0.0.7" }] };
  const envelope = {
    data: [
      {
        module: "Secure Endpoint",
        module_instance_id: "mi-2",
        module_type_id: "mt-2",
        data: {
          sightings: {
            count: 3,
            docs: [{ targets: [host] }, { targets: [host, other] }, { observables: [ip] }],
          },
        },
      },
      {
        module: "Talos",
        module_instance_id: "mi-1",
        module_type_id: "mt-1",
        data: { verdicts: {} },
      },
    ],
    errors: [moduleError],
  };

  it("inspects, observes, and lists each module's distinct sighting targets", async () => {
    const d = deps(envelope);
    const r = await targets(d, "8.8.4.4 internetbadguys.com");
    expect(d.calls.map((c) => c.method)).toEqual(["inspect", "observe"]);
    expect(r.targets).toEqual([
      {
        module: "Secure Endpoint",
        module_instance_id: "mi-2",
        module_type_id: "mt-2",
        targets: [host, other],
      },
    ]);
    expect(r.errors).toEqual([moduleError]);
  });

  it("does not call observe when the text holds no observable", async () => {
    const d = deps(envelope, []);
    expect((await targets(d, "")).targets).toEqual([]);
    expect(d.calls.map((c) => c.method)).toEqual(["inspect"]);
  });
});

describe("investigateUrl", () => {
  it.each<[string | Observable[], "us" | "eu" | "apjc" | undefined, string]>([
    ["1.2.3.4", undefined, "https://visibility.amp.cisco.com/investigate?q=1.2.3.4"],
    [
      "cisco.com 8.8.8.8",
      "eu",
      "https://visibility.eu.amp.cisco.com/investigate?q=cisco.com%208.8.8.8",
    ],
    ["a&b=c#d", "apjc", "https://visibility.apjc.amp.cisco.com/investigate?q=a%26b%3Dc%23d"],
    [
      [ip, domain],
      "us",
      "https://visibility.amp.cisco.com/investigate?q=8.8.4.4%0Ainternetbadguys.com",
    ],
  ])("%j in %s → %s", (input, region, url) => {
    expect(investigateUrl(input, region)).toBe(url);
  });

  it("rejects an unknown region", () => {
    expect(() => investigateUrl("x", "mars" as never)).toThrow(ConfigurationError);
  });
});
