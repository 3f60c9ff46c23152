/**
 * Which Node.js and which @pulumi/pulumi this run tests, proven in the run itself: `npm test` is
 * the machine's Node.js (20 in CI) with the devDependency's SDK; `npm run test:node22` is Node 22
 * with the newest SDK (scripts/test-node22.sh sets CCE_TEST_NODE_MAJOR and CCE_TEST_PULUMI_SDK).
 * The engine's provider host is checked in test/e2e/module-programs.test.ts. package.json's `engines`
 * and peer range must name what these runs test.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ClusterCertificate } from "../../src";
import { PULUMI_SDK_VERSION, REPO_ROOT } from "../helpers/packed-program";
import { programDir, runNode } from "../helpers/program-dir";

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const major = (version: string) => Number(version.replace(/^[v^]/, "").split(".")[0]);

/** The majors an `engines.node` of the form `^20.18.1 || ^22` admits. */
function engineMajors(range: string): number[] {
  return range.split("||").map((part) => {
    const m = /^\s*\^(\d+)(\.\d+){0,2}\s*$/.exec(part);
    if (!m) throw new Error(`engines.node part ${JSON.stringify(part)} is not of the form ^MAJOR[.MINOR.PATCH]`);
    return Number(m[1]);
  });
}

/** -1, 0 or 1 as version a is before, equal to or after b (x.y.z only). */
function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return Math.sign(pa[i]! - pb[i]!);
  return 0;
}

test("jest runs on the Node.js major this run is for, and engines names exactly the majors the runs test", () => {
  const expected = process.env["CCE_TEST_NODE_MAJOR"];
  if (expected !== undefined) expect(major(process.version)).toBe(Number(expected));
  expect(engineMajors(manifest.engines.node)).toEqual([20, 22]);
  expect(engineMajors(manifest.engines.node)).toContain(major(process.version));
  // Control: the parser does not accept every range.
  expect(() => engineMajors(">=20")).toThrow(/not of the form/);
});

test("the sources and the tests load the @pulumi/pulumi this run is for, one copy of it", () => {
  const requested = process.env["CCE_TEST_PULUMI_SDK"];
  expect(PULUMI_SDK_VERSION).toBe(requested ?? manifest.devDependencies["@pulumi/pulumi"]);
  expect((require("@pulumi/pulumi/package.json") as { version: string }).version).toBe(PULUMI_SDK_VERSION);
  const resolved = require.resolve("@pulumi/pulumi");
  expect(resolved.startsWith(join(REPO_ROOT, requested ? `.tools${sep}pulumi-sdk-${requested}` : "node_modules") + sep)).toBe(true);
  // The package's resource extends the dynamic.Resource of that same copy.
  expect(Object.getPrototypeOf(ClusterCertificate)).toBe(pulumi.dynamic.Resource);
  // Requests a test makes from the program folder resolve there (the host test's gRPC client and
  // its @grpc/grpc-js must come from one install).
  expect(createRequire(join(programDir(), "package.json")).resolve("@pulumi/pulumi").startsWith(programDir() + sep)).toBe(true);
});

test("the peer range starts at the SDK of the default run and admits the SDK of this run", () => {
  const peer = manifest.peerDependencies["@pulumi/pulumi"]!;
  expect(peer).toBe(`^${manifest.devDependencies["@pulumi/pulumi"]}`);
  const lowest = peer.slice(1);
  expect(major(PULUMI_SDK_VERSION)).toBe(major(lowest));
  expect(compareVersions(PULUMI_SDK_VERSION, lowest)).toBeGreaterThanOrEqual(0);
  expect(compareVersions("3.139.0", lowest)).toBe(-1); // control: an older SDK falls outside
});

test("the program folder holds that @pulumi/pulumi, and its scripts run on this Node.js", async () => {
  const seen = JSON.parse(
    await runNode(`process.stdout.write(JSON.stringify({ node: process.version, sdk: require("@pulumi/pulumi/package.json").version }))`),
  );
  expect(seen).toEqual({ node: process.version, sdk: PULUMI_SDK_VERSION });
});
