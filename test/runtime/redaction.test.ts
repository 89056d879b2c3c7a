// No secret and no token in logs, error messages, stacks, bodies or printed errors.
import { inspect as show } from "node:util";
import { describe, expect, it } from "vitest";
import { clearTokenCache } from "../../templates/runtime/token.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type { Logger, XdrOptions } from "../../templates/runtime/types.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  createIncident,
  getJudgement,
  inspect,
  irohApi,
  irohClient,
  json,
  useServer,
} from "./harness.js";

const srv = useServer();

interface Entry {
  message: string;
  fields?: Record<string, unknown>;
}

function recorder(): Logger & { entries: Entry[] } {
  const entries: Entry[] = [];
  return {
    entries,
    debug: (message, fields) => void entries.push({ message, fields }),
    warn: (message, fields) => void entries.push({ message, fields }),
  };
}

const client = (logger: Logger, extra: XdrOptions = {}) => irohClient(srv, { logger, ...extra });

const FORBIDDEN = [
  CLIENT_SECRET,
  Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64"),
  "tok-",
  "ready-made-token",
];

describe("redaction", () => {
  it("keeps secrets and tokens out of logs and errors across every path", async () => {
    const log = recorder();
    const t = client(log);
    const errors: unknown[] = [];
    const keep = (e: unknown) => void errors.push(e);

    // Success, with a 401 → refresh on the way, and a 500 → retry.
    srv.route("POST /iroh/iroh-inspect/inspect", (h, res, n) =>
      n === 1
        ? json(res, 401, { error: "jwt_expired", token: h.headers.authorization })
        : n === 2
          ? json(res, 500, { error: "oops" })
          : json(res, 200, [{ type: "ip", value: "1.2.3.4" }]),
    );
    await t.call(inspect, { content: "1.2.3.4" });

    // Error bodies that echo the bearer token, in JSON and in a malformed 200.
    srv.route("GET /ctia/judgement/echo", (h, res) =>
      json(res, 403, {
        error: "forbidden",
        error_description: `token ${h.headers.authorization} lacks scopes`,
        token: String(h.headers.authorization).slice(7),
      }),
    );
    await t.call(getJudgement, { id: "echo" }).catch(keep);
    srv.route("GET /ctia/judgement/html", (h, res) =>
      res.writeHead(200).end(`<p>${h.headers.authorization}</p>`),
    );
    await t.call(getJudgement, { id: "html" }).catch(keep);

    // A second 401 (AuthenticationError), a reset, a timeout.
    srv.route("POST /ctia/incident", (h, res) =>
      json(res, 401, { error: "invalid_request", error_description: h.headers.authorization }),
    );
    await t.call(createIncident, { title: "x" }).catch(keep);
    srv.route("GET /ctia/judgement/reset", (_h, res) => res.socket!.destroy());
    await t.call(getJudgement, { id: "reset" }, { maxRetries: 0 }).catch(keep);
    srv.route("GET /ctia/judgement/slow", () => undefined);
    await t.call(getJudgement, { id: "slow" }, { timeoutMs: 10, maxRetries: 0 }).catch(keep);

    // The token endpoint echoing the credentials it was sent.
    clearTokenCache();
    srv.route("POST /iroh/oauth2/token", (h, res) =>
      json(res, 400, { error: "invalid_client", error_description: `${h.headers.authorization}` }),
    );
    await t.call(inspect, { content: "x" }).catch(keep);

    // A ready-made token echoed back.
    srv.route("GET /ctia/judgement/ready", (h, res) =>
      json(res, 404, { error: "nope", error_description: h.headers.authorization }),
    );
    await createTransport(irohApi(), {
      accessToken: "ready-made-token",
      baseUrls: { iroh: srv.url },
      logger: log,
    })
      .call(getJudgement, { id: "ready" })
      .catch(keep);

    expect(errors.map((e) => (e as Error).name)).toEqual([
      "PermissionDeniedError",
      "ApiError",
      "AuthenticationError",
      "ConnectionError",
      "TimeoutError",
      "AuthenticationError",
      "NotFoundError",
    ]);
    const printed = [
      JSON.stringify(log.entries),
      ...errors.flatMap((e) => {
        const err = e as Error & { body?: unknown };
        return [err.message, err.stack, JSON.stringify(err.body), show(err, { depth: 10 })];
      }),
    ].join("\n");
    for (const secret of FORBIDDEN) expect(printed).not.toContain(secret);
    expect(printed).toContain("[redacted]");
  });

  it("logs method, path, status, duration and attempt for every attempt", async () => {
    const log = recorder();
    srv.route("GET /ctia/judgement/j1", (_h, res, n) =>
      n === 1 ? json(res, 503, {}) : json(res, 200, { id: "j1" }),
    );
    await client(log).call(getJudgement, { id: "j1" });
    const requests = log.entries.filter((e) => e.message === "xdr request").map((e) => e.fields!);
    expect(requests).toEqual([
      expect.objectContaining({
        api: "iroh",
        operation: "judgements.get",
        method: "GET",
        path: "/ctia/judgement/j1",
        status: 503,
        attempt: 1,
        error: "ServerError",
      }),
      expect.objectContaining({ status: 200, attempt: 2, error: undefined }),
    ]);
    for (const r of requests) expect(typeof r.durationMs).toBe("number");
    expect(log.entries.map((e) => e.message)).toEqual([
      "xdr token",
      "xdr request",
      "xdr retry",
      "xdr request",
    ]);
  });
});
