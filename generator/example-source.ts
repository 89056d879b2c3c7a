// How an `@example` is printed (generator/examples.ts builds the values): a value as TypeScript
// source on one line, the member path from the client to a method, and the one kind of value
// JSON cannot write (a Blob).
import type { GroupModel, OperationModel } from "./model-types.js";

type Json = Record<string, unknown>;

/** Source text that `literal` prints as it is: a value JSON cannot write. */
export class Expression {
  constructor(readonly text: string) {}
}

/** A binary field's value: its type is Blob (generator/render.ts), a global wherever it compiles. */
export const BLOB = new Expression('new Blob(["example"])');

export const isObject = (v: unknown): v is Json =>
  !!v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Expression);

/** A property key as an object literal may hold it (`__proto__` computed: else it sets the prototype). */
function key(name: string): string {
  if (name === "__proto__") return `[${JSON.stringify(name)}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** A value as TypeScript source, keys unquoted where they can be, on one line. */
export function literal(value: unknown): string {
  if (value instanceof Expression) return value.text;
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (isObject(value)) {
    const entries = Object.keys(value).map((k) => `${key(k)}: ${literal(value[k])}`);
    return entries.length ? `{ ${entries.join(", ")} }` : "{}";
  }
  return JSON.stringify(value) ?? "undefined";
}

/** `xdr.iroh.enrich.deliberate`, with bracket access where a segment is not an identifier. */
export function accessor(receiver: string, members: readonly string[]): string {
  return members.reduce(
    (acc, part) =>
      /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)
        ? `${acc}.${part}`
        : `${acc}[${JSON.stringify(part)}]`,
    receiver,
  );
}

/** Each operation of the API → the member names that reach it from the client. */
export function memberPaths(root: GroupModel): Map<OperationModel, string[]> {
  const out = new Map<OperationModel, string[]>();
  const walk = (group: GroupModel, prefix: string[]): void => {
    for (const op of group.operations) out.set(op, [...prefix, op.methodName]);
    for (const g of group.groups) walk(g, [...prefix, g.name]);
  };
  walk(root, []);
  return out;
}
