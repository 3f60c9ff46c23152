/**
 * ExecKubeconfig from Python (issue 19, item 5): examples/python/exec_kubeconfig.py through the
 * generated SDK (sdk/python) and test/e2e/python/driver.py (an Automation API inline program),
 * with the cce-kubeconfig plugin installed from its tarball, against the emulator. The credentials
 * are in the environment, where the exec kubeconfig takes them; the command's cache is the test's.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import type { PluginSetup } from "../helpers/plugin-install";
import { installCcePlugin, pythonWithSdk, runDriver, runDriverOk, type DriverResult, type DriverSpec } from "../helpers/sdk-programs";
import { clientCredentialLeaks, containsValue } from "../helpers/state-scan";

jest.setTimeout(600_000);

/** The name in examples/python/Pulumi.yaml: the namespace of the program's own config. */
const PROJECT = "cce-kubeconfig-python";
const AK = "AKPYTHONEXECE2E00";
const SK = "SKpython-exec-e2e-secret-key-0000";
const DRIVER = join(__dirname, "python", "driver.py");
const EXAMPLE = join(__dirname, "..", "..", "examples", "python");

let emulator: Emulator;
let work: string;
let cache: string;
let setup: PluginSetup;
let python: string;

function spec(op: DriverSpec["op"], stack = "exec", config: DriverSpec["config"] = {}): DriverSpec {
  return {
    op,
    project: PROJECT,
    stack,
    workDir: join(work, "stack"),
    backendUrl: setup.backendUrl,
    exampleDir: EXAMPLE,
    module: "exec_kubeconfig",
    config: { [`${PROJECT}:clusterId`]: { value: EIP_CLUSTER_ID }, ...config },
  };
}

/** The environment of pulumi: the emulator, the project, the command's cache, and (unless `keys` is false) the key pair. */
function env(keys = true): NodeJS.ProcessEnv {
  return {
    ...setup.env,
    HW_CCE_ENDPOINT: emulator.url,
    HW_PROJECT_ID: DEFAULT_PROJECT_ID,
    CCE_KUBECONFIG_CACHE_DIR: cache,
    ...(keys ? { HW_ACCESS_KEY: AK, HW_SECRET_KEY: SK } : {}),
  };
}

const op = (name: DriverSpec["op"]) => runDriverOk(python, [DRIVER], spec(name), env());
const output = (r: DriverResult, key: string) => r.outputs?.[key]?.value as string;
const cacheEntries = () => readdirSync(cache).filter((f) => f.endsWith(".json"));

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
  work = mkdtempSync(join(tmpdir(), "cce-plugin-python-exec-"));
  cache = join(work, "exec-cache");
  mkdirSync(join(work, "stack"));
  setup = await installCcePlugin(work);
  python = await pythonWithSdk(work);
});
afterAll(async () => {
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

let created: DriverResult;

test("up creates the ExecKubeconfig with exactly one mint, into the command's cache; kubeconfig and server are secret outputs; the kubeconfig runs cce-kubeconfig", async () => {
  created = await op("up");
  expect(created.changes).toEqual({ create: 2 });
  expect(emulator.mintCount(EIP_CLUSTER_ID)).toBe(1);
  expect(cacheEntries()).toHaveLength(1);
  expect(created.outputs?.["kubeconfig"]?.secret).toBe(true);
  expect(created.outputs?.["server"]?.secret).toBe(true);
  expect(created.outputs?.["clusterId"]).toEqual({ value: EIP_CLUSTER_ID, secret: false });
  const user = (parse(output(created, "kubeconfig")) as { users: Array<{ user: Record<string, unknown> }> }).users[0]!.user;
  expect(Object.keys(user)).toEqual(["exec"]);
  expect(user["exec"]).toMatchObject({ command: "cce-kubeconfig", args: ["credential", "--cluster-id", EIP_CLUSTER_ID] });
});

test("refresh and a second up mint nothing and change nothing", async () => {
  expect((await op("refresh")).changes).toEqual({ same: 2 });
  expect((await op("up")).changes).toEqual({ same: 2 });
  expect(emulator.mintCount(EIP_CLUSTER_ID)).toBe(1);
});

test("the export, plain and with secrets, holds no client certificate, no private key and no credential; control: the cache's key planted in it is found", async () => {
  const issued = emulator.certificates(EIP_CLUSTER_ID);
  const plain = (await op("export")).state!;
  const shown = (await op("export-secrets")).state!;
  expect(clientCredentialLeaks(plain, issued, [AK, SK])).toEqual([]);
  expect(clientCredentialLeaks(shown, issued, [AK, SK])).toEqual([]);
  // The scan read decrypted outputs: the server is there in plaintext only with secrets shown.
  expect(containsValue(shown, output(created, "server"))).toBe(true);
  expect(containsValue(plain, output(created, "server"))).toBe(false);
  const planted = JSON.parse(shown) as { deployment: { resources: Array<{ outputs?: Record<string, unknown> }> } };
  planted.deployment.resources.find((r) => r.outputs !== undefined)!.outputs!["planted"] = readFileSync(join(cache, cacheEntries()[0]!), "utf8");
  expect(clientCredentialLeaks(JSON.stringify(planted), issued, []).length).toBeGreaterThan(0);
});

test("with credentials only in stack config, up fails with the documented message, stores nothing and mints nothing", async () => {
  const config = { "cce-kubeconfig:accessKey": { value: AK, secret: true }, "cce-kubeconfig:secretKey": { value: SK, secret: true } };
  const mints = emulator.mintCount();
  const failed = await runDriver(python, [DRIVER], spec("up", "config-only", config), env(false));
  expect(failed.ok).toBe(false);
  expect(failed.message).toContain("ExecKubeconfig: no CCE credentials outside the stack.");
  expect(failed.message).toContain("The stack config's credentials (cce-kubeconfig:accessKey + cce-kubeconfig:secretKey) are not used");
  expect(failed.message).not.toContain(SK);
  expect(emulator.mintCount()).toBe(mints);
  const state = (await runDriverOk(python, [DRIVER], spec("export", "config-only", config), env(false))).state!;
  expect(state).not.toContain("cce-kubeconfig:index:ExecKubeconfig");
  // Control: the stack that was created holds one.
  expect((await op("export")).state).toContain("cce-kubeconfig:index:ExecKubeconfig");
});

test("destroy deletes it and neither mints nor revokes", async () => {
  expect((await op("destroy")).changes).toEqual({ delete: 2 });
  expect([emulator.mintCount(), emulator.revokeCount()]).toEqual([1, 0]);
});
