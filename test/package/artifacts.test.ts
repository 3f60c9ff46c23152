/**
 * What a user installs, built by scripts/build-artifacts.sh into one folder: the npm tarball, the
 * plugin and exec-command archives (each one self-contained executable; here for linux-amd64
 * only, CCE_RELEASE_TARGETS, as the other targets take minutes and are checked in
 * release-targets.test.ts), the Python sdist and wheel, the Go module, and SHA256SUMS that match them.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

jest.setTimeout(600_000);

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const PLUGIN = `pulumi-resource-cce-kubeconfig-v${VERSION}-linux-amd64.tar.gz`;
const COMMAND = `cce-kubeconfig-v${VERSION}-linux-amd64.tar.gz`;
let out: string;
let stdout: string;

/** `tar -tvzf`: one line per entry, mode first. */
async function listing(file: string): Promise<string[]> {
  return (await run("tar", ["-tvzf", file], { maxBuffer: 16 << 20 })).stdout.trim().split("\n");
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "cce-artifacts-"));
  // The suite's global setup has built dist/; a rebuild now would rewrite it under other tests.
  const env = { ...process.env, CCE_ARTIFACTS_DIST_BUILT: "1", CCE_RELEASE_TARGETS: "linux-amd64" };
  ({ stdout } = await run("bash", [join(ROOT, "scripts", "build-artifacts.sh"), out], { cwd: ROOT, env, maxBuffer: 64 << 20 }));
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

test("one folder holds every artifact, and the script prints it last", () => {
  expect(stdout.trim().split("\n").at(-1)).toBe(out);
  expect(readdirSync(out).sort()).toEqual(
    [
      "SHA256SUMS",
      `cce-kubeconfig-go-sdk-v${VERSION}.tar.gz`,
      PLUGIN,
      COMMAND,
      `pulumi-cce-kubeconfig-${VERSION}.tgz`,
      `pulumi_cce_kubeconfig-${VERSION}-py3-none-any.whl`,
      `pulumi_cce_kubeconfig-${VERSION}.tar.gz`,
    ].sort(),
  );
});

test("SHA256SUMS matches every artifact (control: a changed byte would not match)", () => {
  const lines = readFileSync(join(out, "SHA256SUMS"), "utf8").trim().split("\n");
  expect(lines).toHaveLength(6);
  for (const line of lines) {
    const [sum, name] = line.split(/\s+\*?/) as [string, string];
    const bytes = readFileSync(join(out, name));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(sum);
    const changed = Buffer.from(bytes);
    changed[0] = changed[0]! ^ 1;
    expect(createHash("sha256").update(changed).digest("hex")).not.toBe(sum);
  }
});

test.each([
  [PLUGIN, "pulumi-resource-cce-kubeconfig"],
  [COMMAND, "cce-kubeconfig"],
])("%s is one executable at its root, owned by 0:0 at mtime 0: no node_modules, no symlink", async (archive, executable) => {
  const entries = await listing(join(out, archive));
  expect(entries.map((e) => e.split(/\s+/).at(-1))).toEqual([executable]);
  expect(entries[0]).toMatch(/^-rwxr-xr-x 0\/0 .* 1970-01-01 00:00 /);
});

test("the npm package ships the plugin launcher as a bin, and no SDK sources", async () => {
  const entries = (await listing(join(out, `pulumi-cce-kubeconfig-${VERSION}.tgz`))).map((e) => e.split(/\s+/).at(-1));
  expect(entries).toContain("package/dist/plugin/main.js");
  expect(entries.filter((e) => e?.startsWith("package/sdk"))).toEqual([]);
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
  expect(manifest.bin["pulumi-resource-cce-kubeconfig"]).toBe("dist/plugin/main.js");
});

test("the Python wheel holds the pulumi_cce_kubeconfig module at the package's version", async () => {
  const wheel = join(out, `pulumi_cce_kubeconfig-${VERSION}-py3-none-any.whl`);
  const { stdout: names } = await run("python3", ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", wheel]);
  expect(names).toContain("pulumi_cce_kubeconfig/__init__.py");
  expect(names).toContain(`pulumi_cce_kubeconfig-${VERSION}.dist-info/METADATA`);
});

test("the Go module tarball holds go.mod with the module path the README names", async () => {
  const entries = (await listing(join(out, `cce-kubeconfig-go-sdk-v${VERSION}.tar.gz`))).map((e) => e.split(/\s+/).at(-1));
  expect(entries).toContain("go/go.mod");
  expect(readFileSync(join(ROOT, "sdk", "go", "go.mod"), "utf8")).toMatch(/^module github\.com\/pulumi-cce-kubeconfig\/pulumi-cce-kubeconfig\/sdk\/go$/m);
});
