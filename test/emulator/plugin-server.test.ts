/**
 * The provider plugin as the engine runs it: the `pulumi-resource-cce-kubeconfig` single executable
 * from the linux-amd64 archive of `npm run package-plugin`, unpacked outside the repository (so no
 * node_modules can help it) and started with no `node` on PATH, started with an engine address, driven over gRPC the way the engine of CLI v3.248
 * drives it, against the emulator. The engine is a stand-in that records Log calls.
 */
import { recordOutput } from "../helpers/capture";
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
import type { Emulator } from "../../src/emulator";
import { parse } from "yaml";
import { storedKubeconfigEntries } from "../../src/kubeconfig/stored";
import { packageSchema } from "../../src/plugin/schema";
import { SECRET_OUTPUTS } from "../../src/plugin/properties";
import { isSecret, secret, unwrapSecrets } from "../../src/plugin/secrets";
import { UNKNOWN } from "../../src/protocol";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, OTHER_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { findLeaks } from "../helpers/leak-scan";
import { cloudFreeEnv } from "../helpers/cloud-free-env";

// The gRPC runtime and protobuf of the @pulumi/pulumi whose stubs this file imports: with
// CCE_TEST_PULUMI_SDK (the Node 22 run) that is another copy than the repository's, and a client
// built from one copy's stubs refuses the other copy's credentials.
const fromSdk = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = fromSdk("@grpc/grpc-js") as typeof Grpc;
const { Empty } = fromSdk("google-protobuf/google/protobuf/empty_pb") as typeof EmptyPb;
const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb") as typeof StructPb;

const ROOT = join(__dirname, "..", "..");
const NAME = "pulumi-resource-cce-kubeconfig";
const URN = "urn:pulumi:dev::plugin-test::cce-kubeconfig:index:ClusterCertificate::c";
const EXEC_URN = "urn:pulumi:dev::plugin-test::cce-kubeconfig:index:ExecKubeconfig::e";
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
/** The shared plugin's output. */
let shared = { stdout: "", stderr: "" };
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

/** The unpacked launcher started as the engine starts it, with its output so far. */
interface Launched {
  child: ChildProcess;
  port: Promise<number>;
  output: { stdout: string; stderr: string };
}

/** Starts the unpacked executable with `env` as the engine does; `port` resolves with the port it prints. */
function launch(engineAddress: string, env: NodeJS.ProcessEnv): Launched {
  // Modules come from the bundle alone, and Node from the executable: no folder on PATH, so no
  // `node` could be found there.
  delete env["NODE_PATH"];
  env["PATH"] = join(pluginDir, "no-such-folder");
  const child = spawn(join(pluginDir, NAME), [engineAddress], { cwd: pluginDir, env, stdio: ["pipe", "pipe", "pipe"] });
  const output = { stdout: "", stderr: "" };
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the plugin printed no port within 20 s:\n${output.stdout}${output.stderr}`)), 20_000);
    child.stderr!.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      output.stdout += chunk.toString();
      const line = /^(\d+)\n/.exec(output.stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the plugin exited with ${code}:\n${output.stdout}${output.stderr}`));
    });
  });
  return { child, port, output };
}

/** Starts the plugin the tests share: settings must come from Configure. */
function startPlugin(engineAddress: string): Promise<number> {
  const launched = launch(engineAddress, cloudFreeEnv(process.env));
  plugin = launched.child;
  shared = launched.output;
  return launched.port;
}

/** Stops a launched plugin and waits for it to exit. */
async function kill(child: ChildProcess | undefined): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
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
/** Which plugin and resource a call goes to: by default the shared plugin and a ClusterCertificate. */
interface Target {
  client?: ResourceProviderClient;
  urn?: string;
}
const on = (target: Target) => ({ c: target.client ?? client, urn: target.urn ?? URN });

async function check(news: Props, olds: Props = {}, target: Target = {}) {
  const { c, urn } = on(target);
  const response = await rpc(c.check.bind(c), new pb.CheckRequest().setUrn(urn).setOlds(struct(olds)).setNews(struct(news)));
  return { inputs: js(response.getInputs()), failures: failuresOf(response) };
}
async function checked(news: Props, olds: Props = {}, target: Target = {}): Promise<Props> {
  const { inputs, failures } = await check(news, olds, target);
  expect(failures).toEqual([]);
  return inputs;
}
async function create(inputs: Props, preview = false, target: Target = {}) {
  const { c, urn } = on(target);
  const response = await rpc(c.create.bind(c), new pb.CreateRequest().setUrn(urn).setProperties(struct(inputs)).setPreview(preview));
  return { id: response.getId(), outs: js(response.getProperties()) };
}
async function diff(id: string, olds: Props, news: Props, target: Target = {}) {
  const { c, urn } = on(target);
  const response = await rpc(c.diff.bind(c), new pb.DiffRequest().setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news)));
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
async function read(id: string, props?: Props, target: Target = {}) {
  const { c, urn } = on(target);
  const request = new pb.ReadRequest().setId(id).setUrn(urn);
  if (props !== undefined) request.setProperties(struct(props));
  const response = await rpc(c.read.bind(c), request);
  return { id: response.getId(), props: js(response.getProperties()), inputs: js(response.getInputs()), hasProperties: response.hasProperties() };
}
async function update(id: string, olds: Props, news: Props, preview = false, target: Target = {}) {
  const { c, urn } = on(target);
  const request = new pb.UpdateRequest().setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news)).setPreview(preview);
  return js((await rpc(c.update.bind(c), request)).getProperties());
}
async function remove(id: string, props: Props, target: Target = {}) {
  const { c, urn } = on(target);
  await rpc(c.delete.bind(c), new pb.DeleteRequest().setId(id).setUrn(urn).setProperties(struct(props)));
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
  recordOutput("provider plugin", shared.stdout + shared.stderr);
  client?.close();
  await kill(plugin);
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
      { property: "assumeRole", reason: 'agency "ops" needs the account that owns it: set cce-kubeconfig:assumeRole.domainName (or .domainId)' },
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

  test("Check is dispatched by the URN's type: an ExecKubeconfig gets its own defaults and refuses ClusterCertificate's renewBefore", async () => {
    await configure(keys());
    const base = { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url };
    const exec = await checked(base, {}, { urn: EXEC_URN });
    expect(exec).toMatchObject({ command: "cce-kubeconfig", contextName: `cce-${DEFAULT_CLUSTER_ID}`, duration: 1, clusterId: DEFAULT_CLUSTER_ID });
    expect(exec).not.toHaveProperty("renewBefore");
    expect((await check({ ...base, renewBefore: 3 }, {}, { urn: EXEC_URN })).failures).toEqual([
      { property: "renewBefore", reason: expect.stringContaining("is not an input of ExecKubeconfig") },
    ]);
    // Control: the same inputs as a ClusterCertificate (a type nested under a component's counts as its own).
    const certificate = await checked(base, {}, { urn: "urn:pulumi:dev::plugin-test::my:index:Component$cce-kubeconfig:index:ClusterCertificate::c" });
    expect(certificate).toMatchObject({ duration: 365, renewBefore: 30 });
    expect(certificate).not.toHaveProperty("command");
  });

  test("a type the plugin does not serve is refused by every resource method, naming the types it serves, and nothing reaches CCE", async () => {
    const target = { urn: "urn:pulumi:dev::plugin-test::cce-kubeconfig:index:Nope::n" };
    const refusal = {
      code: grpc.status.INVALID_ARGUMENT,
      details: 'type: "cce-kubeconfig:index:Nope" is not a resource of the cce-kubeconfig provider, which serves cce-kubeconfig:index:CertificateRevocation, cce-kubeconfig:index:ClusterCertificate, cce-kubeconfig:index:ExecKubeconfig',
    };
    emulator.clearRequests();
    const props = { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url };
    await expect(check(props, {}, target)).rejects.toMatchObject(refusal);
    await expect(diff("x", props, props, target)).rejects.toMatchObject(refusal);
    await expect(create(props, false, target)).rejects.toMatchObject(refusal);
    await expect(read("x", props, target)).rejects.toMatchObject(refusal);
    await expect(update("x", props, props, false, target)).rejects.toMatchObject(refusal);
    await expect(remove("x", props, target)).rejects.toMatchObject(refusal);
    expect(emulator.requests).toEqual([]);
    // Control: the plugin serves on.
    expect(await pluginInfo()).toBe(VERSION);
  });

  test("Create of an ExecKubeconfig with credentials only in the provider's configuration fails with the documented message, minting nothing", async () => {
    await configure(keys());
    const inputs = await checked({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url }, {}, { urn: EXEC_URN });
    const before = emulator.mintCount();
    const error = (await create(inputs, false, { urn: EXEC_URN }).catch((e: unknown) => e)) as Grpc.ServiceError;
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toContain("ExecKubeconfig: no CCE credentials outside the stack.");
    expect(error.details).toContain("The stack config's credentials (cce-kubeconfig:accessKey + cce-kubeconfig:secretKey) are not used: the command cannot read the stack.");
    expect(emulator.mintCount()).toBe(before);
    expect(findLeaks([error.details], [emulator.credentials[0]!.secretKey])).toEqual([]);
    // Control: the same configuration mints a ClusterCertificate.
    const certificate = await create(await checked({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url }));
    clientKeys.push(storedKubeconfigEntries(plainOf(certificate.outs)["kubeconfig"] as string).clientKeyData);
    expect(emulator.mintCount()).toBe(before + 1);
  });

  test("the plugin's stdout is the port alone, and its output holds neither a secret key nor a client key", () => {
    expect(shared.stdout).toBe(`${port}\n`);
    const secrets = [emulator.credentials[0]!.secretKey, emulator.tokens[0]!, ...clientKeys];
    expect(clientKeys.length).toBeGreaterThanOrEqual(5);
    expect(findLeaks([shared.stdout, shared.stderr, ...logs.map((l) => l.message)], secrets)).toEqual([]);
    // Control: the scan finds a client key where one is.
    expect(findLeaks([JSON.stringify(plainOf(outs))], clientKeys).length).toBeGreaterThan(0);
  });

  test("SIGINT, as the engine sends at the end, ends the plugin with exit code 0", async () => {
    const exited = new Promise<number | null>((resolve) => plugin.once("exit", resolve));
    plugin.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});

describe("ExecKubeconfig in the plugin, with the credentials of the plugin's environment", () => {
  let execPlugin: Launched;
  let execClient: ResourceProviderClient;
  let cache: string;
  let target: Target;
  let inputs: Props;
  let id: string;
  let outs: Props;
  const plainOf = (props: Props) => unwrapSecrets(props) as Props;
  const execOf = (kubeconfig: unknown) => (parse(kubeconfig as string) as { users: Array<{ user: { exec: { command: string; args: string[] } } }> }).users[0]!.user.exec;

  beforeAll(async () => {
    cache = mkdtempSync(join(tmpdir(), "cce-kubeconfig-plugin-exec-cache-"));
    const { accessKey, secretKey } = emulator.credentials[0]!;
    const env = cloudFreeEnv(process.env, { HW_ACCESS_KEY: accessKey, HW_SECRET_KEY: secretKey, HW_PROJECT_ID: DEFAULT_PROJECT_ID, CCE_KUBECONFIG_CACHE_DIR: cache });
    execPlugin = launch(engineAddress, env);
    execClient = new ResourceProviderClient(`127.0.0.1:${await execPlugin.port}`, grpc.credentials.createInsecure());
    target = { client: execClient, urn: EXEC_URN };
  }, 30_000);

  afterAll(async () => {
    recordOutput("provider plugin (exec)", execPlugin.output.stdout + execPlugin.output.stderr);
    execClient?.close();
    await kill(execPlugin?.child);
    rmSync(cache, { recursive: true, force: true });
  });

  test("Create at preview returns unknown secret outputs and mints nothing", async () => {
    inputs = await checked({ clusterId: EIP_CLUSTER_ID, endpoint: emulator.url }, {}, target);
    const before = emulator.mintCount();
    const preview = await create(inputs, true, target);
    expect(emulator.mintCount()).toBe(before);
    expect(preview.outs["kubeconfig"]).toEqual(secret(UNKNOWN));
    expect(preview.outs["server"]).toEqual(secret(UNKNOWN));
    expect(preview.outs).not.toHaveProperty("clientKeyData");
  });

  test("Create mints one certificate into the command's cache and returns an exec kubeconfig, server and CA (secret), and no client certificate or key", async () => {
    const before = emulator.mintCount();
    ({ id, outs } = await create(inputs, false, target));
    expect(emulator.mintCount()).toBe(before + 1);
    expect(id).toBe(`${EIP_CLUSTER_ID}:exec`);
    for (const name of ["kubeconfig", "server", "certificateAuthorityData"]) expect([name, isSecret(outs[name])]).toEqual([name, true]);
    const plain = plainOf(outs);
    expect(execOf(plain["kubeconfig"])).toMatchObject({ command: "cce-kubeconfig", args: expect.arrayContaining(["credential", "--cluster-id", EIP_CLUSTER_ID]) });
    expect(plain).toMatchObject({ currentContext: `cce-${EIP_CLUSTER_ID}`, insecureSkipTlsVerify: false });
    expect(readdirSync(cache).filter((f) => f.endsWith(".json"))).toHaveLength(1);
    // No form of the minted certificate is in the outputs; control: the scan finds it in the cache entry.
    const issued = emulator.certificates(EIP_CLUSTER_ID).at(-1)!;
    const forms = [issued.certificatePem.trim(), Buffer.from(issued.certificatePem).toString("base64")];
    const holds = (text: string) => forms.filter((form) => text.includes(form) || text.includes(JSON.stringify(form).slice(1, -1)));
    expect(holds(JSON.stringify(plain))).toEqual([]);
    expect(JSON.stringify(plain)).not.toMatch(/client-(certificate|key)-data/);
    const entry = readdirSync(cache).find((f) => f.endsWith(".json"))!;
    expect(holds(readFileSync(join(cache, entry), "utf8")).length).toBeGreaterThan(0);
  });

  test("Diff: the same inputs change nothing; a new command updates in place", async () => {
    expect(await diff(id, outs, inputs, target)).toMatchObject({ changes: pb.DiffResponse.DiffChanges.DIFF_NONE, replaces: [] });
    const news = await checked({ clusterId: EIP_CLUSTER_ID, endpoint: emulator.url, command: "/opt/cce/bin/cce-kubeconfig" }, inputs, target);
    expect(await diff(id, outs, news, target)).toMatchObject({ changes: pb.DiffResponse.DiffChanges.DIFF_SOME, replaces: [], detailed: { command: ["UPDATE", true] } });
  });

  test("Update to a command path the program gives re-renders from state with no CCE call, the same at preview; a new context is left unknown at preview", async () => {
    const news = await checked({ clusterId: EIP_CLUSTER_ID, endpoint: emulator.url, command: "/opt/cce/bin/cce-kubeconfig" }, inputs, target);
    emulator.clearRequests();
    const previewed = await update(id, outs, news, true, target);
    const updated = await update(id, outs, news, false, target);
    expect(emulator.requests).toEqual([]);
    expect(previewed).toEqual(updated);
    expect(execOf(plainOf(updated)["kubeconfig"]).command).toBe("/opt/cce/bin/cce-kubeconfig");
    const context = await checked({ clusterId: EIP_CLUSTER_ID, endpoint: emulator.url, context: "internal" }, inputs, target);
    expect((await update(id, outs, context, true, target))["kubeconfig"]).toEqual(secret(UNKNOWN));
    expect(emulator.requests).toEqual([]);
    // Control: applied, the new context asks the command's cache for that context's server.
    const applied = plainOf(await update(id, outs, context, false, target));
    expect(applied["server"]).toBe(emulator.clusterEndpoint(EIP_CLUSTER_ID));
    expect(applied["server"]).not.toBe(plainOf(outs)["server"]);
  });

  test("Read mints nothing and keeps the state; Delete sends nothing to CCE", async () => {
    const before = emulator.mintCount();
    const result = await read(id, outs, target);
    expect(result.id).toBe(id);
    expect(result.props).toEqual(outs);
    expect(emulator.mintCount()).toBe(before);
    emulator.clearRequests();
    await remove(id, outs, target);
    expect(emulator.requests).toEqual([]);
  });
});
