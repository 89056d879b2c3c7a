// Issue #8, item 9: error bodies are read only up to ERROR_BODY_BYTES and the rest is cancelled
// (a 200 MB error page never reaches memory, on any attempt); maxResponseBytes caps success
// bodies with ResponseTooLargeError, by Content-Length and while streaming.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  ERROR_BODY_BYTES,
  ResponseTooLargeError,
  ServerError,
  XdrError,
} from "../../templates/runtime/errors.js";
import { transportFetch } from "../../templates/runtime/raw.js";
import type { Operation, XdrOptions } from "../../templates/runtime/types.js";
import {
  caught,
  inspectOp as inspect,
  irohClient,
  json,
  streamBody,
  type Streamed,
  TOKEN,
  useServer,
} from "./servers.js";

const srv = useServer();
const INSPECT = "POST /iroh/iroh-inspect/inspect";
const MB = 1024 * 1024;
const HUGE = 200 * MB;

const client = (extra: XdrOptions = {}) => irohClient(srv, { retryDelayMs: 1, ...extra });

/** A route whose every answer is `status` with a `total`-byte body generated on the fly. */
function huge(
  route: string,
  status: number,
  total: number,
  opts: { contentLength?: boolean; type?: string } = {},
): Streamed[] {
  const streams: Streamed[] = [];
  srv.route(route, (_h, res: ServerResponse) => {
    res.writeHead(status, {
      "content-type": opts.type ?? "text/plain",
      ...(opts.contentLength === false ? {} : { "content-length": String(total) }),
    });
    streams.push(streamBody(res, total));
  });
  return streams;
}

/** Peak RSS growth while `fn` runs, sampled every few ms. */
async function peakGrowth<T>(fn: () => Promise<T>): Promise<{ growth: number; result: T }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sample = () => void (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, 2);
  try {
    const result = await fn();
    sample();
    return { growth: peak - base, result };
  } finally {
    clearInterval(timer);
  }
}

describe("bounded error bodies", () => {
  it("exports ERROR_BODY_BYTES = 64 KiB", () => {
    expect(ERROR_BODY_BYTES).toBe(65_536);
  });

  it("a 200 MB 500 body on every attempt: bounded excerpt, connections closed early, peak memory within tens of MB", async () => {
    // A normal call first, so that the baseline includes the warm client and server.
    srv.route(INSPECT, (_h, res) => json(res, 200, []));
    await client().call(inspect, { content: "warm-up" });
    const streams = huge(INSPECT, 500, HUGE);
    const { growth, result: err } = await peakGrowth(() =>
      caught(client({ maxRetries: 2 }).call(inspect, { content: "x" })),
    );
    expect(err).toBeInstanceOf(ServerError);
    expect(srv.count(INSPECT)).toBe(1 + 3);
    const body = (err as unknown as ApiError).body;
    expect(typeof body).toBe("string");
    expect((body as string).length).toBeLessThanOrEqual(ERROR_BODY_BYTES + 1);
    expect(body as string).toMatch(/…$/);
    expect(err.message.length).toBeLessThan(2_000);
    await Promise.all(streams.map((s) => s.done));
    expect(streams).toHaveLength(3);
    for (const s of streams) {
      expect(s.closedEarly).toBe(true);
      expect(s.written).toBeLessThan(64 * MB);
    }
    expect(growth).toBeLessThan(64 * MB);
  });

  it("the same without Content-Length (chunked)", async () => {
    const streams = huge(INSPECT, 503, HUGE, { contentLength: false });
    const err = await caught(client({ maxRetries: 0 }).call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(ServerError);
    await streams[0]!.done;
    expect(streams[0]!.closedEarly).toBe(true);
    expect(streams[0]!.written).toBeLessThan(64 * MB);
  });

  it("a 4xx with a huge JSON-looking body keeps a text excerpt ending in …", async () => {
    srv.route(INSPECT, (_h, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      streamBody(res, 5 * MB, "a");
    });
    const err = await caught(client().call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(ApiError);
    const body = (err as unknown as ApiError).body as string;
    expect(body.length).toBeLessThanOrEqual(ERROR_BODY_BYTES + 1);
    expect(body.endsWith("…")).toBe(true);
  });

  it("an error body of exactly ERROR_BODY_BYTES is kept whole and parsed", async () => {
    const head = '{"error":"big","pad":"';
    const tail = '"}';
    const text = head + "p".repeat(ERROR_BODY_BYTES - head.length - tail.length) + tail;
    expect(Buffer.byteLength(text)).toBe(ERROR_BODY_BYTES);
    srv.route(INSPECT, (_h, res) => {
      res.writeHead(422, { "content-type": "application/json" });
      res.end(text);
    });
    const err = await caught(client().call(inspect, { content: "x" }));
    expect((err as unknown as ApiError).body).toEqual(JSON.parse(text));
    expect((err as unknown as ApiError).code).toBe("big");
  });

  it("one byte more and the excerpt is cut (marked with …)", async () => {
    const text = "q".repeat(ERROR_BODY_BYTES + 1);
    srv.route(INSPECT, (_h, res) => {
      res.writeHead(422, { "content-type": "text/plain" });
      res.end(text);
    });
    const err = await caught(client().call(inspect, { content: "x" }));
    expect((err as unknown as ApiError).body).toBe("q".repeat(ERROR_BODY_BYTES) + "…");
  });

  it("a huge token-endpoint error body is bounded too", async () => {
    const streams = huge(TOKEN, 500, 50 * MB);
    const err = await caught(client({ maxRetries: 0 }).call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(ServerError);
    await streams[0]!.done;
    expect(streams[0]!.closedEarly).toBe(true);
    expect(streams[0]!.written).toBeLessThan(32 * MB);
  });

  it("a huge token-endpoint 200 body is refused without being read whole", async () => {
    const streams = huge(TOKEN, 200, 50 * MB, { type: "application/json" });
    const err = await caught(client({ maxRetries: 0 }).call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(AuthenticationError);
    await streams[0]!.done;
    expect(streams[0]!.closedEarly).toBe(true);
    expect(streams[0]!.written).toBeLessThan(32 * MB);
  });

  it("the raw client discards a huge retried 500 body before the next attempt", async () => {
    const streams = huge("GET /ctia/judgement/j1", 500, 50 * MB);
    const res = await transportFetch(client({ maxRetries: 1 }))(srv.url + "/ctia/judgement/j1");
    expect(res.status).toBe(500);
    await res.body?.cancel();
    await Promise.all(streams.map((s) => s.done));
    expect(streams).toHaveLength(2);
    expect(streams[0]!.closedEarly).toBe(true);
    expect(streams[0]!.written).toBeLessThan(32 * MB);
  });
});

describe("maxResponseBytes for success bodies", () => {
  const binaryOp: Operation = {
    name: "files.download",
    method: "GET",
    path: "/files/f1",
    args: "none",
    response: "binary",
    safe: true,
  };
  const textOp: Operation = {
    ...binaryOp,
    name: "files.text",
    path: "/files/t1",
    response: "text",
  };

  it("refuses by Content-Length before reading: ResponseTooLargeError, not retried, connection closed", async () => {
    const streams = huge(INSPECT, 200, 20 * MB, { type: "application/json" });
    const err = await caught(
      client({ maxResponseBytes: MB, maxRetries: 3 }).call(inspect, { content: "x" }),
    );
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(err).toBeInstanceOf(XdrError);
    expect(err).not.toBeInstanceOf(ApiError);
    expect(err.message).toContain("maxResponseBytes");
    expect(srv.count(INSPECT)).toBe(1);
    await streams[0]!.done;
    expect(streams[0]!.closedEarly).toBe(true);
  });

  it("refuses while streaming when there is no Content-Length", async () => {
    const streams = huge(INSPECT, 200, 20 * MB, { type: "application/json", contentLength: false });
    const err = await caught(client({ maxResponseBytes: MB }).call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect(srv.count(INSPECT)).toBe(1);
    await streams[0]!.done;
    expect(streams[0]!.closedEarly).toBe(true);
    expect(streams[0]!.written).toBeLessThan(16 * MB);
  });

  it("accepts a body of exactly maxResponseBytes", async () => {
    const body = JSON.stringify([{ type: "ip", value: "x".repeat(1000) }]);
    srv.route(INSPECT, (_h, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
    await expect(
      client({ maxResponseBytes: Buffer.byteLength(body) }).call(inspect, { content: "x" }),
    ).resolves.toHaveLength(1);
  });

  it("refuses a body one byte over maxResponseBytes", async () => {
    const body = JSON.stringify([{ type: "ip", value: "x".repeat(1000) }]);
    srv.route(INSPECT, (_h, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
    await expect(
      client({ maxResponseBytes: Buffer.byteLength(body) - 1 }).call(inspect, { content: "x" }),
    ).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it("caps binary downloads while streaming", async () => {
    const streams = huge("GET /files/f1", 200, 20 * MB, {
      type: "application/octet-stream",
      contentLength: false,
    });
    const err = await caught(client({ maxResponseBytes: MB }).call(binaryOp, undefined as never));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    await streams[0]!.done;
    expect(streams[0]!.closedEarly).toBe(true);
  });

  it("caps text responses", async () => {
    huge("GET /files/t1", 200, 5 * MB, { contentLength: false });
    const err = await caught(client({ maxResponseBytes: MB }).call(textOp, undefined as never));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
  });

  it("a 200 MB success body under maxResponseBytes 1 MB keeps peak memory within tens of MB", async () => {
    const streams = huge(INSPECT, 200, HUGE, { type: "application/json", contentLength: false });
    const { growth, result: err } = await peakGrowth(() =>
      caught(client({ maxResponseBytes: MB }).call(inspect, { content: "x" })),
    );
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    await streams[0]!.done;
    expect(streams[0]!.closedEarly).toBe(true);
    expect(growth).toBeLessThan(64 * MB);
  });
});
