// The links npm shows (keywords, homepage, bugs, repository) come from the config's `package`
// section: derived on GitHub and GitLab, given explicitly elsewhere, left out when not configured.
import { describe, expect, it } from "vitest";
import { parseConfig, type PackageConfig } from "../../generator/config.js";
import { BadInputError } from "../../generator/errors.js";
import { packageLinks } from "../../generator/package-links.js";

const base: PackageConfig = { name: "x", version: "1.0.0", description: "" };
const fields = (pkg: Partial<PackageConfig>) =>
  JSON.parse(`{${packageLinks({ ...base, ...pkg }).replace(/,\n$/, "")}}`) as Record<
    string,
    unknown
  >;

describe("packageLinks", () => {
  const cases: [string, { given: Partial<PackageConfig>; want: Record<string, unknown> }][] = [
    ["nothing configured", { given: {}, want: {} }],
    [
      "a GitHub repository, in a folder",
      {
        given: { repository: "https://github.com/o/r.git", directory: "generated" },
        want: {
          homepage: "https://github.com/o/r/tree/HEAD/generated#readme",
          bugs: { url: "https://github.com/o/r/issues" },
          repository: {
            type: "git",
            url: "git+https://github.com/o/r.git",
            directory: "generated",
          },
        },
      },
    ],
    [
      "a GitLab repository at its root",
      {
        given: { repository: "https://gitlab.com/g/p.git/" },
        want: {
          homepage: "https://gitlab.com/g/p#readme",
          bugs: { url: "https://gitlab.com/g/p/issues" },
          repository: { type: "git", url: "git+https://gitlab.com/g/p.git" },
        },
      },
    ],
    [
      "another host: only what is given",
      {
        given: { repository: "https://git.example.com/p", keywords: ["a", "b"] },
        want: {
          keywords: ["a", "b"],
          repository: { type: "git", url: "git+https://git.example.com/p.git" },
        },
      },
    ],
    [
      "explicit homepage and bugs win",
      {
        given: {
          repository: "https://github.com/o/r",
          homepage: "https://example.com",
          bugs: "https://example.com/bugs",
        },
        want: {
          homepage: "https://example.com",
          bugs: { url: "https://example.com/bugs" },
          repository: { type: "git", url: "git+https://github.com/o/r.git" },
        },
      },
    ],
  ];
  it.each(cases)("%s", (_, { given, want }) => {
    expect(fields(given)).toEqual(want);
  });
});

describe("config package links", () => {
  const parse = (pkg: unknown) =>
    parseConfig({ package: pkg, apis: { x: { spec: "x.yaml" } } }, "c.json", "/tmp");

  it("reads them", () => {
    const config = parse({ repository: "https://github.com/o/r", keywords: ["k"], directory: "d" });
    expect(config.package).toMatchObject({
      repository: "https://github.com/o/r",
      keywords: ["k"],
      directory: "d",
    });
  });

  it("refuses a directory without a repository", () => {
    expect(() => parse({ directory: "sdk" })).toThrow(/needs package.repository/);
  });

  it("never repeats a refused URL's credentials", () => {
    expect(() => parse({ repository: "https://ghp_secret:x@github.com/o/r" })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("ghp_secret") }),
    );
  });

  it.each([
    ["repository", "git@github.com:o/r.git", "/package/repository"],
    ["homepage", "http://example.com", "/package/homepage"],
    ["keywords", "cisco", "/package/keywords"],
    ["repository", "https://ghp_secret:x@github.com/o/r", "/package/repository"],
    ["repository", "https://github.com/o/r?token=1", "/package/repository"],
    ["directory", "../etc", "/package/directory"],
  ])("refuses %s %j, naming the place", (key, value, pointer) => {
    try {
      parse({ repository: "https://github.com/o/r", [key]: value });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BadInputError);
      expect(String((error as Error).message) + JSON.stringify(error)).toContain(pointer);
    }
  });
});
