// xdr-sdk/testing's `faults.clientError`: a 4xx on demand, so users can test how their code
// handles a refused request (BadRequestError, ConflictError, UnprocessableEntityError…), with the
// body each API would send, or their own; never retried by the SDK, and only `times` times.
import { describe, expect, it } from "vitest";
import {
  ApiError,
  BadRequestError,
  ConflictError,
  createXdr,
  NotFoundError,
  UnprocessableEntityError,
} from "../../generated/src/index.js";
import { rejection, useSimulator } from "./simulator.js";

const sim = useSimulator();

/** The SDK's default retries, with a tiny backoff: a 4xx must still be sent only once. */
const client = () => createXdr({ ...sim().clientOptions(), retryDelayMs: 1, maxRetryDelayMs: 4 });
const search = () => client().ctia.judgements.search({ query: "*", limit: 5 });

/** Statuses of the answers to the judgement search, in order. */
const searchStatuses = () =>
  sim()
    .requests.filter((r) => r.path === "/ctia/judgement/search")
    .map((r) => r.status);

describe("faults.clientError", () => {
  it("409: ConflictError, sent once (not retried)", async () => {
    sim().faults.clientError({ status: 409 });
    const e = await rejection(search());
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).status).toBe(409);
    expect(searchStatuses()).toEqual([409]);
  });

  it("422: UnprocessableEntityError, sent once", async () => {
    sim().faults.clientError({ status: 422 });
    expect(await rejection(search())).toBeInstanceOf(UnprocessableEntityError);
    expect(searchStatuses()).toEqual([422]);
  });

  it("400 by default: BadRequestError, sent once", async () => {
    sim().faults.clientError();
    expect(await rejection(search())).toBeInstanceOf(BadRequestError);
    expect(searchStatuses()).toEqual([400]);
  });

  it("any other 4xx: an ApiError with its status", async () => {
    sim().faults.clientError({ status: 418 });
    const e = await rejection(search());
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(418);
  });

  it("honours times: two calls refused, the third answered", async () => {
    sim().faults.clientError({ status: 409, times: 2 });
    expect(await rejection(search())).toBeInstanceOf(ConflictError);
    expect(await rejection(search())).toBeInstanceOf(ConflictError);
    await search();
    expect(searchStatuses()).toEqual([409, 409, 200]);
  });

  it("answers CTIA's error shape by default", async () => {
    sim().faults.clientError({ status: 409 });
    const e = (await rejection(search())) as ConflictError;
    expect(e.body).toEqual({ error: "simulated 409 Conflict" });
    expect(e.message).toContain("HTTP 409");
  });

  it("answers each API's own error shape", async () => {
    sim().faults.clientError({ status: 422, times: Infinity });
    const xdr = client();
    const bodies = await Promise.all(
      [
        xdr.conure.incidents.search({ limit: 1 }),
        xdr.automation.workflows.list(),
        xdr.iroh.inspect({ content: "cisco.com" }),
        xdr.globalIntel.judgements.search({ query: "*" }),
      ].map(async (p) => ((await rejection(p)) as ApiError).body),
    );
    const text = "simulated 422 Unprocessable Entity";
    expect(bodies).toEqual([
      { message: text },
      { code: 422, message: text, description: text },
      { error: "unprocessable_entity", error_description: text },
      { error: text },
    ]);
  });

  it("answers the body given, as it was when switched on", async () => {
    const body = { error: "Conflict", message: "judgement exists", ids: ["j-1"] };
    sim().faults.clientError({ status: 409, body });
    body.ids.push("j-2");
    const e = (await rejection(search())) as ConflictError;
    expect(e.body).toEqual({ error: "Conflict", message: "judgement exists", ids: ["j-1"] });
    expect(e.code).toBe("Conflict");
  });

  it("hits only the api it aims at", async () => {
    sim().faults.clientError({ status: 404, api: "conure", times: Infinity });
    await search();
    expect(await rejection(client().conure.incidents.search({ limit: 1 }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(searchStatuses()).toEqual([200]);
  });

  it("refuses a status outside 400–499 and a body JSON cannot carry", () => {
    for (const status of [399, 500, 200, 409.5, Number.NaN]) {
      expect(() => sim().faults.clientError({ status })).toThrow(RangeError);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const body of [cyclic, 1n, () => 1]) {
      expect(() => sim().faults.clientError({ body })).toThrow(TypeError);
    }
    expect(() => sim().faults.clientError({ api: "ctai" as never })).toThrow(RangeError);
  });

  it("leaves serverError to the 5xx", () => {
    expect(() => sim().faults.serverError({ status: 409 })).toThrow(RangeError);
  });
});
