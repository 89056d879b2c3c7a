// Every ECMAScript reserved word and every `Object.prototype` name, as operation, group,
// parameter, property and schema names (test/generator/reserved-spec.ts): the spec generates,
// the package type-checks under --strict with its declaration files, each name is reachable
// through the .d.ts (a method named `new` once vanished into a construct signature), and the
// client object has every method at run time.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../generator/api.js";
import { exampleBlocks, examplesModule } from "./example-blocks.js";
import { ALL_NAMES, reservedSpec } from "./reserved-spec.js";
import { ROOT } from "./workspace.js";
import { strictTsc } from "../support/tsc.js";

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const dir = mkdtempSync(join(ROOT, ".xdr-test-tmp", "reserved-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Names that cannot be members as they are, and what they become (documented in the docs). */
const RENAMED: Record<string, { method: string; group: string }> = {
  constructor: { method: "getConstructor", group: "constructorApi" },
  hasOwnProperty: { method: "getHasOwnProperty", group: "hasOwnPropertyApi" },
  isPrototypeOf: { method: "getIsPrototypeOf", group: "isPrototypeOfApi" },
  propertyIsEnumerable: { method: "getPropertyIsEnumerable", group: "propertyIsEnumerableApi" },
  toLocaleString: { method: "getToLocaleString", group: "toLocaleStringApi" },
  toString: { method: "getToString", group: "toStringApi" },
  valueOf: { method: "getValueOf", group: "valueOfApi" },
  prototype: { method: "getPrototype", group: "prototypeApi" },
  then: { method: "getThen", group: "thenApi" },
  raw: { method: "getRaw", group: "rawApi" },
  transport: { method: "getTransport", group: "transportApi" },
  // Not identifiers once camel-cased: `__proto__` → `proto`, `NaN` → `naN`.
  ["__proto__"]: { method: "proto", group: "proto" },
  __defineGetter__: { method: "defineGetter", group: "defineGetter" },
  __defineSetter__: { method: "defineSetter", group: "defineSetter" },
  __lookupGetter__: { method: "lookupGetter", group: "lookupGetter" },
  __lookupSetter__: { method: "lookupSetter", group: "lookupSetter" },
  NaN: { method: "naN", group: "naN" },
  Infinity: { method: "infinity", group: "infinity" },
};
const expected = (name: string) =>
  Object.hasOwn(RENAMED, name) ? RENAMED[name]! : { method: name, group: name };

let result: Awaited<ReturnType<typeof generate>> | Error;
beforeAll(async () => {
  writeFileSync(join(dir, "reserved.json"), JSON.stringify(reservedSpec(), null, 2));
  result = await generate({
    input: "reserved.json",
    name: "reserved-sdk",
    out: "out",
    cwd: dir,
  }).catch((error: unknown) => error as Error);
}, 180_000);

describe("reserved words and Object.prototype names", () => {
  it("generate", () => {
    expect(result).toEqual({ generated: ["reservedSdk"], unchanged: [] });
  });

  it("type-check under --strict, declarations included, and every name is reachable", () => {
    const q = (text: string) => JSON.stringify(text);
    const lines = [
      `import { createReservedSdkClient, type components } from "./dist/reservedSdk/index.js";`,
      `const c = createReservedSdkClient({ baseUrl: "http://127.0.0.1:9" });`,
      // A method call that type-checks proves the member is a method of the declared type.
      ...ALL_NAMES.map(
        (n) =>
          `export const m_${ALL_NAMES.indexOf(n)}: Promise<string> = c.ops[${q(expected(n).method)}]();`,
      ),
      ...ALL_NAMES.map(
        (n) =>
          `export const g_${ALL_NAMES.indexOf(n)}: Promise<number> = c[${q(expected(n).group)}].list();`,
      ),
      `type Query = Exclude<Parameters<typeof c.params.query>[0], void | undefined>;`,
      `export const queryKeys: (keyof Query)[] = [${ALL_NAMES.map(q).join(", ")}];`,
      `type Props = components["schemas"]["Props"];`,
      `export const propKeys: (keyof Props)[] = [${ALL_NAMES.map(q).join(", ")}];`,
      `export const schemaKeys: (keyof components["schemas"])[] = [${ALL_NAMES.map(q).join(", ")}];`,
      ...ALL_NAMES.map(
        (n, i) =>
          `export const s_${i}: boolean | undefined = (null as unknown as components["schemas"][${q(n)}])[${q(n)}];`,
      ),
    ];
    // Every method's `@example` compiles too, keyword and `Object.prototype` names included.
    const examples = exampleBlocks(
      readFileSync(join(dir, "out/dist/reservedSdk/client.d.ts"), "utf8"),
    );
    expect(examples.length).toBeGreaterThan(ALL_NAMES.length);
    lines.unshift(`import type { ReservedSdkClient } from "./dist/reservedSdk/index.js";`);
    lines.push(examplesModule(examples, "client", "ReservedSdkClient"));
    writeFileSync(join(dir, "out/consumer.ts"), lines.join("\n") + "\n");
    const tsc = strictTsc(join(dir, "out"), {
      include: ["src/**/*.ts", "dist/**/*.d.ts", "consumer.ts"],
    });
    expect(tsc.output).toBe("");
    expect(tsc.status).toBe(0);
  }, 180_000);

  it("make a client object with every method and group, and a plain prototype", async () => {
    const mod = (await import(pathToFileURL(join(dir, "out/dist/index.js")).href)) as Record<
      string,
      (options: object) => Record<string, Record<string, unknown>>
    >;
    const client = mod.createReservedSdkClient!({});
    expect(Object.getPrototypeOf(client)).toBe(Object.prototype);
    expect(typeof client.then).toBe("undefined");
    for (const name of ALL_NAMES) {
      expect(typeof client.ops![expected(name).method], name).toBe("function");
      expect(Object.hasOwn(client, expected(name).group), name).toBe(true);
    }
  });
});
