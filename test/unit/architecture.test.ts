/**
 * Import facts of src/ (issue 19, "Done when"), read from the sources by helpers/import-graph.ts:
 * which way imports go between the folders. Where a fact is not true yet, the exceptions that
 * remain are listed exactly, so the list can only shrink: a new circle or a new forbidden import
 * fails, and so does one that was fixed without being struck off.
 */
import { join } from "node:path";
import { importCircles, importGraph, importsBetween, readSources } from "../helpers/import-graph";

const sources = readSources(join(__dirname, "..", "..", "src"));
const graph = importGraph(sources);

/** The hosts: the plugin, the dynamic provider's serialized shims, the kubectl command's entry. */
const isHost = (file: string) => file.startsWith("plugin/") || /^provider\/[^/]*shim\.ts$/.test(file) || file === "exec/cli.ts";
const under = (folder: string) => (file: string) => file.startsWith(`${folder}/`);

test("the graph is read: it holds every folder's modules and their imports", () => {
  expect(graph.size).toBeGreaterThan(80);
  expect([...graph.get("plugin/server.ts")!]).toEqual(expect.arrayContaining(["plugin/resource-host.ts", "resources/index.ts"]));
});

test("no import circle in src/", () => {
  expect(importCircles(graph)).toEqual([]);
});

test("src/api/ imports no settings, no host, and of src/credentials/ only its types, directly or through other modules", () => {
  const settingsOrHost = (f: string) => f === "config/settings.ts" || isHost(f) || under("provider")(f) || under("resources")(f) || under("exec")(f);
  expect(importsBetween(graph, under("api"), settingsOrHost, true)).toEqual([]);
  expect(importsBetween(graph, under("api"), (f) => under("credentials")(f) && f !== "credentials/types.ts", true)).toEqual([]);
  expect(importsBetween(graph, under("api"), under("credentials"))).toEqual(expect.arrayContaining(["api/client.ts -> credentials/types.ts"]));
});

test("src/credentials/ imports no host and no resource", () => {
  expect(importsBetween(graph, under("credentials"), (f) => isHost(f) || under("provider")(f) || under("resources")(f) || under("exec")(f) || under("plugin")(f), true)).toEqual([]);
});

test("nothing under src/resources/ imports a host, directly or through other modules", () => {
  expect(importsBetween(graph, under("resources"), isHost, true)).toEqual([]);
});

test("nothing under src/api/ imports src/plugin or src/provider, directly or through other modules", () => {
  expect(importsBetween(graph, under("api"), (f) => under("plugin")(f) || under("provider")(f), true)).toEqual([]);
});

test("src/protocol/ imports nothing but itself and the check-failure type", () => {
  expect(importsBetween(graph, under("protocol"), (f) => !under("protocol")(f), true)).toEqual(["protocol/index.ts -> config/checked.ts", "protocol/unknown-inputs.ts -> config/checked.ts"]);
});

test("nothing under src/exec/ imports the dynamic provider's modules or a host outside exec/, directly or through other modules", () => {
  expect(importsBetween(graph, under("exec"), under("provider"), true)).toEqual([]);
  expect(importsBetween(graph, under("exec"), (f) => isHost(f) && !under("exec")(f), true)).toEqual([]);
});

test("the mint core (src/certificates/) imports no host, no dynamic provider, no command and no resource, directly or through other modules", () => {
  const caller = (f: string) => isHost(f) || under("provider")(f) || under("exec")(f) || under("resources")(f);
  expect(importsBetween(graph, under("certificates"), caller, true)).toEqual([]);
});

test("the dynamic provider, the command and the revocation resource mint and revoke through the mint core", () => {
  const core = (f: string) => f === "certificates/index.ts";
  expect(importsBetween(graph, (f) => ["provider/operations.ts", "exec/certificates.ts", "exec/revoke.ts", "resources/certificate-revocation/operations.ts"].includes(f), core)).toEqual([
    "exec/certificates.ts -> certificates/index.ts",
    "exec/revoke.ts -> certificates/index.ts",
    "provider/operations.ts -> certificates/index.ts",
    "resources/certificate-revocation/operations.ts -> certificates/index.ts",
  ]);
});

/** The modules that read where and how settings by hand (setting lookups, retries, the IAM URL), outside their owners. */
const settingsReadersOutside = (files: ReadonlyMap<string, string>) =>
  [...files]
    .filter(([file]) => !["config/", "credentials/", "settings/"].some((owner) => file.startsWith(owner)))
    .filter(([, text]) => /\b(resolveSetting|resolveMaxRetries|resolveAuthUrl)\(/.test(text))
    .map(([file]) => file)
    .sort();

test("one settings resolver: outside config/, credentials/ and settings/, only ExecKubeconfig's input check reads a setting by hand (control: a planted reader is found)", () => {
  // exec-inputs.ts writes the stack's own location settings into the exec kubeconfig's command line: the flags kubectl will pass.
  expect(settingsReadersOutside(sources)).toEqual(["provider/exec-inputs.ts"]);
  const planted = new Map([...sources, ["exec/planted.ts", 'import { resolveMaxRetries } from "../config/settings";\nexport const n = resolveMaxRetries(c, e);\n']]);
  expect(settingsReadersOutside(planted)).toEqual(["exec/planted.ts", "provider/exec-inputs.ts"]);
});

test("control: planted imports of each kind are found (a circle through import(), a resource reaching a host through require(), api reaching provider, api reaching credentials beyond its types)", () => {
  const planted = new Map([
    ["a/one.ts", 'import type { X } from "../b/two";\n'],
    ["b/two.ts", 'export const load = () => import("../a/one");\n'],
    ["resources/r/index.ts", 'const m = require("../../middle");\n'],
    ["middle.ts", 'export * from "./plugin/server";\n'],
    ["plugin/server.ts", ""],
    ["api/client.ts", 'import "../provider/inputs";\nimport type { T } from "../credentials/types";\n'],
    ["api/iam.ts", 'import { resolveAuthSettings } from "../credentials";\n'],
    ["credentials/index.ts", 'export * from "./types";\n'],
    ["credentials/types.ts", ""],
    ["provider/inputs.ts", ""],
  ]);
  const g = importGraph(planted);
  expect(importCircles(g)).toEqual([["a/one.ts", "b/two.ts"]]);
  expect(importsBetween(g, under("resources"), isHost)).toEqual([]);
  expect(importsBetween(g, under("resources"), isHost, true)).toEqual(["resources/r/index.ts -> plugin/server.ts"]);
  expect(importsBetween(g, under("api"), under("provider"), true)).toEqual(["api/client.ts -> provider/inputs.ts"]);
  expect(importsBetween(g, under("api"), (f) => under("credentials")(f) && f !== "credentials/types.ts", true)).toEqual(["api/iam.ts -> credentials/index.ts"]);
});
