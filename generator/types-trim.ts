// Drops openapi-typescript's "absent" stubs from `paths`, `webhooks` and `operations`:
// `put?: never` for each method a path item lacks, the path item's `query?: never` (and header,
// path, cookie) for each parameter group it shares with none of its operations, and
// `requestBody?: never` for an operation without a body. They say nothing a missing key does
// not: the client's named types only index parts the spec declares (type-exprs.ts), the
// runtime's helpers test with optional patterns (`{ requestBody?: infer B }`), and openapi-fetch's
// raw client reads an absent method or `requestBody` as "none" (test/consumer/raw-types.test.ts).
// But a consumer's full lib check binds and checks each one: GitHub's spec has 10 000 of them,
// ~15 MB of tsc's peak memory (bench line 9).
// Only those fixed places are touched: a schema property typed `never` (`not: {}`) is a real
// constraint and stays, whatever its depth.
import type * as TS from "typescript";

type Ts = typeof import("typescript");

const ROOTS = new Set(["paths", "webhooks", "operations"]);

export function trimAbsentStubs(ts: Ts, nodes: readonly TS.Node[]): TS.Node[] {
  const f = ts.factory;

  const isStub = (m: TS.TypeElement): boolean =>
    ts.isPropertySignature(m) &&
    m.questionToken !== undefined &&
    m.type?.kind === ts.SyntaxKind.NeverKeyword;

  const nameOf = (m: TS.TypeElement): string | undefined =>
    m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) ? m.name.text : undefined;

  /** `{ query?: never; path: {…} }` → `{ path: {…} }`. */
  const trimLiteral = (
    type: TS.TypeNode | undefined,
    member: (m: TS.TypeElement) => TS.TypeElement | undefined,
  ): TS.TypeNode | undefined => {
    if (!type || !ts.isTypeLiteralNode(type)) return type;
    const members = type.members.flatMap((m) => member(m) ?? []);
    return f.updateTypeLiteralNode(type, f.createNodeArray(members));
  };

  const withType = (m: TS.PropertySignature, type: TS.TypeNode | undefined) =>
    type === m.type ? m : f.updatePropertySignature(m, m.modifiers, m.name, m.questionToken, type);

  /**
   * An operation (in `operations`, or inlined in a path item): `requestBody?: never` goes. Its
   * `parameters` stubs stay: openapi-fetch's raw client types `params` from them, and `{}` would
   * let `params: { query: … }` through on an operation that takes no query.
   */
  const operation = (type: TS.TypeNode | undefined): TS.TypeNode | undefined =>
    trimLiteral(type, (m) => (isStub(m) ? undefined : m));

  /** A path item: the methods it lacks go, its shared parameters and inline operations trimmed. */
  const pathItem = (type: TS.TypeNode | undefined): TS.TypeNode | undefined =>
    trimLiteral(type, (m) => {
      if (isStub(m)) return undefined;
      if (!ts.isPropertySignature(m)) return m;
      if (nameOf(m) === "parameters") {
        return withType(
          m,
          trimLiteral(m.type, (p) => (isStub(p) ? undefined : p)),
        );
      }
      return withType(m, operation(m.type));
    });

  return nodes.map((node) => {
    if (!ts.isInterfaceDeclaration(node) || !ROOTS.has(node.name.text)) return node;
    const each = node.name.text === "operations" ? operation : pathItem;
    const members = node.members.map((m) =>
      ts.isPropertySignature(m) ? withType(m, each(m.type)) : m,
    );
    return f.updateInterfaceDeclaration(
      node,
      node.modifiers,
      node.name,
      node.typeParameters,
      node.heritageClauses,
      members,
    );
  });
}
