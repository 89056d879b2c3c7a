// Issue #8, item 4: no client secret, Basic credential, token, password or API key in any
// error surface (message, cause, body, headers, util.inspect, JSON.stringify, stack) or logger
// line, in any encoding; short secrets do not mangle messages; server text cannot forge logs.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  ConfigurationError,
  ConnectionError,
  ERROR_BODY_BYTES,
  ServerError,
  UsageError,
  XdrError,
} from "../../templates/runtime/errors.js";
import { createTransport } from "../../templates/runtime/transport.js";
import { startWorkflowAndWait } from "../../templates/runtime/workflow.js";
import type { ApiDescriptor, XdrOptions } from "../../templates/runtime/types.js";
import {
  basicOf,
  caught,
  CLIENT_ID,
  encodings,
  getJudgement,
  inspectOp as inspect,
  irohApi,
  irohClient,
  json,
  leaks,
  recorder,
  type Recorder,
  surfaces,
  TOKEN,
  useServer,
} from "./servers.js";

const srv = useServer();
const INSPECT = "POST /iroh/iroh-inspect/inspect";

/** A secret with every character that changes under some encoding. */
const SECRET = 'Zq9"back\\slash sp/ace+plus=eq-é-0123';
const client = (log?: Recorder, extra: XdrOptions = {}) =>
  irohClient(srv, { clientSecret: SECRET, logger: log, maxRetries: 0, ...extra });
const call = (t = client()) => t.call(inspect, { content: "1.2.3.4" });

/** Every encoding of the secret and of the Basic credential that must not show. */
function secretLeaks(text: string, secret = SECRET, id = CLIENT_ID): string[] {
  const b = basicOf(id, secret);
  return [
    ...leaks(text, secret).map((k) => `secret/${k}`),
    ...leaks(text, b.pair).map((k) => `id:secret/${k}`),
    ...(text.includes(b.b64) ? ["basic-b64"] : []),
    ...(text.includes(b.b64.replace(/=+$/, "")) ? ["basic-b64-nopad"] : []),
    ...(text.includes(Buffer.from(b.pair).toString("base64url")) ? ["basic-b64url"] : []),
  ];
}

/** Answers with `text` in the body (JSON error_description and plain) and a header when it can. */
function echo(res: ServerResponse, status: number, text: string, asJson = true) {
  const headers: Record<string, string> = {};
  if (/^[\t\x20-\x7e\x80-\xff]*$/.test(text)) headers["x-echo"] = text;
  if (asJson) json(res, status, { error: "invalid_client", error_description: text }, headers);
  else {
    res.writeHead(status, { "content-type": "text/plain", ...headers });
    res.end(text);
  }
}

const basic = basicOf(CLIENT_ID, SECRET);
const FORMS: [string, string][] = [
  ...Object.entries(encodings(SECRET)).map(([k, v]) => [`the secret, ${k}`, v] as [string, string]),
  ["the Basic credential, base64", basic.b64],
  ["the Basic credential with 'Basic '", basic.header],
  ["the Basic credential, base64 without padding", basic.b64.replace(/=+$/, "")],
  ["the Basic credential, base64url", Buffer.from(basic.pair).toString("base64url")],
  ["id:secret, raw", basic.pair],
];

describe("client secret and Basic credential echoed by the token endpoint", () => {
  it.each(FORMS)("never shows %s (JSON error body, header, message)", async (_what, form) => {
    const log = recorder();
    srv.route(TOKEN, (_h, res) => echo(res, 401, `bad credentials: ${form} (rejected)`));
    const err = await caught(call(client(log)));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(secretLeaks(surfaces(err, log))).toEqual([]);
    expect(err.message).toContain("bad credentials");
  });

  it.each(FORMS)("never shows %s (plain-text 500 body)", async (_what, form) => {
    srv.route(TOKEN, (_h, res) => echo(res, 500, `oops ${form} oops`, false));
    const err = await caught(call());
    expect(err).toBeInstanceOf(ServerError);
    expect(secretLeaks(surfaces(err))).toEqual([]);
  });

  it("never shows the secret form-encoded by URLSearchParams when it holds ! ' ( ) ~", async () => {
    const secret = "Sx!y'z(w)v~u*0123";
    srv.route(TOKEN, (_h, res) =>
      echo(res, 400, `posted ${new URLSearchParams({ client_secret: secret }).toString()}`),
    );
    const err = await caught(call(client(undefined, { clientSecret: secret })));
    expect(secretLeaks(surfaces(err), secret)).toEqual([]);
  });

  it("never shows the secret form-encoded with lower-case hex and + for spaces", async () => {
    const secret = "two words/and more-0123";
    const lowerForm = new URLSearchParams({ s: secret })
      .toString()
      .slice(2)
      .replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    srv.route(TOKEN, (_h, res) => echo(res, 400, `posted client_secret=${lowerForm}`));
    const err = await caught(call(client(undefined, { clientSecret: secret })));
    expect(surfaces(err)).not.toContain(lowerForm);
  });

  it("never shows the echoed Authorization header of the token request", async () => {
    srv.route(TOKEN, (h, res) =>
      json(
        res,
        401,
        { error: "invalid_client", got: h.headers.authorization },
        {
          "www-authenticate": `Basic realm="x", got="${h.headers.authorization}"`,
        },
      ),
    );
    const err = await caught(call());
    expect(secretLeaks(surfaces(err))).toEqual([]);
  });
});

describe("secrets cut by the error-body excerpt", () => {
  const plain = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(text);
  };

  it("leaves no leading part of the secret when the 64 KiB cut falls inside it", async () => {
    const pad = "a".repeat(ERROR_BODY_BYTES - 1 - 20) + " ";
    srv.route(TOKEN, (_h, res) => plain(res, 401, `${pad}${SECRET} trailing text`));
    const err = await caught(call());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(surfaces(err)).not.toContain(SECRET.slice(0, 16));
  });

  it("leaves no decodable part of the Basic credential when the cut falls inside it", async () => {
    // 32 base64 characters = 24 bytes of "client-0d5e3a4c:" + the secret's first 8 characters.
    const pad = "a".repeat(ERROR_BODY_BYTES - 1 - 32) + " ";
    srv.route(TOKEN, (_h, res) => plain(res, 401, `${pad}${basic.b64} trailing`));
    const err = await caught(call());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(surfaces(err)).not.toContain(basic.b64.slice(0, 32));
  });
});

describe("tokens echoed by the API", () => {
  const TOKEN_VALUE = "tk.A/b+c=d~e_f-0123456789";
  const issue = () =>
    srv.route(TOKEN, (_h, res) =>
      json(res, 200, { access_token: TOKEN_VALUE, token_type: "bearer", expires_in: 600 }),
    );

  it.each(Object.keys(encodings(TOKEN_VALUE)))(
    "never shows the bearer token echoed %s in a 500 body and header",
    async (kind) => {
      issue();
      const form = encodings(TOKEN_VALUE)[kind]!;
      const log = recorder();
      srv.route(INSPECT, (_h, res) => echo(res, 500, `token was ${form}; Bearer ${form}`));
      const err = await caught(call(client(log)));
      expect(err).toBeInstanceOf(ServerError);
      expect(leaks(surfaces(err, log), TOKEN_VALUE)).toEqual([]);
    },
  );

  it("never shows either token after a 401, refresh, 401 sequence", async () => {
    srv.route(INSPECT, (h, res) =>
      json(
        res,
        401,
        { error: "jwt_expired", you_sent: h.headers.authorization },
        {
          "x-you-sent": String(h.headers.authorization),
        },
      ),
    );
    const log = recorder();
    const err = await caught(call(irohClient(srv, { logger: log })));
    expect(err).toBeInstanceOf(AuthenticationError);
    const text = surfaces(err, log);
    expect(srv.count(TOKEN)).toBe(2);
    for (const tok of ["tok-1", "tok-2"]) expect(leaks(text, tok)).toEqual([]);
  });

  it("never shows a ready-made accessToken echoed back", async () => {
    const access = "ready.made-Token_0123456789";
    srv.route(INSPECT, (h, res) => echo(res, 403, `forbidden for ${h.headers.authorization}`));
    const t = createTransport(irohApi(), {
      accessToken: access,
      baseUrls: { iroh: srv.url },
      maxRetries: 0,
    });
    const err = await caught(t.call(inspect, { content: "x" }));
    expect(leaks(surfaces(err), access)).toEqual([]);
  });

  it("never shows the token in a 200 answer that is not JSON", async () => {
    issue();
    srv.route(INSPECT, (_h, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`<html>your token ${TOKEN_VALUE} is fine</html>`);
    });
    const err = await caught(call());
    expect(err).toBeInstanceOf(ApiError);
    expect(leaks(surfaces(err), TOKEN_VALUE)).toEqual([]);
  });

  it("never shows a token quoted with CR/LF inside undici's own error message", async () => {
    issue();
    const t = irohClient(srv, {
      maxRetries: 0,
      fetch: (input, init) => {
        const auth = new Headers(init?.headers).get("authorization") ?? "";
        if (auth.startsWith("Bearer ")) {
          // Real undici text: `Headers.append: "Bearer …\r\nx-injected: 1" is an invalid header value.`
          new Headers({ authorization: `${auth}\r\nx-injected: 1` });
        }
        return fetch(input, init);
      },
    });
    const err = await caught(t.call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(XdrError);
    const text = surfaces(err);
    expect(leaks(text, TOKEN_VALUE)).toEqual([]);
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(String((err.cause as Error | undefined)?.message ?? "")).not.toMatch(/[\r\n]/);
  });

  it("a custom fetch whose error carries the token in cause, code and stack leaks nothing", async () => {
    issue();
    const t = irohClient(srv, {
      maxRetries: 0,
      fetch: (input, init) => {
        const auth = new Headers(init?.headers).get("authorization") ?? "";
        if (!auth.startsWith("Bearer ")) return fetch(input, init);
        const inner = Object.assign(new Error(`socket said ${auth}`), { code: `E_${auth}` });
        return Promise.reject(new TypeError(`fetch failed for ${auth}`, { cause: inner }));
      },
    });
    const err = await caught(t.call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(leaks(surfaces(err), TOKEN_VALUE)).toEqual([]);
  });

  it("refuses an issued access_token with CR/LF, without showing it or sending it", async () => {
    const bad = "tok-evil-0123\r\nx-injected: yes";
    srv.route(TOKEN, (_h, res) =>
      json(res, 200, { access_token: bad, token_type: "bearer", expires_in: 600 }),
    );
    const err = await caught(call());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(surfaces(err)).not.toContain("tok-evil-0123");
    expect(srv.count(INSPECT)).toBe(0);
  });
});

describe("passwords and API keys", () => {
  const basicApi: ApiDescriptor = {
    name: "svc",
    servers: { us: "", eu: "", apjc: "" },
    auth: [{ type: "basic" }],
  };
  const op = {
    name: "svc.get",
    method: "GET" as const,
    path: "/svc",
    args: "none" as const,
    safe: true,
  };

  it("never shows an HTTP basic password (raw, JSON-escaped, URL-encoded, or in the Basic header)", async () => {
    const password = 'pa"ss\\w0rd with space/+';
    srv.route("GET /svc", (h, res) =>
      echo(
        res,
        403,
        `user alice pw=${password} json=${JSON.stringify(password)} url=${encodeURIComponent(password)} auth=${h.headers.authorization}`,
      ),
    );
    const t = createTransport(basicApi, {
      baseUrl: srv.url,
      username: "alice",
      password,
      maxRetries: 0,
    });
    const err = await caught(t.call(op, undefined as never));
    expect(err).toBeInstanceOf(ApiError);
    expect(secretLeaks(surfaces(err), password, "alice")).toEqual([]);
  });

  it("never shows an API key sent in a header and echoed back", async () => {
    const apiKey = "ak_live_0123456789abcdef";
    srv.route("GET /svc", (h, res) => echo(res, 500, `key ${String(h.headers["x-api-key"])}`));
    const t = createTransport(
      { ...basicApi, auth: [{ type: "apiKey", in: "header", name: "X-Api-Key" }] },
      { baseUrl: srv.url, apiKey, maxRetries: 0 },
    );
    const err = await caught(t.call(op, undefined as never));
    expect(err).toBeInstanceOf(ServerError);
    expect(leaks(surfaces(err), apiKey)).toEqual([]);
  });

  it("never shows an API key sent in the query (echoed URL, or a reset connection)", async () => {
    const apiKey = "ak/live+0123456789=key";
    const log = recorder();
    srv.route("GET /svc", (h, res, n) =>
      n === 1 ? echo(res, 500, `you asked for ${h.url}`) : void res.socket?.destroy(),
    );
    const t = createTransport(
      { ...basicApi, auth: [{ type: "apiKey", in: "query", name: "api_key" }] },
      { baseUrl: srv.url, apiKey, maxRetries: 0, logger: log },
    );
    const e1 = await caught(t.call(op, undefined as never));
    const e2 = await caught(t.call(op, undefined as never));
    expect(e2).toBeInstanceOf(ConnectionError);
    expect(leaks(surfaces(e1, log) + surfaces(e2), apiKey)).toEqual([]);
  });

  it("never echoes a password given in a base URL's userinfo", () => {
    for (const url of [
      "https://alice:Hunter2-Sup3r@visibility.amp.cisco.com",
      "https://alice:p%40ss%2Fw0rd@visibility.amp.cisco.com",
      "http://:onlypass-123@127.0.0.1:9",
    ]) {
      let err: unknown;
      try {
        createTransport(irohApi(), { accessToken: "t", baseUrls: { iroh: url } });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigurationError);
      const text = surfaces(err);
      for (const bit of ["Hunter2-Sup3r", "p%40ss%2Fw0rd", "p@ss/w0rd", "onlypass-123"])
        expect(text).not.toContain(bit);
    }
  });
});

describe("short secrets", () => {
  it("a one-character secret is redacted where it stands alone, without mangling other words", async () => {
    srv.route(TOKEN, (_h, res) =>
      json(res, 401, {
        error: "invalid_client",
        error_description: "the secret e is not valid for client_id x; see the reference",
      }),
    );
    const err = await caught(call(client(undefined, { clientSecret: "e" })));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toContain(
      "the secret [redacted] is not valid for client_id x; see the reference",
    );
    expect(err.message).toContain("HTTP 401");
  });

  it("a one-digit secret does not mangle the status or numbers in messages", async () => {
    srv.route(TOKEN, (_h, res) =>
      json(res, 401, { error: "invalid_client", error_description: "code 401: try 1 of 10" }),
    );
    const err = await caught(call(client(undefined, { clientSecret: "1" })));
    expect(err.message).toContain("HTTP 401");
    expect(err.message).toContain("code 401");
  });

  it("a short secret quoted in JSON is still redacted", async () => {
    srv.route(TOKEN, (_h, res) =>
      json(res, 400, { error: "invalid_client", error_description: 'got {"secret":"abc12"}' }),
    );
    const err = await caught(call(client(undefined, { clientSecret: "abc12" })));
    expect(err.message).not.toContain("abc12");
    expect(JSON.stringify(err.body)).not.toContain("abc12");
  });
});

describe("server text cannot forge log lines or rewrite a terminal", () => {
  const HOSTILE =
    "\u001b[31mALERT\u001b[0m\r\n2026-01-01 INFO user admin logged in\u2028x\u0085y\u0000z\u0007";
  // eslint-disable-next-line no-control-regex -- the control characters are what is looked for
  const RAW_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

  it("neutralises control characters and ANSI escapes from a JSON error_description", async () => {
    srv.route(INSPECT, (_h, res) => json(res, 500, { error: "boom", error_description: HOSTILE }));
    const err = await caught(call());
    expect(err.message).not.toMatch(RAW_CONTROL);
    expect(err.message).toContain("\\u001b[31mALERT");
    expect(String(err)).not.toMatch(RAW_CONTROL);
    expect(String(err.stack).split("\n")[0]).not.toMatch(RAW_CONTROL);
  });

  it("neutralises them in a plain-text error body quoted in the message", async () => {
    srv.route(INSPECT, (_h, res) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(HOSTILE);
    });
    const err = await caught(call());
    expect(err.message).not.toMatch(RAW_CONTROL);
    expect(err.message).toMatch(/\\u001b|\\u000d|\\u000a/);
  });

  it("neutralises them in the error code", async () => {
    srv.route(INSPECT, (_h, res) => json(res, 500, { error: "bad\r\nFAKE LINE\u001b[2J" }));
    const err = await caught(call());
    expect(err.message).not.toMatch(RAW_CONTROL);
  });

  it("neutralises them in a token endpoint's refusal", async () => {
    srv.route(TOKEN, (_h, res) =>
      json(res, 400, { error: "invalid_client", error_description: HOSTILE }),
    );
    const err = await caught(call());
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).not.toMatch(RAW_CONTROL);
  });

  it("neutralises them in a non-string detail (errors array, message object)", async () => {
    srv.route(INSPECT, (_h, res) =>
      json(res, 400, { errors: [HOSTILE], message: { text: HOSTILE } }),
    );
    const err = await caught(call());
    expect(err.message).not.toMatch(RAW_CONTROL);
  });
});

describe("server text in other messages (scopes, workflow run ids and states)", () => {
  // eslint-disable-next-line no-control-regex -- the control characters are what is looked for
  const RAW = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;
  const automation = () =>
    createTransport(
      { name: "automation", servers: { us: "", eu: "", apjc: "" } },
      { accessToken: "t", baseUrls: { automation: srv.url }, retryDelayMs: 1 },
    );
  const start = {
    name: "workflows.start",
    method: "POST" as const,
    path: "/start",
    args: "none" as const,
  };
  const getInstance = {
    name: "instances.get",
    method: "GET" as const,
    path: "/inst/{id}",
    args: "flat" as const,
    pathParams: ["id"],
    safe: true,
  };

  it("a granted scope with ANSI escapes is neutralised in MissingScopeError", async () => {
    srv.route(TOKEN, (_h, res) =>
      json(res, 200, {
        access_token: "tok-scope-0123",
        token_type: "bearer",
        expires_in: 600,
        scope: "enrich:read \u001b[31mevil\u0007",
      }),
    );
    const err = await caught(call());
    expect(err.name).toBe("MissingScopeError");
    expect(err.message).not.toMatch(RAW);
  });

  it("a workflow run id with ANSI escapes is neutralised in WorkflowRunError", async () => {
    srv.route("POST /start", (_h, res) =>
      json(res, 202, [{ id: "i\u001b[2J", status: { state: "created" } }]),
    );
    srv.route("GET /inst/i%1B%5B2J", (_h, res) => json(res, 200, { status: { state: "failed" } }));
    const err = await caught(
      startWorkflowAndWait(automation(), start, getInstance, undefined, { pollIntervalMs: 1 }),
    );
    expect(err.name).toBe("WorkflowRunError");
    expect(err.message).not.toMatch(RAW);
  });

  it("a run state with CR/LF is neutralised in the wait's TimeoutError", async () => {
    srv.route("POST /start", (_h, res) =>
      json(res, 202, [{ id: "i1", status: { state: "created" } }]),
    );
    srv.route("GET /inst/i1", (_h, res) =>
      json(res, 200, { status: { state: "running\r\n2026-01-01 INFO fake line" } }),
    );
    const err = await caught(
      startWorkflowAndWait(automation(), start, getInstance, undefined, {
        pollIntervalMs: 1,
        waitTimeoutMs: 150,
      }),
    );
    expect(err.name).toBe("TimeoutError");
    expect(err.message).not.toMatch(RAW);
  });
});

describe("logger lines", () => {
  it("carry no secret or token across a token failure, a 401 refresh, a 5xx retry and a success", async () => {
    const log = recorder();
    srv.route(TOKEN, (_h, res, n) =>
      n === 1
        ? echo(res, 503, `down ${SECRET}`)
        : json(res, 200, {
            access_token: `tk-${n}-0123456789`,
            token_type: "bearer",
            expires_in: 600,
          }),
    );
    srv.route(INSPECT, (h, res, n) =>
      n === 1
        ? json(res, 401, { error: "jwt_expired", got: h.headers.authorization })
        : n === 2
          ? json(res, 500, { error: "oops", got: h.headers.authorization })
          : json(res, 200, [{ type: "ip", value: "1.2.3.4" }]),
    );
    const t = irohClient(srv, {
      clientSecret: SECRET,
      logger: log,
      maxRetries: 3,
      retryDelayMs: 1,
    });
    await t.call(inspect, { content: "x" });
    const text = log.lines.join("\n");
    expect(secretLeaks(text)).toEqual([]);
    for (const n of [2, 3]) expect(text).not.toContain(`tk-${n}-0123456789`);
  });

  it("carry no path-embedded secret-looking query (only the path is logged)", async () => {
    const log = recorder();
    srv.route("GET /ctia/judgement/j1", (_h, res) => json(res, 200, { id: "j1" }));
    const t = irohClient(srv, { logger: log });
    await t.call(getJudgement, { id: "j1" });
    expect(log.lines.join("\n")).not.toContain(SECRET);
  });
});

describe("usage errors do not echo what they refuse", () => {
  it("a per-call header value with CR/LF is not echoed in the UsageError", async () => {
    const err = await caught(
      irohClient(srv).call(
        inspect,
        { content: "x" },
        {
          headers: { "x-note": "secret-ish-value\r\nx-injected: 1" },
        },
      ),
    );
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).not.toMatch(/[\r\n]/);
  });
});
