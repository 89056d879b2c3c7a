// A client generated with --input carries nothing of XDR, and takes its servers (variables
// included) and its auth from the spec: each security scheme becomes an entry of the
// descriptor's `auth`, documented in the docs, and the generated client authenticates as the
// scheme says against a server on 127.0.0.1.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../generator/api.js";
import { loadSpec } from "../../generator/load.js";
import { buildModel } from "../../generator/model.js";
import { ROOT } from "./workspace.js";
import { strictTsc } from "../support/tsc.js";

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const dir = mkdtempSync(join(ROOT, ".xdr-test-tmp", "standalone-"));

type Json = Record<string, unknown>;

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  cookie?: string;
  apiKey?: string;
  body: string;
}
const seen: Seen[] = [];
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        cookie: req.headers.cookie,
        apiKey: req.headers["x-api-key"] as string | undefined,
        body,
      });
      res.setHeader("content-type", "application/json");
      if (req.url === "/oauth/token") {
        res.end(
          JSON.stringify({ access_token: "cc-token", token_type: "bearer", expires_in: 3600 }),
        );
      } else {
        res.end(JSON.stringify({ id: "1" }));
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

/** GET /things/{id} (secured as the document says) and GET /health (`security: []`). */
function specWith(schemes: Json, security: Json[] | undefined, servers?: unknown): Json {
  return {
    openapi: "3.0.3",
    info: { title: "Things", version: "2.0.0" },
    servers: servers ?? [{ url: `${base}/api` }],
    ...(security ? { security } : {}),
    paths: {
      "/things/{id}": {
        get: {
          operationId: "getThing",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "ok",
              content: {
                "application/json": {
                  schema: { type: "object", properties: { id: { type: "string" } } },
                },
              },
            },
          },
        },
      },
      "/health": {
        get: {
          operationId: "health",
          security: [],
          responses: { "204": { description: "up" } },
        },
      },
    },
    components: { securitySchemes: schemes },
  };
}

let counter = 0;
async function modelOf(spec: Json) {
  const file = join(dir, `model-${counter++}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return buildModel(await loadSpec(file), {
    name: "things",
    spec: file,
    names: {},
    safe: [],
    paging: {},
    rateLimits: {},
    emptyObjectsAsUnknown: false,
    style: "generic",
  });
}

describe("auth from securitySchemes", () => {
  const cases: [string, { schemes: Json; security?: Json[]; want: unknown[] }][] = [
    [
      "HTTP bearer",
      {
        schemes: { b: { type: "http", scheme: "bearer" } },
        security: [{ b: [] }],
        want: [{ type: "bearer" }],
      },
    ],
    [
      "HTTP basic",
      {
        schemes: { b: { type: "http", scheme: "basic" } },
        security: [{ b: [] }],
        want: [{ type: "basic" }],
      },
    ],
    ...(["header", "query", "cookie"] as const).map(
      (where): [string, { schemes: Json; security: Json[]; want: unknown[] }] => [
        `apiKey in ${where}`,
        {
          schemes: { k: { type: "apiKey", in: where, name: "api_key" } },
          security: [{ k: [] }],
          want: [{ type: "apiKey", in: where, name: "api_key" }],
        },
      ],
    ),
    [
      "OAuth2 client credentials, with a token URL relative to the server",
      {
        schemes: {
          o: {
            type: "oauth2",
            flows: { clientCredentials: { tokenUrl: "/oauth/token", scopes: { read: "r" } } },
          },
        },
        security: [{ o: ["read"] }],
        want: [{ type: "oauth2", tokenUrl: "http://127.0.0.1:PORT/oauth/token" }],
      },
    ],
    [
      "OAuth2 without client credentials: a token the caller brings",
      {
        schemes: {
          o: {
            type: "oauth2",
            flows: { authorizationCode: { authorizationUrl: "/a", tokenUrl: "/t", scopes: {} } },
          },
        },
        security: [{ o: [] }],
        want: [{ type: "bearer" }],
      },
    ],
    [
      "alternatives in order, repeats once, an unsupported scheme left out",
      {
        schemes: {
          key: { type: "apiKey", in: "header", name: "X-Key" },
          jwt: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
          oidc: { type: "openIdConnect", openIdConnectUrl: "https://x/.well-known" },
          digest: { type: "http", scheme: "digest" },
        },
        security: [{ key: [] }, { jwt: [] }, { oidc: [] }, { digest: [] }],
        want: [{ type: "apiKey", in: "header", name: "X-Key" }, { type: "bearer" }],
      },
    ],
    ["no security at all", { schemes: {}, security: undefined, want: [] }],
  ];
  it.each(cases)("%s", async (_title, { schemes, security, want }) => {
    const model = await modelOf(specWith(schemes, security));
    const port = new URL(base).port;
    expect(model.generic?.auth).toEqual(JSON.parse(JSON.stringify(want).replace("PORT", port)));
    const byName = new Map(model.operations.map((o) => [o.name, o]));
    expect(byName.get("health.list")?.auth).toBe(false);
  });
});

describe("schemes per operation", () => {
  it("records which schemes an operation accepts, and that some take none", async () => {
    const spec = specWith(
      {
        key: { type: "apiKey", in: "header", name: "X-Key" },
        basic: { type: "http", scheme: "basic" },
      },
      [{ key: [] }, { basic: [] }],
    ) as { paths: Record<string, Record<string, Json>> };
    spec.paths["/things/{id}"]!.put = {
      operationId: "putThing",
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
      security: [{ basic: [] }, {}],
      responses: { "204": { description: "ok" } },
    };
    const model = await modelOf(spec);
    const byName = new Map(model.operations.map((o) => [o.operationId, o]));
    // All of the API's schemes in order: the runtime's default, nothing recorded.
    expect(byName.get("getThing")?.schemes).toBeUndefined();
    expect(byName.get("putThing")?.schemes).toEqual([1, -1]);
    expect(model.generic?.anonymous).toBe(true);
  });

  it.each<[string, unknown[], unknown]>([
    [
      "a requirement naming two schemes needs both",
      [{ key: [], basic: [] }, { basic: [] }],
      [[0, 1], 1],
    ],
    [
      "one naming a scheme the SDK cannot send is left out",
      [{ key: [], digest: [] }, { basic: [] }],
      [1],
    ],
    [
      "no requirement the SDK can meet: the caller's headers, nothing added",
      [{ key: [], digest: [] }],
      [-1],
    ],
  ])("%s", async (_title, security, want) => {
    const spec = specWith(
      {
        key: { type: "apiKey", in: "header", name: "X-Key" },
        basic: { type: "http", scheme: "basic" },
        digest: { type: "http", scheme: "digest" },
      },
      [{ key: [] }, { basic: [] }],
    ) as { paths: Record<string, Record<string, Json>> };
    spec.paths["/things/{id}"]!.put = {
      operationId: "putThing",
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
      security,
      responses: { "204": { description: "ok" } },
    };
    const model = await modelOf(spec);
    const put = model.operations.find((o) => o.operationId === "putThing");
    expect(put?.schemes).toEqual(want);
  });
});

describe("servers", () => {
  const cases: [string, { given: unknown; want: string }][] = [
    [
      "variables take their defaults",
      {
        given: [
          {
            url: "https://{region}.example.com/{basePath}",
            variables: {
              region: { default: "eu", enum: ["eu", "us"] },
              basePath: { default: "v2" },
            },
          },
        ],
        want: "https://eu.example.com/v2",
      },
    ],
    [
      "a trailing slash is dropped",
      { given: [{ url: "https://x.example.com/" }], want: "https://x.example.com" },
    ],
    ["a relative server needs baseUrl", { given: [{ url: "/api/v3" }], want: "" }],
    [
      "the first absolute server wins",
      { given: [{ url: "/rel" }, { url: "https://b.example.com" }], want: "https://b.example.com" },
    ],
    ["no servers", { given: [], want: "" }],
  ];
  it.each(cases)("%s", async (_title, { given, want }) => {
    const model = await modelOf(specWith({}, undefined, given));
    expect(model.generic?.baseUrl).toBe(want);
    expect(model.servers.us).toBe(want);
  });
});

/** Generates a package for `spec` and imports its client factory. */
async function client(name: string, spec: Json) {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(spec, null, 2));
  await generate({ input: `${name}.json`, name, out: name, cwd: dir });
  const mod = (await import(pathToFileURL(join(dir, name, "dist/index.js")).href)) as Record<
    string,
    (options: object) => Record<string, Record<string, (args?: object) => Promise<unknown>>>
  >;
  const create = Object.values(mod).find(
    (v) => typeof v === "function" && /^create\w+Client$/.test(v.name),
  );
  return create!;
}

describe("a generated standalone client", () => {
  const files = (root: string): string[] =>
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !/[\\/]runtime$/.test(e.parentPath) && !e.name.endsWith(".map"))
      .map((e) => join(e.parentPath, e.name));

  let create: Awaited<ReturnType<typeof client>>;
  beforeAll(async () => {
    create = await client(
      "things-sdk",
      specWith(
        {
          cc: {
            type: "oauth2",
            flows: { clientCredentials: { tokenUrl: `${base}/oauth/token`, scopes: {} } },
          },
          jwt: { type: "http", scheme: "bearer" },
          basic: { type: "http", scheme: "basic" },
          key: { type: "apiKey", in: "header", name: "X-Api-Key" },
        },
        [{ cc: [] }, { jwt: [] }, { basic: [] }, { key: [] }],
      ),
    );
  }, 180_000);

  it("carries nothing of XDR outside the shared runtime", () => {
    for (const file of files(join(dir, "things-sdk"))) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/createXdr|XdrOptions|\bregion\b|Cisco|\bXDR\b|iroh|ctia/);
    }
    const readme = readFileSync(join(dir, "things-sdk/README.md"), "utf8");
    expect(readme).toContain(
      "createThingsSdkClient({ clientId: process.env.THINGS_SDK_CLIENT_ID, clientSecret: process.env.THINGS_SDK_CLIENT_SECRET })",
    );
    const docs = readFileSync(join(dir, "things-sdk/docs/thingsSdk.md"), "utf8");
    expect(docs).toContain(`Requests go to \`${base}/api\` unless you pass \`baseUrl\`.`);
    for (const line of [
      "- `cc`: `clientId` and `clientSecret` (OAuth2 client credentials",
      "- `jwt`: `accessToken`",
      "- `basic`: `username` and `password` (HTTP basic)",
      "- `key`: `apiKey`, sent in the header `X-Api-Key`",
    ]) {
      expect(docs).toContain(line);
    }
    expect(readFileSync(join(dir, "things-sdk/src/thingsSdk/client.ts"), "utf8")).toMatch(
      /options: ClientOptions = \{\}/,
    );
  });

  it("exports nothing of XDR from its runtime: no verdicts, no XDR_* reader, no workflow waits", async () => {
    const root = join(dir, "things-sdk");
    const mod = (await import(pathToFileURL(join(root, "dist/index.js")).href)) as object;
    for (const name of [
      "verdicts",
      "targets",
      "investigateUrl",
      "withEnvironment",
      "requireCredentials",
      "ENVIRONMENT",
      "startWorkflowAndWait",
      "WorkflowRunError",
    ]) {
      expect(mod, name).not.toHaveProperty(name);
    }
    expect(mod).toHaveProperty("consoleLogger");
    expect(mod).toHaveProperty("proxyFromEnvironment");
    const runtime = readdirSync(join(root, "src/runtime"));
    expect(runtime).not.toContain("helpers.ts");
    expect(runtime).not.toContain("workflow.ts");
  });

  it("has a README whose code compiles as written (strict, against the package)", () => {
    const root = join(dir, "things-sdk");
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks[0]).toContain("await client.");
    blocks.forEach((code, i) => {
      writeFileSync(
        join(root, `readme-${i}.ts`),
        code.replace(/from "things-sdk"/g, 'from "./dist/index.js"'),
      );
    });
    const tsc = strictTsc(root, {
      include: ["readme-*.ts"],
      compilerOptions: { types: ["node"] },
    });
    expect(tsc.output).toBe("");
    expect(tsc.status).toBe(0);
  }, 180_000);

  const calls: [string, { options: Json; want: Partial<Seen> }][] = [
    [
      "a bearer token",
      { options: { accessToken: "t0k3n" }, want: { authorization: "Bearer t0k3n" } },
    ],
    [
      "a token provider",
      { options: { accessToken: async () => "fr3sh" }, want: { authorization: "Bearer fr3sh" } },
    ],
    [
      "HTTP basic",
      {
        options: { username: "ann", password: "s3cret" },
        want: { authorization: "Basic " + Buffer.from("ann:s3cret").toString("base64") },
      },
    ],
    [
      "an API key",
      { options: { apiKey: "k3y" }, want: { apiKey: "k3y", authorization: undefined } },
    ],
    [
      "OAuth2 client credentials",
      {
        options: { clientId: "id", clientSecret: "secret" },
        want: { authorization: "Bearer cc-token" },
      },
    ],
  ];
  it.each(calls)("authenticates with %s", async (_title, { options, want }) => {
    seen.length = 0;
    const things = create(options);
    await expect(things.things!.get!({ id: "42" })).resolves.toEqual({ id: "1" });
    const call = seen.find((s) => s.url === "/api/things/42");
    expect(call).toMatchObject(want);
    // `security: []`: never credentials.
    seen.length = 0;
    await things.health!.list!();
    expect(seen[0]).toMatchObject({
      url: "/api/health",
      authorization: undefined,
      apiKey: undefined,
    });
  });

  it.each([
    ["query", { url: "/api/things/42?api_key=k3y", cookie: undefined }],
    ["cookie", { url: "/api/things/42", cookie: "api_key=k3y" }],
  ] as const)(
    "sends an API key in the %s",
    async (where, want) => {
      const create = await client(
        `key-${where}`,
        specWith({ k: { type: "apiKey", in: where, name: "api_key" } }, [{ k: [] }]),
      );
      seen.length = 0;
      await create({ apiKey: "k3y" }).things!.get!({ id: "42" });
      expect(seen[0]).toMatchObject(want);
    },
    180_000,
  );

  it("takes no credentials when the spec has no security", async () => {
    const create = await client("open-sdk", specWith({}, undefined));
    seen.length = 0;
    await create({}).things!.get!({ id: "7" });
    expect(seen[0]).toMatchObject({ url: "/api/things/7", authorization: undefined });
    expect(readFileSync(join(dir, "open-sdk/docs/openSdk.md"), "utf8")).toContain(
      "None: the spec declares no security requirement.",
    );
  }, 180_000);
});
