/**
 * The provider plugin as the engine runs it: the `pulumi-resource-cce-kubeconfig` single executable
 * from the linux-amd64 archive of `npm run package-plugin`, unpacked outside the repository (so no
 * node_modules can help it) and started with no `node` on PATH, started with an engine address, driven over gRPC the way the engine of CLI v3.248
 * drives it, against the emulator. The engine is a stand-in that records Log calls.
 */
import { recordOutput } from "./helpers/capture";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import type * as Grpc from "@grpc/grpc-js";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogSeverity, type LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type { Emulator } from "../src/emulator";
import { storedKubeconfigEntries } from "../src/kubeconfig/entries";
import { packageSchema } from "../src/plugin/schema";
import { SECRET_OUTPUTS } from "../src/plugin/properties";
import { isSecret, secret, unwrapSecrets } from "../src/plugin/secrets";
import { UNKNOWN } from "../src/provider/inputs";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, OTHER_CLUSTER_ID, startTestEmulator } from "./helpers/emulator";
import { findLeaks } from "./helpers/leak-scan";
import { cloudFreeEnv } from "./helpers/cloud-free-env";

// The gRPC runtime and protobuf of the @pulumi/pulumi whose stubs this file imports: with
// CCE_TEST_PULUMI_SDK (the Node 22 run) that is another copy than the repository's, and a client
// built from one copy's stubs refuses the other copy's credentials.
const fromSdk = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = fromSdk("@grpc/grpc-js") as typeof Grpc;
const { Empty } = fromSdk("google-protobuf/google/protobuf/empty_pb") as typeof EmptyPb;
const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb") as typeof StructPb;

const ROOT = join(__dirname, "..");
const NAME = "pulumi-resource-cce-kubeconfig";
const URN = "urn:pulumi:dev::plugin-test::cce-kubeconfig:index:ClusterCertificate::c";
const CALL_TIMEOUT_MS = 20_000;
const { version: VERSION } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

type Props = Record<string, unknown>;
type Unary<Req, Res> = (
  request: Req,
  metadata: Grpc.Metadata,
  options: Partial<Grpc.CallOptions>,
  callback: (error: Grpc.ServiceError | null, response: Res) => void,
) => Grpc.ClientUnaryCall;

let emulator: Emulator;
let plugin: ChildProcess;
let stdout = "";
let stderr = "";
let port: number;
let client: ResourceProviderClient;
let engine: Grpc.Server;
let pluginDir: string;
let engineAddress: string;
const logs: Array<{ severity: number; message: string; urn: string }> = [];

/** Newest modification time of the files the tarball is built from. */
function newestInput(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestInput(join(path, entry))));
}

/** The tarball, rebuilt when a source, the packaging script or the lockfile is newer. */
function pluginTarball(): string {
  const tarball = join(ROOT, "artifacts", `${NAME}-v${VERSION}-linux-amd64.tar.gz`);
  const inputs = ["src", "scripts/package-plugin.js", "scripts/release", "package.json", "package-lock.json"].map((p) => newestInput(join(ROOT, p)));
  let built = 0;
  try {
    built = statSync(tarball).mtimeMs;
  } catch {
    built = 0;
  }
  if (built > Math.max(...inputs)) return tarball;
  // Only the archive this file runs: a single executable takes most of a minute to build cold.
  const args = [join(ROOT, "scripts", "package-plugin.js"), "--target", "linux-amd64"];
  const printed = execFileSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", timeout: 300_000, stdio: ["ignore", "pipe", "ignore"] });
  const last = printed.trim().split("\n").at(-1)!;
  expect(last).toBe(tarball);
  return last;
}

/** A stand-in for the engine's service: records Log calls; the rest answer UNIMPLEMENTED. */
async function startEngine(): Promise<number> {
  engine = new grpc.Server();
  engine.addService(EngineService, {
    log: (call: Grpc.ServerUnaryCall<LogRequest, EmptyPb.Empty>, callback: Grpc.sendUnaryData<EmptyPb.Empty>) => {
      logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
      callback(null, new Empty());
    },
  } as Grpc.UntypedServiceImplementation);
  return new Promise((resolve, reject) =>
    engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
}

/** Starts the unpacked executable as the engine does and resolves with the port it prints. */
function startPlugin(engineAddress: string): Promise<number> {
  // Settings must come from Configure, modules from the bundle alone, and Node from the executable:
  // no folder on PATH, so no `node` could be found there.
  const env = cloudFreeEnv(process.env);
  delete env["NODE_PATH"];
  env["PATH"] = join(pluginDir, "no-such-folder");
  plugin = spawn(join(pluginDir, NAME), [engineAddress], { cwd: pluginDir, env, stdio: ["pipe", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the plugin printed no port within 20 s:\n${stdout}${stderr}`)), 20_000);
    plugin.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    plugin.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(\d+)\n/.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    plugin.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the plugin exited with ${code}:\n${stdout}${stderr}`));
    });
  });
}

function rpc<Req, Res>(method: Unary<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, new grpc.Metadata(), { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

const struct = (value: Props) => Struct.fromJavaScript(value as Record<string, StructPb.JavaScriptValue>);
const js = (value: StructPb.Struct | undefined): Props => (value?.toJavaScript() ?? {}) as Props;
const failuresOf = (response: pb.CheckResponse) => response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));

/** Configure as the engine sends it: `args` with secrets wrapped, and `variables` keyed `cce-kubeconfig:config:<key>`. */
async function configure(args: Props | undefined, variables: Record<string, string> = {}) {
  const request = new pb.ConfigureRequest().setAcceptsecrets(true).setAcceptresources(true).setType("pulumi:providers:cce-kubeconfig");
  if (args !== undefined) request.setArgs(struct(args));
  for (const [key, value] of Object.entries(variables)) request.getVariablesMap().set(key, value);
  return rpc(client.configure.bind(client), request);
}
const keys = () => ({ accessKey: emulator.credentials[0]!.accessKey, secretKey: secret(emulator.credentials[0]!.secretKey), projectId: DEFAULT_PROJECT_ID });

async function checkConfig(news: Props) {
  return rpc(client.checkConfig.bind(client), new pb.CheckRequest().setUrn("urn:pulumi:dev::plugin-test::pulumi:providers:cce-kubeconfig::default").setOlds(struct({})).setNews(struct(news)));
}
async function check(news: Props, olds: Props = {}) {
  const response = await rpc(client.check.bind(client), new pb.CheckRequest().setUrn(URN).setOlds(struct(olds)).setNews(struct(news)));
  return { inputs: js(response.getInputs()), failures: failuresOf(response) };
}
async function checked(news: Props, olds: Props = {}): Promise<Props> {
  const { inputs, failures } = await check(news, olds);
  expect(failures).toEqual([]);
  return inputs;
}
async function create(inputs: Props, preview = false) {
  const response = await rpc(client.create.bind(client), new pb.CreateRequest().setUrn(URN).setProperties(struct(inputs)).setPreview(preview));
  return { id: response.getId(), outs: js(response.getProperties()) };
}
async function diff(id: string, olds: Props, news: Props) {
  const response = await rpc(client.diff.bind(client), new pb.DiffRequest().setId(id).setUrn(URN).setOlds(struct(olds)).setNews(struct(news)));
  const detailed: Record<string, [string, boolean]> = {};
  const kinds = Object.fromEntries(Object.entries(pb.PropertyDiff.Kind).map(([k, v]) => [v, k]));
  response.getDetaileddiffMap().forEach((d, key) => (detailed[key] = [kinds[d.getKind()] as string, d.getInputdiff()]));
  return {
    changes: response.getChanges(),
    replaces: response.getReplacesList(),
    diffs: response.getDiffsList(),
    hasDetailedDiff: response.getHasdetaileddiff(),
    detailed,
  };
}
async function read(id: string, props?: Props) {
  const request = new pb.ReadRequest().setId(id).setUrn(URN);
  if (props !== undefined) request.setProperties(struct(props));
  const response = await rpc(client.read.bind(client), request);
  return { id: response.getId(), props: js(response.getProperties()), inputs: js(response.getInputs()), hasProperties: response.hasProperties() };
}
async function update(id: string, olds: Props, news: Props, preview = false) {
  const request = new pb.UpdateRequest().setId(id).setUrn(URN).setOlds(struct(olds)).setNews(struct(news)).setPreview(preview);
  return js((await rpc(client.update.bind(client), request)).getProperties());
}
const pluginInfo = async () => (await rpc(client.getPluginInfo.bind(client), new Empty())).getVersion();

beforeAll(async () => {
  const tarball = pluginTarball();
  pluginDir = mkdtempSync(join(tmpdir(), "cce-kubeconfig-plugin-test-"));
  execFileSync("tar", ["-xzf", tarball, "-C", pluginDir]);
  emulator = await startTestEmulator();
  engineAddress = `127.0.0.1:${await startEngine()}`;
  port = await startPlugin(engineAddress);
  client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 360_000);

afterAll(async () => {
  recordOutput("provider plugin", stdout + stderr);
  client?.close();
  if (plugin && plugin.exitCode === null && plugin.signalCode === null) {
    const exited = new Promise((resolve) => plugin.once("exit", resolve));
    plugin.kill("SIGKILL");
    await exited;
  }
  engine?.forceShutdown();
  await emulator?.stop();
  if (pluginDir) rmSync(pluginDir, { recursive: true, force: true });
});

describe("the provider plugin, bundled, over gRPC", () => {
  let inputs: Props;
  let id: string;
  let outs: Props;
  const clientKeys: string[] = [];
  const plainOf = (props: Props) => unwrapSecrets(props) as Props;

  test("the archive holds one executable (mode 755), an x86-64 ELF with the bundle injected, nothing else", () => {
    expect(readdirSync(pluginDir)).toEqual([NAME]);
    expect(statSync(join(pluginDir, NAME)).mode & 0o777).toBe(0o755);
    const binary = readFileSync(join(pluginDir, NAME));
    // ELF magic, 64-bit, e_machine 62 (EM_X86_64).
    expect([binary.subarray(0, 4).toString("latin1"), binary[4], binary.readUInt16LE(18)]).toEqual(["\x7fELF", 2, 62]);
    // The start of the bundle (its module table names grpc-js) is inside the executable.
    expect(binary.includes("node_modules/@grpc/grpc-js/build/src/constants.js")).toBe(true);
    expect(binary.includes("node_modules/@grpc/grpc-js/build/src/no-such-module.js")).toBe(false);
  });

  test("GetPluginInfo answers the package's version, and GetSchema exactly the committed schema.json", async () => {
    expect(await pluginInfo()).toBe(VERSION);
    const response = await rpc(client.getSchema.bind(client), new pb.GetSchemaRequest());
    const render = (schema: unknown) => `${JSON.stringify(schema, null, 2)}\n`;
    const committed = readFileSync(join(ROOT, "schema.json"), "utf8");
    expect(render(JSON.parse(response.getSchema()))).toBe(committed);
    // Control: the comparison sees a difference as small as the version.
    expect(render(packageSchema("9.9.9"))).not.toBe(committed);
  });

  test("Handshake accepts secrets, and neither resources nor outputs", async () => {
    const request = new pb.ProviderHandshakeRequest().setEngineAddress(engineAddress).setRootDirectory(pluginDir).setProgramDirectory(pluginDir);
    const response = await rpc(client.handshake.bind(client), request);
    expect([response.getAcceptSecrets(), response.getAcceptResources(), response.getAcceptOutputs()]).toEqual([true, false, false]);
  });

  test("CheckConfig refuses a misspelt setting, naming it and the closest setting; the engine's version passes", async () => {
    const refused = failuresOf(await checkConfig({ regoin: "ap-southeast-1", version: VERSION }));
    expect(refused).toEqual([{ property: "regoin", reason: "is not a setting of the cce-kubeconfig provider: did you mean region (cce-kubeconfig:region)?" }]);
    // Control: the right name passes.
    expect(failuresOf(await checkConfig({ region: "ap-southeast-1", version: VERSION }))).toEqual([]);
  });

  test("CheckConfig refuses a maxRetries that is not a whole number and an agency without its account", async () => {
    for (const maxRetries of ["2.5", 2.5, "many", -1]) {
      expect(failuresOf(await checkConfig({ maxRetries }))).toEqual([{ property: "maxRetries", reason: expect.stringContaining("must be a whole number of retries") }]);
    }
    expect(failuresOf(await checkConfig({ assumeRole: '{"agencyName":"ops"}' }))).toEqual([
      { property: "assumeRole", reason: "needs domainName or domainId, the account that owns the agency" },
    ]);
    // Controls: config text, an SDK's number and a whole agency pass.
    for (const maxRetries of ["3", 3]) expect(failuresOf(await checkConfig({ maxRetries }))).toEqual([]);
    expect(failuresOf(await checkConfig({ assumeRole: { agencyName: "ops", domainName: "acme" } }))).toEqual([]);
  });

  test("CheckConfig returns the credentials wrapped as secrets, and other settings plain", async () => {
    const { accessKey, secretKey } = emulator.credentials[0]!;
    const inputs = js((await checkConfig({ accessKey, secretKey, region: "ap-southeast-1" })).getInputs());
    expect(inputs["secretKey"]).toEqual(secret(secretKey));
    expect(inputs["accessKey"]).toEqual(secret(accessKey));
    expect(inputs["region"]).toBe("ap-southeast-1");
  });

  // Issue 21, item 1: on the previous main CheckConfig re-marked only the built-in credential keys,
  // so `pulumi config set --secret cce-kubeconfig:userName ...` reached the provider's state in plaintext.
  test("CheckConfig keeps every setting the user marked secret secret; control: the same settings unmarked come back plain", async () => {
    const marked = js((await checkConfig({ userName: secret("deployer-marked"), projectId: secret(DEFAULT_PROJECT_ID), region: "ap-southeast-1" })).getInputs());
    expect(marked["userName"]).toEqual(secret("deployer-marked"));
    expect(marked["projectId"]).toEqual(secret(DEFAULT_PROJECT_ID));
    expect(marked["region"]).toBe("ap-southeast-1");
    const plain = js((await checkConfig({ userName: "deployer-marked", projectId: DEFAULT_PROJECT_ID })).getInputs());
    expect(plain).toMatchObject({ userName: "deployer-marked", projectId: DEFAULT_PROJECT_ID });
  });

  test("a CheckConfig failure never repeats a value the user marked secret; control: the unmarked value is shown", async () => {
    const value = "retries-marked-secret";
    const [marked] = failuresOf(await checkConfig({ maxRetries: secret(value) }));
    expect(marked).toEqual({ property: "maxRetries", reason: "must be a whole number of retries, 0 or more; got a secret value (not shown)" });
    const role = secret({ agencyName: "ops-marked-agency", domain: "acme" });
    const [nested] = failuresOf(await checkConfig({ assumeRole: role }));
    expect(nested!.property).toBe("assumeRole");
    expect(JSON.stringify(nested)).not.toContain("ops-marked-agency");
    const [unmarked] = failuresOf(await checkConfig({ maxRetries: value }));
    expect(unmarked!.reason).toContain(value);
  });

  test("DiffConfig: a changed setting is an update of the provider, never a replacement", async () => {
    const diffConfig = async (olds: Props, news: Props) => {
      const response = await rpc(client.diffConfig.bind(client), new pb.DiffRequest().setUrn("urn:p").setOlds(struct(olds)).setNews(struct(news)));
      return { changes: response.getChanges(), replaces: response.getReplacesList(), diffs: response.getDiffsList() };
    };
    expect(await diffConfig({ region: "ap-southeast-1" }, { region: "eu-west-101" })).toEqual({ changes: pb.DiffResponse.DiffChanges.DIFF_SOME, replaces: [], diffs: ["region"] });
    expect(await diffConfig({ region: "ap-southeast-1" }, { region: "ap-southeast-1" })).toEqual({ changes: pb.DiffResponse.DiffChanges.DIFF_NONE, replaces: [], diffs: [] });
  });

  test("Configure's variables and args reach the settings: Check takes projectId from them, and names both sources when neither has it", async () => {
    const news = { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url };
    await configure(undefined, { "cce-kubeconfig:config:projectId": DEFAULT_PROJECT_ID });
    expect((await checked(news))["projectId"]).toBe(DEFAULT_PROJECT_ID);
    await configure({ projectId: DEFAULT_PROJECT_ID, version: VERSION });
    expect((await checked(news))["projectId"]).toBe(DEFAULT_PROJECT_ID);
    // Control: no config, no HW_PROJECT_ID in the plugin's environment.
    await configure({});
    expect((await check(news)).failures).toEqual([
      {
        property: "projectId",
        reason:
          "is not set: looked at the projectId input, stack config cce-kubeconfig:projectId and environment HW_PROJECT_ID; to look it up at IAM, " +
          "set the region (input, cce-kubeconfig:region / HW_REGION_NAME) or the project name (cce-kubeconfig:projectName / HW_PROJECT_NAME)",
      },
    ]);
  });

  test("Check keeps an input the user marked secret secret, and its failure never repeats the value; control: unmarked, the value is shown", async () => {
    await configure(keys());
    const base = { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url };
    const bad = "not/a-project-id-marked";
    const marked = await check({ ...base, projectId: secret(bad) });
    expect(marked.failures).toEqual([{ property: "projectId", reason: expect.stringContaining("got a secret value (not shown)") }]);
    expect(JSON.stringify(marked.failures)).not.toContain(bad);
    expect((await check({ ...base, projectId: bad })).failures[0]!.reason).toContain(JSON.stringify(bad));
    expect((await checked({ ...base, projectId: secret(DEFAULT_PROJECT_ID) }))["projectId"]).toEqual(secret(DEFAULT_PROJECT_ID));
  });

  test("Check refuses durtion and kind, naming duration and clusterKind, and sends nothing to CCE", async () => {
    await configure(keys());
    emulator.clearRequests();
    const base = { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url };
    expect((await check({ ...base, durtion: 30 })).failures).toEqual([{ property: "durtion", reason: expect.stringContaining("did you mean duration?") }]);
    expect((await check({ ...base, kind: "autopilot" })).failures).toEqual([{ property: "kind", reason: expect.stringContaining("did you mean clusterKind?") }]);
    expect(emulator.requests).toEqual([]);
    // Control: the same inputs spelt right pass.
    inputs = await checked({ ...base, duration: 30 });
    expect(inputs).toMatchObject({ duration: 30, projectId: DEFAULT_PROJECT_ID, clusterKind: "cce" });
  });

  test("Create at preview returns the inputs and every other output unknown (secret ones wrapped), and mints nothing", async () => {
    const before = emulator.mintCount();
    const preview = await create(inputs, true);
    expect(emulator.mintCount()).toBe(before);
    expect(preview.id).toBe("");
    expect(preview.outs).toMatchObject(inputs);
    expect(preview.outs["kubeconfig"]).toEqual(secret(UNKNOWN));
    expect(preview.outs["clientKeyData"]).toEqual(secret(UNKNOWN));
    expect(preview.outs["expiresAt"]).toBe(UNKNOWN);
  });

  test("Create mints exactly one certificate and returns every secret output wrapped by the provider itself", async () => {
    const before = emulator.mintCount();
    ({ id, outs } = await create(inputs));
    expect(emulator.mintCount()).toBe(before + 1);
    const issued = emulator.certificates(DEFAULT_CLUSTER_ID).at(-1)!;
    expect(id).toBe(`${DEFAULT_CLUSTER_ID}:${issued.serialNumber.toUpperCase()}`);
    expect(SECRET_OUTPUTS.sort()).toEqual(["certificateAuthorityData", "clientCertificateData", "clientKeyData", "clusters", "contexts", "kubeconfig", "server"]);
    for (const name of SECRET_OUTPUTS) expect([name, isSecret(outs[name])]).toEqual([name, true]);
    expect(outs).toMatchObject({ ...inputs, currentContext: "internal", expiresAt: issued.notAfter.toISOString(), clusterId: DEFAULT_CLUSTER_ID });
    // Control: the wrapped outputs are the certificate's own, derived from the kubeconfig.
    const plain = plainOf(outs);
    const entries = storedKubeconfigEntries(plain["kubeconfig"] as string);
    expect(plain["clientKeyData"]).toBe(entries.clientKeyData);
    expect(plain["server"]).toBe(entries.server);
    clientKeys.push(entries.clientKeyData);
  });

  test("Diff of unchanged inputs reports no change; a changed duration replaces, with a detailed diff", async () => {
    expect(await diff(id, outs, inputs)).toEqual({ changes: pb.DiffResponse.DiffChanges.DIFF_NONE, replaces: [], diffs: [], hasDetailedDiff: true, detailed: {} });
    // 90 days also moves the default renewBefore (a third of 30 days before) to 30 days.
    const news = await checked({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, duration: 90 }, inputs);
    expect(await diff(id, outs, news)).toEqual({
      changes: pb.DiffResponse.DiffChanges.DIFF_SOME,
      replaces: ["duration"],
      diffs: ["duration", "renewBefore"],
      hasDetailedDiff: true,
      detailed: { duration: ["UPDATE_REPLACE", true], renewBefore: ["UPDATE", true] },
    });
    const context = await checked({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, duration: 30, context: "internal" }, inputs);
    expect((await diff(id, outs, context)).detailed).toEqual({ context: ["UPDATE", true] });
  });

  test("Diff asks to replace on expiresAt when renewal is due", async () => {
    emulator.backdateCertificates(25); // a 30-day certificate issued 25 days ago: within its renewal window
    try {
      const old = await create(inputs);
      clientKeys.push(storedKubeconfigEntries(plainOf(old.outs)["kubeconfig"] as string).clientKeyData);
      expect(await diff(old.id, old.outs, inputs)).toMatchObject({ replaces: ["expiresAt"], detailed: { expiresAt: ["UPDATE_REPLACE", false] } });
    } finally {
      emulator.backdateCertificates(0);
    }
  });

  test("Update of context re-renders the stored certificate without minting, the same at preview", async () => {
    const news = await checked({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, duration: 30, context: "internal" }, inputs);
    const before = emulator.mintCount();
    const previewed = await update(id, outs, news, true);
    const updated = await update(id, outs, news);
    expect(emulator.mintCount()).toBe(before);
    expect(updated).toEqual({ ...outs, context: "internal" });
    expect(previewed).toEqual(updated);
    // Control: a context not known at preview leaves the outputs unknown instead.
    expect((await update(id, outs, { ...news, context: UNKNOWN }, true))["kubeconfig"]).toEqual(secret(UNKNOWN));
    outs = updated;
  });

  test("Read of the stored outputs keeps the id, returns the inputs, and mints nothing", async () => {
    const before = emulator.mintCount();
    const result = await read(id, outs);
    expect(emulator.mintCount()).toBe(before);
    expect(result.id).toBe(id);
    expect(result.props).toEqual(outs);
    expect(result.inputs).toEqual({ ...inputs, context: "internal" });
  });

  test("Read without properties (pulumi import, get) fails with the cannot-be-read-by-id message, mints nothing, and the plugin serves on", async () => {
    const before = emulator.mintCount();
    await expect(read(id)).rejects.toThrow(/cannot be read by id .*nothing was minted/);
    await expect(read(id, {})).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    expect(emulator.mintCount()).toBe(before);
    expect(await pluginInfo()).toBe(VERSION);
  });

  test("Read of a certificate of a deleted cluster reports it gone", async () => {
    const other = await create(await checked({ clusterId: OTHER_CLUSTER_ID, endpoint: emulator.url }));
    clientKeys.push(storedKubeconfigEntries(plainOf(other.outs)["kubeconfig"] as string).clientKeyData);
    // Control: while the cluster exists, the certificate is there.
    expect((await read(other.id, other.outs)).id).toBe(other.id);
    emulator.deleteCluster(OTHER_CLUSTER_ID);
    const before = emulator.mintCount();
    expect(await read(other.id, other.outs)).toMatchObject({ id: "", hasProperties: false });
    expect(emulator.mintCount()).toBe(before);
  });

  test("Delete sends nothing to CCE: no mint, no revocation", async () => {
    const revokes = emulator.revokeCount();
    emulator.clearRequests();
    await rpc(client.delete.bind(client), new pb.DeleteRequest().setId(id).setUrn(URN).setProperties(struct(outs)));
    expect(emulator.requests).toEqual([]);
    expect(emulator.revokeCount()).toBe(revokes);
  });

  test("a 429 with Retry-After is waited out and still mints exactly one certificate", async () => {
    emulator.clearRequests();
    emulator.injectFault({ path: "/clustercert", status: 429, headers: { "Retry-After": "1" } });
    const before = emulator.mintCount();
    const result = await create(inputs);
    clientKeys.push(storedKubeconfigEntries(plainOf(result.outs)["kubeconfig"] as string).clientKeyData);
    expect(emulator.mintCount()).toBe(before + 1);
    // Control: the fault was answered, so the plugin did retry.
    expect(emulator.requests.filter((r) => r.path.endsWith("/clustercert")).map((r) => r.status)).toEqual([429, 200]);
  });

  test("a wrong secret key fails with APIGW.0301 after one attempt, and the key is in no answer", async () => {
    const wrong = `${emulator.credentials[0]!.secretKey}-wrong`;
    await configure({ ...keys(), secretKey: secret(wrong) });
    emulator.clearRequests();
    const error = (await create(inputs).catch((e: unknown) => e)) as Grpc.ServiceError;
    expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(error.details).toContain("APIGW.0301");
    expect(emulator.requests.map((r) => r.status)).toEqual([401]);
    expect(findLeaks([error.details, JSON.stringify(error.metadata.getMap())], [wrong, emulator.credentials[0]!.secretKey])).toEqual([]);
    await configure(keys());
    // Control: with the right key the same inputs mint.
    const result = await create(inputs);
    clientKeys.push(storedKubeconfigEntries(plainOf(result.outs)["kubeconfig"] as string).clientKeyData);
  });

  test("a conflict of credential methods reaches the engine once, as a WARNING about the resource", async () => {
    expect(logs).toEqual([]);
    await configure({ ...keys(), token: secret(emulator.tokens[0]!) });
    for (let i = 0; i < 2; i++) {
      const result = await create(inputs);
      clientKeys.push(storedKubeconfigEntries(plainOf(result.outs)["kubeconfig"] as string).clientKeyData);
    }
    expect(logs).toEqual([{ severity: LogSeverity.WARNING, urn: URN, message: expect.stringContaining("more than one set of CCE credentials is configured; using an IAM token") }]);
    await configure(keys());
  });

  test("the plugin's stdout is the port alone, and its output holds neither a secret key nor a client key", () => {
    expect(stdout).toBe(`${port}\n`);
    const secrets = [emulator.credentials[0]!.secretKey, emulator.tokens[0]!, ...clientKeys];
    expect(clientKeys.length).toBeGreaterThanOrEqual(5);
    expect(findLeaks([stdout, stderr, ...logs.map((l) => l.message)], secrets)).toEqual([]);
    // Control: the scan finds a client key where one is.
    expect(findLeaks([JSON.stringify(plainOf(outs))], clientKeys).length).toBeGreaterThan(0);
  });

  test("SIGINT, as the engine sends at the end, ends the plugin with exit code 0", async () => {
    const exited = new Promise<number | null>((resolve) => plugin.once("exit", resolve));
    plugin.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
