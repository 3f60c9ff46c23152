/**
 * The Pulumi Registry's package docs (issue 22): docs/_index.md and docs/installation-configuration.md
 * carry the front matter the Registry reads, and every configuration key of the schema is in the
 * configuration table, with its environment variable.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { configVariables, packageSchema } from "../../src/plugin/schema";
import { PLUGIN_DOWNLOAD_URL } from "../../src/constants";

const DOCS = join(__dirname, "..", "..", "docs");
const read = (name: string) => readFileSync(join(DOCS, name), "utf8");

/** The YAML between the leading `---` lines. */
function frontMatter(text: string): Record<string, unknown> {
  const match = /^---\n([^]*?)\n---\n/.exec(text);
  if (match === null) throw new Error("no front matter");
  return parse(match[1]!) as Record<string, unknown>;
}

/** The first cell of each row of the table under `## Configuration`, without backticks. */
function documentedKeys(text: string): string[] {
  const section = text.slice(text.indexOf("\n## Configuration\n"), text.indexOf("\n## ", text.indexOf("\n## Configuration\n") + 1));
  return [...section.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]!);
}

test.each(["_index.md", "installation-configuration.md"])("%s has the Registry's front matter: title, meta_desc, layout package", (name) => {
  const matter = frontMatter(read(name));
  expect(Object.keys(matter).sort()).toEqual(["layout", "meta_desc", "title"]);
  expect(matter["layout"]).toBe("package");
  expect(String(matter["meta_desc"]).length).toBeGreaterThan(40);
});

test("every configuration key of the schema is documented, and nothing else", () => {
  const text = read("installation-configuration.md");
  const keys = Object.keys(configVariables());
  expect(documentedKeys(text).sort()).toEqual(keys.sort());
  // Control: the check sees one missing row.
  const withoutRegion = text.replace(/^\| `region` \|.*\n/m, "");
  expect(documentedKeys(withoutRegion)).not.toContain("region");
  expect(documentedKeys(withoutRegion)).toHaveLength(keys.length - 1);
});

test("each key's row names the environment variable the schema names for it", () => {
  const rows = new Map(read("installation-configuration.md").split("\n").flatMap((line) => {
    const match = /^\| `([A-Za-z]+)` \| ([^|]*) \|/.exec(line);
    return match ? [[match[1]!, match[2]!] as const] : [];
  }));
  for (const [key, spec] of Object.entries(configVariables())) {
    const variables = (spec.description ?? "").match(/\bHW_[A-Z_]+/g) ?? [];
    for (const variable of variables) expect({ key, row: rows.get(key) }).toEqual({ key, row: expect.stringContaining(variable) });
  }
});

test("the docs name the pluginDownloadURL the schema carries", () => {
  expect(packageSchema("1.2.3").pluginDownloadURL).toBe(PLUGIN_DOWNLOAD_URL);
  expect(read("installation-configuration.md")).toContain(`pluginDownloadURL: ${PLUGIN_DOWNLOAD_URL}`);
});
