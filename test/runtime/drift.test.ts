// A server that names another version of its API than the SDK was generated from is reported
// once per client and version: to `onDrift`, else as one logger warning; never per call.
import { describe, expect, it } from "vitest";
import { createTransport } from "../../templates/runtime/transport.js";
import type { ApiDescriptor, Drift, XdrOptions } from "../../templates/runtime/types.js";
import { json, op, useServer } from "./harness.js";

const srv = useServer();
const ping = op({ path: "/ping", name: "ping" });

function client(options: XdrOptions) {
  const api: ApiDescriptor = {
    name: "iroh",
    servers: { us: srv.url, eu: srv.url, apjc: srv.url },
    version: { header: "X-Iroh-Api-Version", value: "1.0.107" },
  };
  return createTransport(api, { accessToken: "t", ...options });
}

function serve(versions: string[]) {
  srv.route("GET /ping", (_h, res, n) =>
    json(res, 200, {}, { "x-iroh-api-version": versions[(n - 1) % versions.length]! }),
  );
}

describe("version drift", () => {
  it("calls onDrift once per version, not per call", async () => {
    serve(["1.0.108", "1.0.108", "1.0.107", "1.0.109", "1.0.108"]);
    const seen: Drift[] = [];
    const t = client({ onDrift: (d) => seen.push(d) });
    for (let i = 0; i < 5; i++) await t.call(ping, {});
    expect(seen).toEqual([
      { api: "iroh", header: "X-Iroh-Api-Version", expected: "1.0.107", received: "1.0.108" },
      { api: "iroh", header: "X-Iroh-Api-Version", expected: "1.0.107", received: "1.0.109" },
    ]);
  });

  it("says nothing while the versions match or the header is absent", async () => {
    serve(["1.0.107"]);
    const seen: Drift[] = [];
    const t = client({ onDrift: (d) => seen.push(d) });
    await t.call(ping, {});
    srv.route("GET /ping", (_h, res) => json(res, 200, {}));
    await t.call(ping, {});
    expect(seen).toEqual([]);
  });

  it("without onDrift, logs one warning", async () => {
    serve(["2.0.0"]);
    const lines: [string, unknown][] = [];
    const logger = {
      debug: () => undefined,
      warn: (m: string, f?: unknown) => void lines.push([m, f]),
    };
    const t = client({ logger });
    await t.call(ping, {});
    await t.call(ping, {});
    expect(lines).toEqual([
      [
        "xdr api version differs from the SDK's",
        { api: "iroh", header: "X-Iroh-Api-Version", expected: "1.0.107", received: "2.0.0" },
      ],
    ]);
  });
});
