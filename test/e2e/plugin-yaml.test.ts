/**
 * The cce-kubeconfig provider plugin from a Pulumi YAML program, through the plain CLI (`pulumi up`,
 * `preview`, `refresh`, `destroy`, `stack export` in a `runtime: yaml` project folder; no Automation
 * API), with both plugins installed as a user installs them (helpers/plugin-install.ts: tarballs,
 * a fresh PULUMI_HOME, PULUMI_IGNORE_AMBIENT_PLUGINS=true). The program is examples/yaml/Pulumi.yaml
 * itself, copied into the project folder (helpers/plugin-program.ts). The emulator's EIP cluster is
 * handed over to a real control plane, so the Kubernetes plugin creates real objects with the
 * minted kubeconfig; every mint is counted by the emulator.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify, stripVTControlCharacters } from "node:util";
import { parse } from "yaml";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { DAY_MS } from "../../src/constants";
import { DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { startClusterControlPlane, Steps, type ControlPlane } from "../helpers/kubernetes-control-plane";
import { findLeaks, pemSecrets } from "../helpers/leak-scan";
import { cceKubeconfigVersion, kubernetesPluginVersion, type PluginSetup } from "../helpers/plugin-install";
import { outputValues, pluginProgram, type PluginProgram, type UpOutcome } from "../helpers/plugin-program";
import { containsValue } from "../helpers/state-scan";
import { requireTool } from "../helpers/tools";
import { CLOSED_METADATA_URL } from "../helpers/cloud-free-env";

jest.setTimeout(600_000);

const CLUSTER_ID = EIP_CLUSTER_ID;
const USER: EmulatorCredential = { accessKey: "AKYAMLE2EUSER0000001", secretKey: "SKyaml-e2e-user-secret-key-000000000000001" };
/** A setting the user marks secret although the provider does not treat it as a credential (issue 21, item 1). */
const MARKED_DOMAIN = "acme-domain-marked-secret-by-the-user";
/**
 * The first certificate is minted this many days old (emulator.backdateCertificates): 65 of its
 * 365 days are left, outside the default 30-day renewal window, so refresh and a second up keep
 * it; renewBefore = RENEW_BEFORE_DAYS then makes it due without waiting.
 */
const BACKDATE_DAYS = 300;
const RENEW_BEFORE_DAYS = 100;

const run = promisify(execFile);
const steps = new Steps(() => plane);
let emulator: Emulator;
let plane: ControlPlane | undefined;
let setup: PluginSetup;
let kubectlBin: string;
let program: PluginProgram;

interface StackOutputs {
  namespace: string;
  configMap: string;
  configMapUid: string;
  expiresAt: string;
  kubeconfig: string;
}

/** An up's stack outputs, secrets in plaintext. */
const outputs = (up: UpOutcome): StackOutputs => outputValues<StackOutputs>(up);

/** kubectl with a kubeconfig (written 0600 under the work folder); an unexpected failure is the API server's. */
async function kubectl(kubeconfig: string, args: string[]): Promise<string> {
  const file = join(program.work, "current.kubeconfig");
  writeFileSync(file, kubeconfig, { mode: 0o600 });
  return steps.run(
    `kubectl ${args.join(" ")}`,
    async () => (await run(kubectlBin, ["--kubeconfig", file, "--cache-dir", join(program.work, "kcache"), "--request-timeout", "30s", ...args])).stdout,
    "kube-apiserver",
  );
}

interface KubeObject {
  metadata: { uid: string; name: string; namespace?: string };
  data?: Record<string, string>;
}

async function getObject(kubeconfig: string, args: string[]): Promise<KubeObject> {
  return JSON.parse(await kubectl(kubeconfig, ["get", ...args, "-o", "json"])) as KubeObject;
}

beforeAll(async () => {
  kubectlBin = await steps.run("finding kubectl", () => requireTool("kubectl"), "build (kubectl is the machine's)");
  emulator = await startTestEmulator({ credentials: [USER] });
  program = pluginProgram({
    name: "plugin-yaml",
    language: "yaml",
    program: "examples/yaml/Pulumi.yaml",
    kubernetes: true,
    steps,
    config: {
      clusterId: CLUSTER_ID,
      "cce-kubeconfig:projectId": DEFAULT_PROJECT_ID,
      "cce-kubeconfig:accessKey": { value: USER.accessKey, secret: true },
      "cce-kubeconfig:secretKey": { value: USER.secretKey, secret: true },
      // Unused by a key-pair sign-in; here to prove that a value marked --secret stays secret in state.
      "cce-kubeconfig:domainName": { value: MARKED_DOMAIN, secret: true },
    },
    env: () => ({ HW_CCE_ENDPOINT: emulator.url }),
  });
  setup = await program.install();
  plane = await steps.run("starting etcd, kube-apiserver and kube-controller-manager", () => startClusterControlPlane(emulator, CLUSTER_ID));
}, 600_000);

afterAll(async () => {
  await steps.stop();
  await emulator?.stop();
  await program?.dispose();
});

test("0. the plugins were installed from tarballs into the test's own PULUMI_HOME, and ambient plugins are ignored", () => {
  expect(setup.installed).toEqual(
    expect.arrayContaining([
      { name: "cce-kubeconfig", kind: "resource", version: cceKubeconfigVersion() },
      { name: "kubernetes", kind: "resource", version: kubernetesPluginVersion() },
    ]),
  );
  expect(setup.env["PULUMI_IGNORE_AMBIENT_PLUGINS"]).toBe("true");
  expect(Object.keys(setup.env).filter((k) => k.startsWith("HW_"))).toEqual(["HW_ECS_METADATA_URL"]);
  expect(setup.env["HW_ECS_METADATA_URL"]).toBe(CLOSED_METADATA_URL);
});

test("1. a misspelled input (durtion: 30) fails preview before any request reaches the emulator; the error names durtion and duration", () =>
  steps.run("test 1", async () => {
    const typoDir = join(program.work, "typo");
    mkdirSync(typoDir);
    // The full type token here; the example uses the short form.
    writeFileSync(
      join(typoDir, "Pulumi.yaml"),
      [
        "name: cce-kubeconfig-yaml-typo",
        "runtime: yaml",
        "resources:",
        "  cert:",
        "    type: cce-kubeconfig:index:ClusterCertificate",
        "    properties:",
        `      clusterId: ${CLUSTER_ID}`,
        "      durtion: 30",
        "",
      ].join("\n"),
    );
    // Complete settings (from the environment here, which the plugin reads too), so that nothing but
    // the typo can fail the preview.
    const settings = { HW_CCE_ENDPOINT: emulator.url, HW_PROJECT_ID: DEFAULT_PROJECT_ID, HW_ACCESS_KEY: USER.accessKey, HW_SECRET_KEY: USER.secretKey };
    const typo = program.sibling({ program: join(typoDir, "Pulumi.yaml"), stack: "typo", config: {}, env: () => settings });
    await typo.init();
    emulator.clearRequests();
    const mints = emulator.mintCount();
    const failed = await typo.preview({ expectFailure: true });
    // The YAML host colours its diagnostics even with --color=never.
    const message = stripVTControlCharacters(failed.message);
    // The Diagnostics section at the end (the progress lines above it carry a resource prefix).
    const diagnostics = message.slice(message.lastIndexOf("\nDiagnostics:\n"));
    const error = /Error: Property durtion does not exist on 'cce-kubeconfig:index:ClusterCertificate'[^]*?Existing properties are: [^\n]*/.exec(diagnostics)?.[0];
    console.log(`test 1: preview failed:\n${error ?? message.slice(-2000)}`);
    // The YAML host checks the program against the plugin's schema, so it refuses the typo before
    // the engine asks the plugin to check anything: it names the line and the known properties.
    expect(error).toMatch(/^Error: Property durtion does not exist on 'cce-kubeconfig:index:ClusterCertificate'\n\s+on Pulumi\.yaml line 8:\n\s+8:\s+durtion: 30\n/);
    expect(error).toMatch(/Existing properties are: [^\n]*\bduration\b/);
    expect(emulator.requests).toEqual([]);
    expect(emulator.mintCount()).toBe(mints);
  }));

test("1b. pulumi import of a certificate is refused with the provider's message, minting nothing and storing nothing", () =>
  steps.run("test 1b", async () => {
    const importDir = join(program.work, "import");
    mkdirSync(importDir);
    writeFileSync(join(importDir, "Pulumi.yaml"), ["name: cce-kubeconfig-yaml-import", "runtime: yaml", "resources: {}", ""].join("\n"));
    const settings = { HW_CCE_ENDPOINT: emulator.url, HW_PROJECT_ID: DEFAULT_PROJECT_ID, HW_ACCESS_KEY: USER.accessKey, HW_SECRET_KEY: USER.secretKey };
    const imports = program.sibling({ program: join(importDir, "Pulumi.yaml"), stack: "import", config: {}, env: () => settings });
    await imports.init();
    emulator.clearRequests();
    const mints = emulator.mintCount();
    const failed = await imports.cli(["import", "cce-kubeconfig:index:ClusterCertificate", "adopted", CLUSTER_ID, "--yes", "--stack", "import"], { expectFailure: true });
    expect(stripVTControlCharacters(failed.stdout + failed.stderr)).toContain(`a ClusterCertificate cannot be read by id ("${CLUSTER_ID}")`);
    expect(emulator.requests).toEqual([]);
    expect(emulator.mintCount()).toBe(mints);
    // Control: the stack is still empty (no resource was imported, not even the stack resource).
    const exported = JSON.parse(await imports.exportState()) as { deployment: { resources?: unknown[] } };
    expect(exported.deployment.resources ?? []).toEqual([]);
  }));

let created: StackOutputs;

test("2. up mints exactly one certificate; the Namespace and ConfigMap exist on the API server, read with the minted kubeconfig", () =>
  steps.run("test 2", async () => {
    const mints = emulator.mintCount(CLUSTER_ID);
    emulator.backdateCertificates(BACKDATE_DAYS);
    let up: UpOutcome;
    try {
      up = await program.up();
    } finally {
      emulator.backdateCertificates(0);
    }
    expect(emulator.mintCount(CLUSTER_ID) - mints).toBe(1);
    // Control for test 1's empty request list: the emulator recorded this up's requests.
    expect(emulator.requests.filter((r) => r.path.includes("clustercert")).length).toBe(1);
    // The stack, the certificate, the Kubernetes provider, the Namespace, the ConfigMap (the
    // certificate's default provider is not counted).
    expect(up.changes).toEqual({ create: 5 });
    created = outputs(up);
    expect((Date.parse(created.expiresAt) - Date.now()) / DAY_MS).toBeCloseTo(365 - BACKDATE_DAYS, 0);
    expect(parse(created.kubeconfig)).toMatchObject({ kind: "Config" });
    const configMap = await getObject(created.kubeconfig, ["-n", created.namespace, "configmap", created.configMap]);
    expect(configMap.metadata).toMatchObject({ name: "settings", namespace: "apps", uid: created.configMapUid });
    expect(configMap.data).toEqual({ greeting: "hello from CCE" });
  }));

test("3. refresh and a second up mint nothing and change nothing", () =>
  steps.run("test 3", async () => {
    const mints = emulator.mintCount(CLUSTER_ID);
    await program.refresh({ expectNoChanges: true });
    expect(emulator.mintCount(CLUSTER_ID)).toBe(mints);
    const again = await program.up({ expectNoChanges: true });
    expect(again.changes).toEqual({ same: 5 });
    expect(emulator.mintCount(CLUSTER_ID)).toBe(mints);
  }));

let renewed: StackOutputs;

test("4. renewal: with renewBefore past the certificate's remaining days, up mints exactly one and keeps the ConfigMap (same uid)", () =>
  steps.run("test 4", async () => {
    const mints = emulator.mintCount(CLUSTER_ID);
    await program.setConfig("renewBefore", String(RENEW_BEFORE_DAYS));
    const up = await program.up();
    expect(emulator.mintCount(CLUSTER_ID) - mints).toBe(1);
    // The certificate is replaced; the Kubernetes provider is updated in place; the objects stay.
    const { changes, steps: done } = up;
    expect(changes).toEqual({ replace: 1, update: 1, same: 3 });
    expect([done["cert"], done["cce"], done["apps"], done["settings"]]).toEqual([["create-replacement", "replace", "delete-replaced"], ["update"], ["same"], ["same"]]);
    renewed = outputs(up);
    expect(renewed.kubeconfig).not.toBe(created.kubeconfig);
    expect((Date.parse(renewed.expiresAt) - Date.now()) / DAY_MS).toBeCloseTo(365, 0);
    expect(renewed.configMapUid).toBe(created.configMapUid);
    const configMap = await getObject(renewed.kubeconfig, ["-n", renewed.namespace, "configmap", renewed.configMap]);
    expect(configMap.metadata.uid).toBe(created.configMapUid);
  }));

test("5. pulumi stack export holds no plaintext client key, kubeconfig, access or secret key, nor a setting the user marked secret; control: a planted key is found", () =>
  steps.run("test 5", async () => {
    const state = await program.exportState();
    const clientKeys = [created, renewed].map((o) => {
      const user = (parse(o.kubeconfig) as { users: Array<{ user: Record<string, string> }> }).users[0]!.user;
      return user["client-key-data"]!;
    });
    const pems = clientKeys.map((data) => Buffer.from(data, "base64").toString("utf8"));
    expect(pems.every((pem) => pem.includes("PRIVATE KEY"))).toBe(true);
    const secrets = [USER.secretKey, USER.accessKey, MARKED_DOMAIN, created.kubeconfig, renewed.kubeconfig, ...clientKeys, ...pems.flatMap(pemSecrets)];

    // The kubeconfig is in the state, as ciphertext.
    const resources = (JSON.parse(state) as { deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> } }).deployment.resources;
    const certificate = resources.find((r) => r.type === "cce-kubeconfig:index:ClusterCertificate");
    expect(certificate?.outputs?.["kubeconfig"]).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });
    // The default provider's inputs hold the setting the user marked secret, as ciphertext.
    const provider = resources.find((r) => r.type === "pulumi:providers:cce-kubeconfig") as { inputs?: Record<string, unknown> } | undefined;
    expect(provider?.inputs?.["domainName"]).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });

    expect(secrets.filter((s) => containsValue(state, s))).toEqual([]);
    expect(findLeaks([state], secrets, ["stack export"])).toEqual([]);

    // Control: the same scans find a client key planted as a plaintext output.
    const planted = JSON.parse(state) as { deployment: { resources: Array<{ outputs?: Record<string, unknown> }> } };
    const target = planted.deployment.resources.find((r) => r.outputs !== undefined)!;
    target.outputs!["planted"] = pems[1];
    const plantedText = JSON.stringify(planted);
    expect(containsValue(plantedText, pems[1]!)).toBe(true);
    expect(findLeaks([plantedText], secrets, ["planted"]).length).toBeGreaterThan(0);
  }));

test("6. destroy deletes the ConfigMap and the Namespace on the API server and mints nothing", () =>
  steps.run("test 6", async () => {
    const mints = emulator.mintCount(CLUSTER_ID);
    const destroyed = await program.destroy();
    expect(destroyed.changes).toEqual({ delete: 5 });
    expect(emulator.mintCount(CLUSTER_ID)).toBe(mints);
    const file = join(program.work, "destroyed.kubeconfig");
    writeFileSync(file, renewed.kubeconfig, { mode: 0o600 });
    const gone = async (args: string[]) => {
      try {
        await run(kubectlBin, ["--kubeconfig", file, "--request-timeout", "30s", "get", ...args]);
      } catch (error) {
        return String((error as { stderr?: string }).stderr);
      }
      return `kubectl get ${args.join(" ")} found it`;
    };
    expect(await gone(["-n", renewed.namespace, "configmap", renewed.configMap])).toContain("NotFound");
    expect(await gone(["namespace", renewed.namespace])).toContain("NotFound");
  }));
