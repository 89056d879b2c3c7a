// XDR scopes are hierarchical, `root/sub/leaf[:read|:write]`. A granted scope covers a required
// one when its path is a segment-wise prefix of the required path and its suffix allows the
// access: no suffix means read and write; `:read` covers only `:read`, `:write` only `:write`;
// a required scope without suffix (full access) needs a granted scope without suffix.

function split(scope: string): [path: string, suffix: string] {
  const i = scope.lastIndexOf(":");
  const suffix = i < 0 ? "" : scope.slice(i);
  return suffix === ":read" || suffix === ":write" ? [scope.slice(0, i), suffix] : [scope, ""];
}

/**
 * Whether a granted scope allows what a required one asks (see the rules above):
 * `scopeCovers("private-intel", "private-intel/incident:read")` is true,
 * `scopeCovers("casebook:read", "casebook")` is false.
 */
export function scopeCovers(granted: string, required: string): boolean {
  const [gp, gs] = split(granted);
  const [rp, rs] = split(required);
  return (gs === "" || gs === rs) && (rp === gp || rp.startsWith(gp + "/"));
}

/** The required scopes that no granted scope covers. */
export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((r) => !granted.some((g) => scopeCovers(g, r)));
}

/** A token response's `scope`; `undefined` (check skipped) when absent or empty. */
export function parseScopes(scope: unknown): string[] | undefined {
  const list = typeof scope === "string" ? scope.split(" ").filter(Boolean) : [];
  return list.length ? list : undefined;
}
