/**
 * ExecKubeconfig from Python (issue 19, item 5): examples/python/exec_kubeconfig.py through the
 * generated SDK (sdk/python) and test/e2e/python/driver.py (an Automation API inline program),
 * with the cce-kubeconfig plugin installed from its tarball, against the emulator, through
 * helpers/plugin-program.ts. The credentials are in the environment, where the exec kubeconfig
 * takes them; the command's cache is the test's.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { pluginProgram, type PluginProgram, type UpOutcome } from "../helpers/plugin-program";
import { expectNoClientCredentialInState } from "../helpers/exec-state-audit";

jest.setTimeout(600_000);

const AK = "AKPYTHONEXECE2E00";
const SK = "SKpython-exec-e2e-secret-key-0000";

let emulator: Emulator;
let cache: string;
let program: PluginProgram;

/** The environment of pulumi: the emulator, the project, the command's cache, and (unless `keys` is false) the key pair. */
function env(keys = true): NodeJS.ProcessEnv {
  return {
    HW_CCE_ENDPOINT: emulator.url,
    HW_PROJECT_ID: DEFAULT_PROJECT_ID,
    CCE_KUBECONFIG_CACHE_DIR: cache,
    ...(keys ? { HW_ACCESS_KEY: AK, HW_SECRET_KEY: SK } : {}),
  };
}

const output = (r: UpOutcome, key: string) => r.outputs[key]?.value as string;
const cacheEntries = () => readdirSync(cache).filter((f) => f.endsWith(".json"));

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
  program = pluginProgram({
    name: "plugin-python-exec",
    language: "python",
    program: "examples/python/exec_kubeconfig.py",
    stack: "exec",
    config: { clusterId: EIP_CLUSTER_ID },
    env: () => env(),
  });
  await program.install();
  cache = join(program.work, "exec-cache");
});
afterAll(async () => {
  await emulator?.stop();
  await program?.dispose();
});

let created: UpOutcome;

test("up creates the ExecKubeconfig with exactly one mint, into the command's cache; kubeconfig and server are secret outputs; the kubeconfig runs cce-kubeconfig", async () => {
  created = await program.up();
  expect(created.changes).toEqual({ create: 2 });
  expect(emulator.mintCount(EIP_CLUSTER_ID)).toBe(1);
  expect(cacheEntries()).toHaveLength(1);
  expect(created.outputs["kubeconfig"]?.secret).toBe(true);
  expect(created.outputs["server"]?.secret).toBe(true);
  expect(created.outputs["clusterId"]).toEqual({ value: EIP_CLUSTER_ID, secret: false });
  const user = (parse(output(created, "kubeconfig")) as { users: Array<{ user: Record<string, unknown> }> }).users[0]!.user;
  expect(Object.keys(user)).toEqual(["exec"]);
  expect(user["exec"]).toMatchObject({ command: "cce-kubeconfig", args: ["credential", "--cluster-id", EIP_CLUSTER_ID] });
});

test("refresh and a second up mint nothing and change nothing", async () => {
  expect((await program.refresh()).changes).toEqual({ same: 2 });
  expect((await program.up()).changes).toEqual({ same: 2 });
  expect(emulator.mintCount(EIP_CLUSTER_ID)).toBe(1);
});

test("the export, plain and with secrets, holds no client certificate, no private key and no credential; control: the cache's key planted in it is found", async () => {
  const cacheEntry = readFileSync(join(cache, cacheEntries()[0]!), "utf8");
  await expectNoClientCredentialInState({ program, issued: emulator.certificates(EIP_CLUSTER_ID), credentials: [AK, SK], server: output(created, "server"), cacheEntry });
});

test("with credentials only in stack config, up fails with the documented message, stores nothing and mints nothing", async () => {
  const configOnly = program.sibling({
    stack: "config-only",
    config: {
      clusterId: EIP_CLUSTER_ID,
      "cce-kubeconfig:accessKey": { value: AK, secret: true },
      "cce-kubeconfig:secretKey": { value: SK, secret: true },
    },
    env: () => env(false),
  });
  const mints = emulator.mintCount();
  const failed = await configOnly.up({ expectFailure: true });
  expect(failed.ok).toBe(false);
  expect(failed.message).toContain("ExecKubeconfig: no CCE credentials outside the stack.");
  expect(failed.message).toContain("The stack config's credentials (cce-kubeconfig:accessKey + cce-kubeconfig:secretKey) are not used");
  expect(failed.message).not.toContain(SK);
  expect(emulator.mintCount()).toBe(mints);
  expect(await configOnly.exportState()).not.toContain("cce-kubeconfig:index:ExecKubeconfig");
  // Control: the stack that was created holds one.
  expect(await program.exportState()).toContain("cce-kubeconfig:index:ExecKubeconfig");
});

test("destroy deletes it and neither mints nor revokes", async () => {
  expect((await program.destroy()).changes).toEqual({ delete: 2 });
  expect([emulator.mintCount(), emulator.revokeCount()]).toEqual([1, 0]);
});
