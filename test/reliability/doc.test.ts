/**
 * docs/reliability.md publishes the tables of failure-modes.ts. This test renders them and checks
 * the document holds them exactly; on a mismatch it prints the text to paste.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FAILURE_MODES, failureModesTable, HARDENING_FAILURES, hardeningTable, hostileInputsTable, markdownCell, SIGN_IN_FAILURES, signInFailuresTable, type SignInFailure } from "./failure-modes";

const DOC = join(__dirname, "..", "..", "docs", "reliability.md");

describe("docs/reliability.md", () => {
  const doc = readFileSync(DOC, "utf8");

  test.each([
    ["the tested failure modes table", failureModesTable()],
    ["the hostile inputs table", hostileInputsTable()],
    ["the sign-in failures table", signInFailuresTable()],
    ["the hardening table", hardeningTable()],
  ])("shows %s exactly as failure-modes.ts renders it", (_name, table) => {
    if (!doc.includes(`\n${table}\n`)) {
      throw new Error(`docs/reliability.md is out of date with test/reliability/failure-modes.ts; paste this table:\n\n${table}\n`);
    }
  });

  test("lists every fault of the table once", () => {
    for (const mode of FAILURE_MODES) expect(doc.split(`| ${markdownCell(mode.fault)} |`)).toHaveLength(2);
  });

  /** Whether the test file holds every title of the row, as a string literal. */
  const testExists = (row: SignInFailure) => {
    const source = readFileSync(join(__dirname, "..", row.test.file), "utf8");
    return row.test.title.every((title) => source.includes(JSON.stringify(title)) || source.includes(`"${title}"`));
  };

  test("every sign-in failure names a test that exists (control: a made-up title is not found)", () => {
    for (const row of [...SIGN_IN_FAILURES, ...HARDENING_FAILURES]) expect([row.test.file, row.test.title, testExists(row)]).toEqual([row.test.file, row.test.title, true]);
    expect(testExists({ ...SIGN_IN_FAILURES[0]!, test: { file: SIGN_IN_FAILURES[0]!.test.file, title: ["no such test"] } })).toBe(false);
  });
});
