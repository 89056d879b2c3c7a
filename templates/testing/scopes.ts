// Hierarchical XDR scopes: `root/sub/leaf[:read|:write]`. A granted scope satisfies a required one
// when its path is the same or an ancestor, and its access mode is unrestricted or equal:
// `enrich` and `enrich:read` satisfy `enrich/observables/deliberate:read`; `response:read` does not
// satisfy `response/trigger:write`; only an unrestricted grant satisfies an unrestricted need.

interface ParsedScope {
  path: string;
  mode: "read" | "write" | undefined;
}

function parse(scope: string): ParsedScope {
  const m = /^(.*?)(?::(read|write))?$/.exec(scope.trim());
  return { path: m?.[1] ?? scope, mode: m?.[2] as ParsedScope["mode"] };
}

export function scopeSatisfies(granted: string, required: string): boolean {
  const g = parse(granted);
  const r = parse(required);
  const pathOk = r.path === g.path || r.path.startsWith(`${g.path}/`);
  const modeOk = g.mode === undefined || g.mode === r.mode;
  return pathOk && modeOk;
}

/** True when any granted scope satisfies the required one. */
export function hasScope(granted: readonly string[], required: string): boolean {
  return granted.some((g) => scopeSatisfies(g, required));
}

export function splitScopes(scope: string | null | undefined): string[] {
  return (scope ?? "").split(/\s+/).filter((s) => s.length > 0);
}
