// The raw client (`client.raw`, openapi-fetch's client over the package's `paths`), typed with
// the runtime's copy of openapi-fetch's `Client` (raw-client.ts): a method a path lacks, a
// parameter group an operation lacks and a missing required body or path parameter are errors,
// and results keep their types. `asOpenapiFetch` (`xdr-sdk/openapi-fetch`) gives openapi-fetch's
// own `Client<paths>`, for its helper types and the libraries typed with it. Strict tsc over the
// generated package.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileConsumer } from "../support/tsc.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DIR = join(ROOT, ".xdr-test-tmp", `raw-types-${process.pid}`);

const CONSUMER = `import { createXdr } from "xdr-sdk";

const xdr = createXdr({ clientId: "id", clientSecret: "secret" });

export async function raw(): Promise<string[]> {
  const out: string[] = [];
  const inspected = await xdr.iroh.raw.POST("/iroh/iroh-inspect/inspect", { body: { content: "x" } });
  for (const o of inspected.data ?? []) out.push(o.type, o.value);
  const judgement = await xdr.ctia.raw.GET("/ctia/judgement/{id}", { params: { path: { id: "j" } } });
  out.push(judgement.data?.id ?? "");
  // @ts-expect-error inspect is POST only
  await xdr.iroh.raw.GET("/iroh/iroh-inspect/inspect");
  // @ts-expect-error the body is required
  await xdr.iroh.raw.POST("/iroh/iroh-inspect/inspect", {});
  // @ts-expect-error inspect takes no query parameter
  await xdr.iroh.raw.POST("/iroh/iroh-inspect/inspect", { params: { query: { a: 1 } }, body: { content: "x" } });
  // @ts-expect-error the path parameter is required
  await xdr.ctia.raw.GET("/ctia/judgement/{id}", { params: { path: {} } });
  // @ts-expect-error a GET sends no body
  await xdr.ctia.raw.GET("/ctia/judgement/{id}", { params: { path: { id: "j" } }, body: { id: "j" } });
  return out;
}

export async function named(): Promise<number> {
  // A body-style method whose operation has no query takes no query keys beyond RequestOptions'.
  const observables = await xdr.iroh.inspect({ content: "x" });
  const verdicts = await xdr.iroh.enrich.deliberate(observables, { query: { mids: [] } });
  return verdicts.data?.length ?? 0;
}
`;

const BRIDGE = `import type { Client, ClientPathsWithMethod, MethodResponse } from "openapi-fetch";
import { createXdr } from "xdr-sdk";
import type { paths } from "xdr-sdk/iroh";
import { asOpenapiFetch } from "xdr-sdk/openapi-fetch";

const xdr = createXdr({ clientId: "id", clientSecret: "secret" });
const client: Client<paths> = asOpenapiFetch(xdr.iroh.raw);

// What a library typed with openapi-fetch takes.
function acceptsClient<P extends {}>(c: Client<P>): Client<P> {
  return c;
}
export const again = acceptsClient(client);

type Inspected = MethodResponse<typeof client, "post", "/iroh/iroh-inspect/inspect">;
export const first = (r: Inspected): string => r[0]?.value ?? "";
export const path: ClientPathsWithMethod<typeof client, "post"> = "/iroh/iroh-inspect/inspect";
// @ts-expect-error inspect is POST only
export const wrong: ClientPathsWithMethod<typeof client, "get"> = "/iroh/iroh-inspect/inspect";
`;

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe("raw client types", () => {
  it("keep openapi-fetch's checks over the trimmed paths", () => {
    const r = compileConsumer(DIR, CONSUMER);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  }, 120_000);

  it("become openapi-fetch's own Client<paths> through asOpenapiFetch", () => {
    const r = compileConsumer(DIR, BRIDGE);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  }, 120_000);
});
