// The links npm shows beside a package (`keywords`, `homepage`, `bugs`, `repository`), from the
// config's `package` section, as the lines package.json.hbs prints after `description`.
import type { PackageConfig } from "./config.js";

/** Hosts whose issue tracker and README anchors sit at known places under the repository URL. */
const FORGES = new Set(["github.com", "gitlab.com"]);

export function packageLinks(pkg: PackageConfig): string {
  const fields: Record<string, unknown> = {};
  if (pkg.keywords?.length) fields.keywords = pkg.keywords;
  const repo = pkg.repository?.replace(/\/+$/, "").replace(/\.git$/, "");
  const forge = repo !== undefined && FORGES.has(new URL(repo).hostname);
  const readme =
    repo && forge
      ? `${repo}${pkg.directory ? `/tree/HEAD/${pkg.directory}` : ""}#readme`
      : undefined;
  const homepage = pkg.homepage ?? readme;
  if (homepage) fields.homepage = homepage;
  const bugs = pkg.bugs ?? (repo && forge ? `${repo}/issues` : undefined);
  if (bugs) fields.bugs = { url: bugs };
  if (repo) {
    fields.repository = {
      type: "git",
      url: `git+${repo}.git`,
      ...(pkg.directory ? { directory: pkg.directory } : {}),
    };
  }
  // One field per line, at package.json's first level: `["a", "b"]`, `{ "url": "…" }`.
  const inline = (value: unknown) =>
    JSON.stringify(value, null, 1).replace(/\n\s*/g, " ").replace(/\[ /g, "[").replace(/ \]/g, "]");
  return Object.entries(fields)
    .map(([key, value]) => `  ${JSON.stringify(key)}: ${inline(value)},\n`)
    .join("");
}
