/**
 * Schema fidelity of the audit's fixes (issue #11 §4) against Cisco's swagger in
 * ../shared/specs/reference/: event search cursors and body, resolved assignees, PATCH bodies
 * without required fields, product categories; and every spec readable by a YAML 1.1 parser.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readSpec, referenceDir, repoRoot, type ReadSpec } from "./oracle.js";

const ref = referenceDir();
type Node = Record<string, unknown>;

/** Follows `$ref`s, `allOf` and `oneOf`/`anyOf` members to collect what a schema allows. */
function flatten(spec: ReadSpec, node: unknown, depth = 0): Node[] {
  const n = spec.resolve(node) as Node | undefined;
  if (!n || depth > 8) return [];
  const parts = [n];
  for (const k of ["allOf", "oneOf", "anyOf", "x-oneOf"]) {
    for (const m of (n[k] as unknown[] | undefined) ?? [])
      parts.push(...flatten(spec, m, depth + 1));
  }
  return parts;
}

/** The schema of property `name` of an object schema (first one found in its allOf parts). */
function property(spec: ReadSpec, node: unknown, name: string): unknown {
  for (const part of flatten(spec, node)) {
    const props = part.properties as Node | undefined;
    if (props && name in props) return props[name];
  }
  return undefined;
}

/** Every `required` list of a schema and its allOf parts. */
function requiredOf(spec: ReadSpec, node: unknown): string[] {
  return flatten(spec, node).flatMap((p) => (p.required as string[] | undefined) ?? []);
}

/** The primitive types an item schema allows (`type` lists and one/anyOf members). */
function typesOf(spec: ReadSpec, node: unknown): string[] {
  const out = new Set<string>();
  for (const part of flatten(spec, node)) {
    const t = part.type;
    for (const x of Array.isArray(t) ? t : t ? [t] : [])
      out.add(String(x) === "integer" ? "number" : String(x));
  }
  return [...out].sort();
}

function param(spec: ReadSpec, op: Node, name: string): Node {
  const found = ((op.parameters as unknown[]) ?? [])
    .map((p) => spec.resolve(p) as Node)
    .find((p) => p.name === name);
  if (!found) throw new Error(`no parameter ${name}`);
  return found;
}

const body = (spec: ReadSpec, op: Node): unknown =>
  (((spec.resolve(op.requestBody) as Node).content as Node)["application/json"] as Node).schema;

const iroh = readSpec("specs/iroh.yaml");
const ctia = readSpec("specs/ctia.yaml");

describe.runIf(ref !== undefined)("IROH against Cisco's swagger", () => {
  const events = ref ? readSpec(join(ref, "iroh-event-swagger.json")) : iroh;
  const privateIntel = ref ? readSpec(join(ref, "iroh-private-intel-swagger.json")) : iroh;
  const integration = ref ? readSpec(join(ref, "iroh-int-swagger.json")) : iroh;

  it.each([
    "/iroh/iroh-event/event/search:post",
    "/iroh/iroh-event/event/incident/{incident-id}:get",
  ])("%s: search_after items and sort_by are string or number", (route) => {
    const [path, method] = route.split(":") as [string, string];
    const ours = iroh.paths[path]![method] as Node;
    const theirs = events.paths[path]![method] as Node;
    const ourItems = (param(iroh, ours, "search_after").schema as Node).items;
    expect(typesOf(iroh, ourItems)).toEqual(
      typesOf(events, param(events, theirs, "search_after").items),
    );
    expect(typesOf(iroh, param(iroh, ours, "sort_by").schema)).toEqual(
      typesOf(events, param(events, theirs, "sort_by")),
    );
  });

  it("event search takes a filter object or an array of and/or/not", () => {
    const ours = flatten(
      iroh,
      body(iroh, iroh.paths["/iroh/iroh-event/event/search"]!.post as Node),
    );
    const theirs = events.paths["/iroh/iroh-event/event/search"]!.post as Node;
    const theirBody = flatten(events, param(events, theirs, "GenericSearch").schema);
    const arrays = (parts: Node[], spec: ReadSpec) =>
      parts
        .filter((p) => p.type === "array")
        .map((p) => ((spec.resolve(p.items) as Node).enum as string[]).slice().sort());
    expect(arrays(ours, iroh)).toEqual(arrays(theirBody, events));
    expect(ours.some((p) => p.type === "object")).toBe(true);
  });

  it("incident search hits carry resolved assignees: a user, {unknown-id} or the id", () => {
    const hit = iroh.resolve({ $ref: "#/components/schemas/IncidentSearchHit" });
    const ours = flatten(iroh, (iroh.resolve(property(iroh, hit, "assignees")) as Node).items);
    const theirs = flatten(
      privateIntel,
      (
        privateIntel.resolve(
          property(privateIntel, { $ref: "#/definitions/IncidentSearchResults" }, "assignees"),
        ) as Node
      ).items,
    );
    const shape = (parts: Node[]) =>
      parts
        .map((p) =>
          p.type === "string"
            ? "string"
            : Object.keys((p.properties as Node) ?? {}).includes("unknown-id")
              ? "unknown-id"
              : p.properties
                ? "user"
                : undefined,
        )
        .filter((x) => x !== undefined)
        .sort();
    expect(shape(ours)).toEqual(shape(theirs));
  });

  it("PATCH /iroh/private-intel/incident/{id} requires no field, not even incident_time.opened", () => {
    const patch = iroh.paths["/iroh/private-intel/incident/{incident-id}"]!.patch as Node;
    const schema = body(iroh, patch);
    expect(requiredOf(iroh, schema)).toEqual([]);
    expect(requiredOf(iroh, property(iroh, schema, "incident_time"))).toEqual([]);
  });

  it("product categories have Cisco's enum", () => {
    const theirs = (
      integration.resolve(
        property(integration, { $ref: "#/definitions/ProductCategory" }, "id"),
      ) as Node
    ).enum;
    const ours = (iroh.resolve({ $ref: "#/components/schemas/ProductCategoryId" }) as Node).enum;
    expect((ours as string[]).slice().sort()).toEqual((theirs as string[]).slice().sort());
  });
});

describe.runIf(ref !== undefined)("CTIA against Cisco's swagger", () => {
  const swagger = ref ? readSpec(join(ref, "ctia-swagger.json")) : ctia;

  it("PATCH /ctia/incident/{id} is Cisco's PartialNewIncident: nothing required, incident_time included", () => {
    const schema = body(ctia, ctia.paths["/ctia/incident/{id}"]!.patch as Node);
    expect(requiredOf(ctia, schema)).toEqual([]);
    expect(requiredOf(ctia, property(ctia, schema, "incident_time"))).toEqual([]);
    const theirs = { $ref: "#/definitions/PartialNewIncident" };
    expect(requiredOf(swagger, theirs)).toEqual([]);
    expect(requiredOf(swagger, property(swagger, theirs, "incident_time"))).toEqual([]);
  });

  it("creating an incident still requires incident_time.opened, as Cisco's NewIncident does", () => {
    const schema = body(ctia, ctia.paths["/ctia/incident"]!.post as Node);
    expect(requiredOf(ctia, property(ctia, schema, "incident_time"))).toEqual(
      requiredOf(swagger, { $ref: "#/definitions/IncidentTime" }),
    );
  });
});

describe.runIf(ref !== undefined)("sighting context and bundles against Cisco's swagger", () => {
  const swagger = ref ? readSpec(join(ref, "ctia-swagger.json")) : ctia;
  const privateIntel = ref ? readSpec(join(ref, "iroh-private-intel-swagger.json")) : iroh;
  const names = (spec: ReadSpec, node: unknown) =>
    [
      ...new Set(flatten(spec, node).flatMap((p) => Object.keys((p.properties as Node) ?? {}))),
    ].sort();

  it("CTIA sighting context: Cisco's 12 event kinds, each with its fields and required fields", () => {
    const ours = ctia.resolve({ $ref: "#/components/schemas/SightingContext" }) as Node;
    const theirs = swagger.resolve({ $ref: "#/definitions/Context" }) as Node;
    const kinds = Object.keys(theirs.properties as Node).sort();
    expect(Object.keys(ours.properties as Node).sort()).toEqual(kinds);
    for (const kind of kinds) {
      const mine = (ctia.resolve((ours.properties as Node)[kind]) as Node).items;
      const cisco = (swagger.resolve((theirs.properties as Node)[kind]) as Node).items;
      expect(names(ctia, mine), kind).toEqual(names(swagger, cisco));
      expect([...new Set(requiredOf(ctia, mine))].sort(), kind).toEqual(
        [...new Set(requiredOf(swagger, cisco))].sort(),
      );
    }
  });

  it("IROH bundle import: Cisco's verdicts and every *_refs list", () => {
    const ours = names(iroh, { $ref: "#/components/schemas/Bundle" });
    const theirs = names(privateIntel, { $ref: "#/definitions/BundleImportBundle" });
    const wanted = theirs.filter((k) => k === "verdicts" || k.endsWith("_refs"));
    expect(wanted.filter((k) => !ours.includes(k))).toEqual([]);
    const verdict = (
      iroh.resolve(property(iroh, { $ref: "#/components/schemas/Bundle" }, "verdicts")) as Node
    ).items;
    const cisco = (
      privateIntel.resolve(
        property(privateIntel, { $ref: "#/definitions/BundleImportBundle" }, "verdicts"),
      ) as Node
    ).items;
    // Ours is IROH's Verdict, which also carries the stored-entity fields enrich answers have.
    const mine = names(iroh, verdict);
    expect(names(privateIntel, cisco).filter((k) => !mine.includes(k))).toEqual([]);
  });
});

describe("every operation says which scopes it needs", () => {
  /** Operations that truly need no scope: no token at all, or any valid token. */
  const NONE: ReadonlyMap<string, string> = new Map([
    ["GET /ctia/feed/{id}/view", "public feed link, authorised by its share token"],
    ["GET /ctia/feed/{id}/view.txt", "public feed link, authorised by its share token"],
    ["GET /ctia/version", "public"],
    ["GET /ctia/status", "any valid token"],
  ]);
  it.each([
    ["specs/ctia.yaml", ctia],
    ["specs/iroh.yaml", iroh],
  ] as const)("%s", (_file, spec) => {
    const bare: string[] = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!["get", "put", "post", "patch", "delete"].includes(method)) continue;
        const key = `${method.toUpperCase()} ${path}`;
        const security = ((op as Node).security ?? spec.document.security) as Node[] | undefined;
        // Alternatives (`[{oauth2: [private-intel:read]}, {oauth2: [asset:read]}]`) each name one.
        const named = (security ?? []).some((req) =>
          Object.values(req).some((v) => (v as unknown[]).length > 0),
        );
        if (!named && !NONE.has(key) && !path.startsWith("/iroh/oauth2")) bare.push(key);
      }
    }
    expect(bare).toEqual([]);
  });
});

describe("YAML 1.1 parsers can read every spec", () => {
  it.each(["specs/iroh.yaml", "specs/ctia.yaml", "specs/conure.yaml"])("%s", (file) => {
    const text = readFileSync(join(repoRoot(), file), "utf8");
    const doc = parseYaml(text, { version: "1.1", maxAliasCount: -1 }) as Node;
    expect(Object.keys(doc.paths as Node).length).toBeGreaterThan(50);
    // Keys ending in `?` (Cisco's `created_new_module?`) stay keys, not YAML 1.1 complex keys.
    expect(text).not.toMatch(/^\s+[\w-]+\?:/m);
    expect(text).not.toMatch(/\[[^\]"']*\?[,\]]/);
  });
});
