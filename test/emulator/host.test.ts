/**
 * The provider behind the real dynamic-provider host of @pulumi/pulumi, driven over gRPC the way
 * the engine drives it, with the provider serialized from the packed install. Every module of the
 * gRPC client comes from the program folder; the repository's copies only lend their types.
 */
import { recordOutput } from "../helpers/capture";
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as grpc from "@grpc/grpc-js";
import type * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as pb from "@pulumi/pulumi/proto/provider_pb";
import type * as structPb from "google-protobuf/google/protobuf/struct_pb";
import type { Emulator } from "../../src/emulator";
import { storedKubeconfigEntries } from "../../src/kubeconfig/stored";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, OTHER_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { programDir, runNode } from "../helpers/program-dir";
import { cloudFreeEnv } from "../helpers/cloud-free-env";

const HOST = "node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js";
const URN = "urn:pulumi:dev::host-test::pulumi-nodejs:dynamic/cce:ClusterCertificate::c";
const CALL_TIMEOUT_MS = 20_000;

const SERIALIZE = `
const pulumi = require("@pulumi/pulumi");
const { clusterCertificateProvider } = require("pulumi-cce-kubeconfig");
pulumi.runtime.serializeFunction(() => clusterCertificateProvider, { allowSecrets: true })
  .then((sf) => process.stdout.write(sf.text));
`;

// What earlier versions stored in state as the provider: an object literal whose
// methods require the operations module by package name. Rebuilt here in the same form (the old
// shim's text, serialized by the same function), since an upgrade must keep such stacks working.
const SERIALIZE_EARLIER_SHIM = `
const pulumi = require("@pulumi/pulumi");
const IMPLEMENTATION = "pulumi-cce-kubeconfig/provider/operations";
const earlierShim = {
  async configure(req) { return require(IMPLEMENTATION).configure(req); },
  async check(olds, news) { return require(IMPLEMENTATION).check(olds, news); },
  async diff(id, olds, news) { return require(IMPLEMENTATION).diff(id, olds, news); },
  async create(inputs) { return require(IMPLEMENTATION).create(inputs); },
  async read(id, props) { return require(IMPLEMENTATION).read(id, props); },
  async update(id, olds, news) { return require(IMPLEMENTATION).update(id, olds, news); },
  async delete(id, props) { return require(IMPLEMENTATION).deleteCertificate(id, props); },
};
pulumi.runtime.serializeFunction(() => earlierShim, { allowSecrets: true })
  .then((sf) => process.stdout.write(sf.text));
`;

type Props = Record<string, unknown>;
type Unary<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

let emulator: Emulator;
let host: ChildProcess;
let hostOutput = "";
let client: providerGrpc.ResourceProviderClient;
let grpcJs: typeof grpc;
let proto: typeof pb;
let Struct: typeof structPb.Struct;
let providerText: string;

/** Starts the host in the program folder and resolves with the port it prints first. */
function startHost(): Promise<number> {
  // Settings must come from Configure, not from the developer's environment.
  const env = cloudFreeEnv(process.env, { PULUMI_PROJECT: "host-test" });
  host = spawn(process.execPath, [join(programDir(), HOST), "127.0.0.1:1"], { cwd: programDir(), env, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host printed no port within 20 s:\n${hostOutput}`)), 20_000);
    host.stderr!.on("data", (chunk: Buffer) => (hostOutput += chunk.toString()));
    host.stdout!.on("data", (chunk: Buffer) => {
      hostOutput += chunk.toString();
      const line = /^(\d+)\r?\n/.exec(hostOutput);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    host.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited with ${code}:\n${hostOutput}`));
    });
  });
}

/** One unary call with a deadline; a failure carries the host's output. */
function rpc<Req, Res>(method: Unary<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, new grpcJs.Metadata(), { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) =>
      error ? reject(new Error(`${error.message}\n--- host output ---\n${hostOutput}`)) : resolve(response),
    );
  });
}

const struct = (value: Props) => Struct.fromJavaScript(value as Record<string, structPb.JavaScriptValue>);
const js = (value: structPb.Struct | undefined): Props => (value?.toJavaScript() ?? {}) as Props;

async function check(news: Props, olds: Props = {}) {
  const request = new proto.CheckRequest().setUrn(URN).setOlds(struct(olds)).setNews(struct({ __provider: providerText, ...news }));
  const response = await rpc(client.check.bind(client), request);
  return {
    inputs: js(response.getInputs()),
    failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
  };
}

async function checked(news: Props, olds: Props = {}): Promise<Props> {
  const { inputs, failures } = await check(news, olds);
  expect(failures).toEqual([]);
  return inputs;
}

async function create(inputs: Props) {
  const response = await rpc(client.create.bind(client), new proto.CreateRequest().setUrn(URN).setProperties(struct(inputs)));
  return { id: response.getId(), outs: js(response.getProperties()) };
}

async function diff(id: string, olds: Props, news: Props) {
  const request = new proto.DiffRequest().setId(id).setUrn(URN).setOlds(struct(olds)).setNews(struct(news));
  const response = await rpc(client.diff.bind(client), request);
  return { changes: response.getChanges(), replaces: response.getReplacesList(), deleteBeforeReplace: response.getDeletebeforereplace() };
}

async function read(id: string, props: Props) {
  const response = await rpc(client.read.bind(client), new proto.ReadRequest().setId(id).setUrn(URN).setProperties(struct(props)));
  return { id: response.getId(), props: js(response.getProperties()) };
}

beforeAll(async () => {
  emulator = await startTestEmulator();
  providerText = await runNode(SERIALIZE);
  const load = createRequire(join(programDir(), "package.json"));
  grpcJs = load("@grpc/grpc-js");
  proto = load("@pulumi/pulumi/proto/provider_pb.js");
  Struct = (load("google-protobuf/google/protobuf/struct_pb.js") as typeof structPb).Struct;
  const { ResourceProviderClient } = load("@pulumi/pulumi/proto/provider_grpc_pb.js") as typeof providerGrpc;
  const port = await startHost();
  client = new ResourceProviderClient(`127.0.0.1:${port}`, grpcJs.credentials.createInsecure());
}, 45_000);

afterAll(async () => {
  recordOutput("dynamic-provider host", hostOutput);
  client?.close();
  if (host && host.exitCode === null && host.signalCode === null) {
    const exited = new Promise((resolve) => host.once("exit", resolve));
    host.kill();
    await exited;
  }
  await emulator?.stop();
});

describe("the dynamic-provider host of @pulumi/pulumi, over gRPC", () => {
  let inputs: Props;
  let id: string;
  let outs: Props;
  const clientKeys: string[] = [];

  test("Configure takes the whole stack config and refuses secrets", async () => {
    const { accessKey, secretKey } = emulator.credentials[0]!;
    const args = struct({ "huaweicloud:accessKey": accessKey, "huaweicloud:secretKey": secretKey, "huaweicloud:projectId": DEFAULT_PROJECT_ID });
    const response = await rpc(client.configure.bind(client), new proto.ConfigureRequest().setArgs(args));
    expect(response.getAcceptsecrets()).toBe(false);
  });

  test("Check resolves the defaults and keeps __provider", async () => {
    inputs = await checked({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url });
    expect(inputs).toEqual({
      __provider: providerText,
      clusterId: DEFAULT_CLUSTER_ID,
      projectId: DEFAULT_PROJECT_ID,
      endpoint: emulator.url,
      duration: 365,
      renewBefore: 30,
      context: "auto",
      useLegacyGet: false,
      clusterKind: "cce",
    });
  });

  test("Check reports a fractional duration as a failure of duration", async () => {
    const { failures } = await check({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, duration: 1.5 });
    expect(failures).toEqual([{ property: "duration", reason: expect.stringContaining("whole number of days") }]);
  });

  test("Create mints exactly one certificate and returns its id and outputs", async () => {
    const before = emulator.mintCount();
    ({ id, outs } = await create(inputs));
    expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(before + 1);
    expect(emulator.mintCount()).toBe(before + 1);
    const issued = emulator.certificates(DEFAULT_CLUSTER_ID).at(-1)!;
    expect(id).toBe(`${DEFAULT_CLUSTER_ID}:${issued.serialNumber.toUpperCase()}`);
    expect(outs).toMatchObject({ ...inputs, currentContext: "internal", expiresAt: issued.notAfter.toISOString() });
    expect(outs["kubeconfig"]).toEqual(expect.stringContaining("current-context: internal"));
    clientKeys.push(storedKubeconfigEntries(outs["kubeconfig"] as string).clientKeyData);
  });

  test("Diff of unchanged inputs against the stored outputs reports no change", async () => {
    expect(await diff(id, outs, inputs)).toEqual({ changes: proto.DiffResponse.DiffChanges.DIFF_NONE, replaces: [], deleteBeforeReplace: false });
  });

  test("Diff of a changed duration asks to replace on duration", async () => {
    const news = await checked({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, duration: 90 }, inputs);
    const result = await diff(id, outs, news);
    expect(result.changes).toBe(proto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(result.replaces).toEqual(["duration"]);
    expect(result.deleteBeforeReplace).toBe(false);
  });

  test("Update of context re-renders the stored certificate without minting", async () => {
    const news = await checked({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, context: "internal" }, inputs);
    expect(await diff(id, outs, news)).toEqual({ changes: proto.DiffResponse.DiffChanges.DIFF_SOME, replaces: [], deleteBeforeReplace: false });
    const before = emulator.mintCount();
    const request = new proto.UpdateRequest().setId(id).setUrn(URN).setOlds(struct(outs)).setNews(struct(news));
    const updated = js((await rpc(client.update.bind(client), request)).getProperties());
    expect(emulator.mintCount()).toBe(before);
    expect(updated).toEqual({ ...outs, context: "internal" });
    outs = updated;
  });

  test("Read of the stored outputs keeps the id and mints nothing", async () => {
    const before = emulator.mintCount();
    expect(await read(id, outs)).toEqual({ id, props: outs });
    expect(emulator.mintCount()).toBe(before);
  });

  test("a state written by an earlier version (its provider an object requiring the operations module) still diffs, reads and deletes, minting nothing", async () => {
    const earlier = await runNode(SERIALIZE_EARLIER_SHIM);
    expect(earlier).toContain("pulumi-cce-kubeconfig/provider/operations");
    expect(earlier).not.toBe(providerText);
    const stored = { ...outs, __provider: earlier };
    const before = emulator.mintCount();
    expect(await diff(id, stored, { ...inputs, context: outs["context"], __provider: earlier })).toEqual({
      changes: proto.DiffResponse.DiffChanges.DIFF_NONE,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await read(id, stored)).toEqual({ id, props: stored });
    await rpc(client.delete.bind(client), new proto.DeleteRequest().setId(id).setUrn(URN).setProperties(struct(stored)));
    expect(emulator.mintCount()).toBe(before);

    // Control: the host really runs the stored provider. One whose module is gone fails to read.
    const gone = await runNode(SERIALIZE_EARLIER_SHIM.replace("provider/operations", "provider/removed-module"));
    await expect(read(id, { ...outs, __provider: gone })).rejects.toThrow(/removed-module/);
  });

  test("Read reports a certificate of a deleted cluster as gone", async () => {
    const other = await create(await checked({ clusterId: OTHER_CLUSTER_ID, endpoint: emulator.url }));
    clientKeys.push(storedKubeconfigEntries(other.outs["kubeconfig"] as string).clientKeyData);
    expect(other.id).toMatch(new RegExp(`^${OTHER_CLUSTER_ID}:`));
    emulator.deleteCluster(OTHER_CLUSTER_ID);
    const before = emulator.mintCount();
    expect((await read(other.id, other.outs)).id).toBe("");
    expect(emulator.mintCount()).toBe(before);
  });

  test("Delete sends nothing to CCE: no mint, no revocation", async () => {
    const mints = emulator.mintCount();
    const revokes = emulator.revokeCount();
    emulator.clearRequests();
    await rpc(client.delete.bind(client), new proto.DeleteRequest().setId(id).setUrn(URN).setProperties(struct(outs)));
    expect(emulator.requests).toEqual([]);
    expect(emulator.mintCount()).toBe(mints);
    expect(emulator.revokeCount()).toBe(revokes);
  });

  test("the host's output holds neither the secret key nor a client key", () => {
    expect(clientKeys).toHaveLength(2);
    for (const secret of [emulator.credentials[0]!.secretKey, ...clientKeys]) expect(hostOutput).not.toContain(secret);
  });
});
