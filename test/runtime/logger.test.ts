// Logging is a side channel: a logger or an onDrift callback that throws never fails a call,
// least of all one the server carried out (a caller would repeat it: a second judgement).
import { describe, expect, it } from "vitest";
import { createBudget } from "../../templates/runtime/budget.js";
import { guardLogger } from "../../templates/runtime/logger.js";
import type { ApiDescriptor, Logger } from "../../templates/runtime/types.js";
import { createTransport } from "../../templates/runtime/transport.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  createIncident,
  irohApi,
  irohClient,
  json,
  useServer,
} from "./harness.js";

const srv = useServer();

const throwing: Logger = {
  debug() {
    throw new Error("logger broke");
  },
  warn() {
    throw new Error("logger broke");
  },
};

describe("a logger that throws", () => {
  it("does not fail a call the server carried out, nor repeat it", async () => {
    srv.route("POST /ctia/incident", (_h, res) => json(res, 201, { id: "i1" }));
    const t = irohClient(srv, { logger: throwing });
    await expect(t.call(createIncident, { title: "x" } as never)).resolves.toEqual({ id: "i1" });
    expect(srv.hits.filter((h) => h.path === "/ctia/incident")).toHaveLength(1);
  });

  it("does not fail a call through a budget whose logger throws", async () => {
    srv.route("POST /ctia/incident", (_h, res) => json(res, 201, { id: "i1" }));
    const budget = createBudget({ share: 100, logger: throwing });
    const t = irohClient(srv, { budget });
    await expect(t.call(createIncident, { title: "x" } as never)).resolves.toEqual({ id: "i1" });
  });

  it("nor does an onDrift callback that throws", async () => {
    srv.route("POST /ctia/incident", (_h, res) =>
      json(res, 201, { id: "i1" }, { "x-iroh-api-version": "9.9.9" }),
    );
    const api: ApiDescriptor = {
      ...irohApi(),
      version: { header: "x-iroh-api-version", value: "1.0.0" },
    };
    const t = createTransport(api, {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      baseUrls: { iroh: srv.url },
      onDrift: () => {
        throw new Error("callback broke");
      },
    });
    await expect(t.call(createIncident, { title: "x" } as never)).resolves.toEqual({ id: "i1" });
  });
});

describe("guardLogger", () => {
  it("keeps what the logger has, calls it with its own this, and swallows its errors", () => {
    const lines: string[] = [];
    const logger = {
      prefix: "p",
      debug(this: { prefix: string }, m: string) {
        lines.push(this.prefix + m);
        throw new Error("x");
      },
    };
    const g = guardLogger(logger)!;
    expect(g.warn).toBeUndefined();
    expect(() => g.debug("a")).not.toThrow();
    expect(lines).toEqual(["pa"]);
    expect(guardLogger(undefined)).toBeUndefined();
  });
});
