import { describe, expect, it } from "vitest";
import {
  assertPlain,
  commentInline,
  jsDoc,
  mdCode,
  mdInline,
  tsLiteral,
  tsString,
} from "../../generator/escape.js";

describe("tsString", () => {
  it.each([
    ["quotes", 'say "hi"', '"say \\"hi\\""'],
    ["backticks and ${", "`${process.exit()}`", '"`${process.exit()}`"'],
    ["newline", "a\nb", '"a\\nb"'],
    ["line separator", "a\u2028b\u2029c", '"a\\u2028b\\u2029c"'],
  ])("escapes %s", (_t, given, want) => {
    expect(tsString(given)).toBe(want);
    expect(eval(tsString(given))).toBe(given);
  });
});

describe("jsDoc", () => {
  const cases: [string, { given: (string | undefined)[]; want: string }][] = [
    ["nothing to say", { given: [undefined, " "], want: "" }],
    ["one line", { given: ["Get a pet"], want: "/**\n * Get a pet\n */\n" }],
    ["paragraphs", { given: ["A", "B"], want: "/**\n * A\n *\n * B\n */\n" }],
    [
      "a comment terminator",
      { given: ["x */ evil(); /*"], want: "/**\n * x *\\/ evil(); /*\n */\n" },
    ],
    ["line separators", { given: ["a\u2028b\r\nc"], want: "/**\n * a\n * b\n * c\n */\n" }],
  ];
  it.each(cases)("%s", (_t, { given, want }) => expect(jsDoc(given)).toBe(want));
});

describe("markdown", () => {
  it("keeps a cell a cell", () => expect(mdInline("a | b\n<script>")).toBe("a \\| b \\<script\\>"));
  it("fences code that holds backticks", () => expect(mdCode("a`b")).toBe("`` a`b ``"));
});

describe("assertPlain", () => {
  it.each(["workflows", "list", "1.2.3", "@scope/pkg", "a-b_c$"])("prints %s", (v) =>
    expect(assertPlain(v)).toBe(v),
  );
  it.each(['a"b', "a b", "x*/", "a//b", "a\nb", "${x}"])("refuses %j", (v) =>
    expect(() => assertPlain(v)).toThrow(/use a helper/),
  );
});

describe("commentInline", () => {
  it.each([
    ["a terminator", "x */ y", "x *\\/ y"],
    ["line breaks", "a\nb\u2028c", "a b c"],
  ])("escapes %s", (_t, given, want) => expect(commentInline(given)).toBe(want));
});

describe("tsLiteral", () => {
  it.each([
    ["scalars", "a\u2028", '"a\\u2028"'],
    ["identifier keys bare, others quoted", { a: 1, "b-c": true }, '{\n  a: 1,\n  "b-c": true,\n}'],
    ["short scalar arrays inline", { list: ["x", "y"] }, '{\n  list: ["x", "y"],\n}'],
    ["objects in arrays on their own lines", [{ a: 1 }], "[\n  {\n    a: 1,\n  },\n]"],
    ["a key that tries to break out", { '"]; evil(); //': 1 }, '{\n  "\\"]; evil(); //": 1,\n}'],
  ])("%s", (_title, given, want) => expect(tsLiteral(given)).toBe(want));
});
