/**
 * No function in src/ longer than 60 lines (issue 19, "Done when"), read from the TypeScript AST by
 * helpers/function-length.ts. A closure that is a whole module (a factory whose operations are
 * nested functions) splits into module-level functions over a context object instead.
 */
import { join } from "node:path";
import { functionLengths, longFunctions } from "../helpers/function-length";
import { readSources } from "../helpers/import-graph";

const MAX_LINES = 60;

/** A function declaration of exactly `lines` lines: the signature, `lines - 2` statements, the closing brace. */
const functionOf = (name: string, lines: number): string =>
  [`export function ${name}(): number {`, "  let n = 0;", ...Array.from({ length: lines - 4 }, () => "  n += 1;"), "  return n;", "}"].join("\n");

test("the checker reports a 61-line function by file, line and name, and passes a 60-line one", () => {
  const text = ["// a planted module", functionOf("fits", 60), "", functionOf("tooLong", 61), ""].join("\n");
  expect(functionLengths("planted.ts", text).map((fn) => [fn.where, fn.name, fn.lines])).toEqual([
    ["planted.ts:2", "fits", 60],
    ["planted.ts:63", "tooLong", 61],
  ]);
  expect(longFunctions(new Map([["planted.ts", text]]), MAX_LINES)).toEqual(["planted.ts:63 tooLong (61 lines)"]);
});

test("the checker counts arrow functions, methods and nested closures, by the name they are assigned to", () => {
  const text = [
    "const arrow = () => {",
    "  return [1].map((x) => {",
    "    return x;",
    "  });",
    "};",
    "class C {",
    "  method(): void {}",
    "  get value(): number {",
    "    return 1;",
    "  }",
    "}",
    "const table = { entry: function () {} };",
  ].join("\n");
  expect(functionLengths("shapes.ts", text).map((fn) => `${fn.where} ${fn.name} ${fn.lines}`)).toEqual([
    "shapes.ts:1 arrow 5",
    "shapes.ts:2 <anonymous> 3",
    "shapes.ts:7 method 1",
    "shapes.ts:8 value 3",
    "shapes.ts:12 entry 1",
  ]);
});

test(`no function in src/ is longer than ${MAX_LINES} lines`, () => {
  const sources = readSources(join(__dirname, "..", "..", "src"));
  expect(sources.size).toBeGreaterThan(80);
  expect(longFunctions(sources, MAX_LINES)).toEqual([]);
});
