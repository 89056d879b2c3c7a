// Local `#/…` references of a bundled document (no others remain after loading).

type Json = Record<string, unknown>;

/**
 * Follows a `$ref` to what it points at. Only own properties are followed: a pointer ending in
 * `constructor` or `__proto__` must not reach `Object.prototype`.
 */
export function resolveRef(doc: Json, value: unknown, depth = 0): unknown {
  if (!value || typeof value !== "object" || !Object.hasOwn(value, "$ref")) return value;
  const ref = (value as { $ref: unknown }).$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/") || depth > 32) return value;
  let target: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    let key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    try {
      key = decodeURIComponent(key);
    } catch {
      // A literal `%` in a name: keep the key as written.
    }
    target =
      target && typeof target === "object" && Object.hasOwn(target, key)
        ? (target as Json)[key]
        : undefined;
  }
  return resolveRef(doc, target, depth + 1);
}
