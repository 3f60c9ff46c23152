/**
 * docs/reliability.md publishes the tables of failure-modes.ts. This test renders them and checks
 * the document holds them exactly; on a mismatch it prints the text to paste.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FAILURE_MODES, failureModesTable, hostileInputsTable, markdownCell } from "./failure-modes";

const DOC = join(__dirname, "..", "..", "docs", "reliability.md");

describe("docs/reliability.md", () => {
  const doc = readFileSync(DOC, "utf8");

  test.each([
    ["the tested failure modes table", failureModesTable()],
    ["the hostile inputs table", hostileInputsTable()],
  ])("shows %s exactly as failure-modes.ts renders it", (_name, table) => {
    if (!doc.includes(`\n${table}\n`)) {
      throw new Error(`docs/reliability.md is out of date with test/reliability/failure-modes.ts; paste this table:\n\n${table}\n`);
    }
  });

  test("lists every fault of the table once", () => {
    for (const mode of FAILURE_MODES) expect(doc.split(`| ${markdownCell(mode.fault)} |`)).toHaveLength(2);
  });
});
