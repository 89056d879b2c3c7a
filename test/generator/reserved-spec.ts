// A valid spec whose names are every ECMAScript reserved word and every `Object.prototype`
// member: as operation names, group names, path and query parameters, object properties and
// schema names. Shared by the tests that generate it and type-check the result.

/** ECMAScript reserved words, strict-mode and contextual keywords, and TypeScript's. */
export const RESERVED_WORDS = (
  "await break case catch class const continue debugger default delete do else enum export " +
  "extends false finally for function if import in instanceof new null return super switch this " +
  "throw true try typeof var void while with yield let static implements interface package " +
  "private protected public arguments eval undefined NaN Infinity async get set of as from " +
  "type declare abstract readonly keyof infer is module namespace never unknown any boolean " +
  "number string symbol object bigint require global satisfies accessor override unique using"
).split(" ");

/** Own properties of `Object.prototype` (and `__proto__`), and what a client object has. */
export const PROTOTYPE_NAMES = [
  "constructor",
  "__proto__",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "toString",
  "valueOf",
  "prototype",
  "then",
  "raw",
  "transport",
];

export const ALL_NAMES = [...RESERVED_WORDS, ...PROTOTYPE_NAMES];

const ok = (schema: unknown) => ({
  "200": { description: "ok", content: { "application/json": { schema } } },
});

/**
 * - `GET /ops/{i}`: operationId `ops/<name>` (a method called `<name>` in group `ops`);
 * - `GET /groups/{i}`: operationId `<name>/list` (a group called `<name>`);
 * - `GET /params`: one query parameter per name; `GET /path/{…}/…`: path parameters;
 * - `POST /props`: a body and a response with one property per name;
 * - `GET /schemas/{i}`: the response is the schema called `<name>`.
 */
export function reservedSpec(names: readonly string[] = ALL_NAMES): Record<string, unknown> {
  const paths: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const schemas: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const props = Object.create(null) as Record<string, unknown>;
  names.forEach((name, i) => {
    paths[`/ops/${i}`] = { get: { operationId: `ops/${name}`, responses: ok({ type: "string" }) } };
    paths[`/groups/${i}`] = {
      get: { operationId: `${name}/list`, responses: ok({ type: "integer" }) },
    };
    schemas[name] = {
      type: "object",
      required: ["id"],
      properties: { id: { type: "string" }, [name]: { type: "boolean" } },
    };
    paths[`/schemas/${i}`] = {
      get: {
        operationId: `schemas/get${i}`,
        responses: ok({ $ref: `#/components/schemas/${encodeURIComponent(name)}` }),
      },
    };
    props[name] = { type: "string" };
  });
  paths["/params"] = {
    get: {
      operationId: "params/query",
      parameters: names.map((name) => ({ name, in: "query", schema: { type: "string" } })),
      responses: ok({ type: "string" }),
    },
  };
  const pathNames = names.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)).slice(0, 12);
  paths["/path/" + pathNames.map((n) => `{${n}}`).join("/")] = {
    get: {
      operationId: "params/path",
      parameters: pathNames.map((name) => ({
        name,
        in: "path",
        required: true,
        schema: { type: "string" },
      })),
      responses: ok({ type: "string" }),
    },
  };
  paths["/props"] = {
    post: {
      operationId: "props/echo",
      requestBody: {
        required: true,
        content: { "application/json": { schema: { $ref: "#/components/schemas/Props" } } },
      },
      responses: ok({ $ref: "#/components/schemas/Props" }),
    },
  };
  schemas.Props = { type: "object", properties: props };
  return {
    openapi: "3.0.3",
    info: { title: "Reserved names", version: "1.0.0" },
    servers: [{ url: "http://127.0.0.1:9/api" }],
    paths,
    components: { schemas },
  };
}
