// `fields` projections (issue 11): a search given `fields` yields entities holding only those
// fields, each optional; without `fields`, the full entity. Checked by strict tsc over the
// generated package (declarations included): a consumer that must compile, whose
// `@ts-expect-error` lines must each be an error. A variable typed with the method's named
// argument (`JudgementsSearchParams`, which leaves `fields` out) yields whole entities.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileConsumer } from "../support/tsc.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DIR = join(ROOT, ".xdr-test-tmp", `fields-${process.pid}`);

const CONSUMER = `import { createXdr, type WithFields } from "xdr-sdk";
import type { JudgementsSearchParams, JudgementsSearchFields } from "xdr-sdk/ctia";

const xdr = createXdr({ clientId: "id", clientSecret: "secret" });

export async function ctia(): Promise<string[]> {
  const out: string[] = [];
  // Without fields: the full entity, its required fields present.
  for await (const incident of xdr.ctia.incidents.search({ query: "*" })) {
    out.push(incident.id, incident.status);
    void incident.title;
  }
  // With fields: only those, optional; any other is an error.
  for await (const incident of xdr.ctia.incidents.search({ query: "*", fields: ["id", "title"] })) {
    const id: string | undefined = incident.id;
    // @ts-expect-error a requested field may be missing from the entity
    const title: string = incident.title;
    // @ts-expect-error not requested
    void incident.status;
    out.push(id ?? "", title);
  }
  // The first page, and \`as const\`.
  const fields = ["id", "status"] as const;
  const page = await xdr.ctia.incidents.search({ fields, limit: 10 });
  for (const incident of page.items) {
    out.push(incident.status ?? "");
    // @ts-expect-error not requested
    void incident.title;
  }
  // A dotted path keeps its top-level field.
  for await (const j of xdr.ctia.judgements.search({ query: "*", fields: ["observable.value"] })) {
    out.push(j.observable?.value ?? "");
    // @ts-expect-error not requested
    void j.disposition;
  }
  // A list of unknown names: every field optional.
  const names: string[] = ["id"];
  for await (const j of xdr.ctia.judgements.search({ fields: names })) {
    out.push(j.id ?? "");
    // @ts-expect-error optional now
    const id: string = j.id;
    void id;
  }
  return out;
}

// The named argument leaves \`fields\` out: a call given one yields whole entities.
export async function named(params: JudgementsSearchParams): Promise<string[]> {
  const out: string[] = [];
  for await (const j of xdr.ctia.judgements.search(params)) out.push(j.id, j.observable.value);
  // @ts-expect-error a projection is not a JudgementsSearchParams
  const projected: JudgementsSearchParams = { query: "*", fields: ["id"] };
  // Typed with WithFields (literal list) and checked against JudgementsSearchFields.
  const listed: WithFields<JudgementsSearchParams, readonly ["id"]> = { query: "*", fields: ["id"] };
  for await (const j of xdr.ctia.judgements.search(listed)) {
    out.push(j.id ?? "");
    // @ts-expect-error not requested
    void j.observable;
  }
  // @ts-expect-error CTIA lists dotted paths as strings, but not numbers
  const wrong: JudgementsSearchFields = [1];
  return [...out, String(projected), String(wrong)];
}

export async function conure(): Promise<string[]> {
  const out: string[] = [];
  for await (const incident of xdr.conure.incidents.search({ fields: ["id", "title"] })) {
    out.push(incident.id ?? "");
    // @ts-expect-error not requested
    void incident.status;
  }
  for await (const incident of xdr.conure.incidents.search({ status: "Open" })) {
    void [incident.status, incident.title];
  }
  // @ts-expect-error Conure lists the fields it knows
  await xdr.conure.incidents.search({ fields: ["no_such_field"] });
  return out;
}
`;

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe("fields projections", () => {
  it("type the items as the requested fields, optional; the full entity without fields", () => {
    const r = compileConsumer(DIR, CONSUMER);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  }, 120_000);
});
