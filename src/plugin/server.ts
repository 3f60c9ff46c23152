/**
 * The provider plugin's `pulumirpc.ResourceProvider` service: a thin layer over the same
 * operations the dynamic provider runs (provider/operations.ts). Served here rather than by
 * `@pulumi/pulumi/provider`'s `main`, which has no Configure hook, answers CheckConfig and
 * DiffConfig UNIMPLEMENTED, drops the detailed diff, never declares preview support and fails on
 * a read without properties (pulumi/pulumi #10915).
 *
 * The operations, the schema and their dependencies load at the first call that needs them, so
 * the engine gets the port after loading gRPC and the messages only.
 */
import type { IResourceProviderServer } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as Operations from "../provider/operations";
import type { CertificateOutputs } from "../provider/outputs";
import type { CheckFailure } from "../config/checked";
import type * as Config from "./config";
import type * as Properties from "./properties";
import type * as Schema from "./schema";
import { engineLog } from "./engine-log";
import { InvalidInputError } from "../errors";
import { emptyPb, grpcJs, pluginPb, providerGrpc, providerPb } from "./modules";
import { currentUrn, toProps, toStruct, unary, unimplemented, unimplementedStream, type Props } from "./rpc";
import { redactFailures, secretKeys, unwrapSecrets, wrapKeys } from "./secrets";
import { VERSION } from "./version";

const once = <T>(load: () => T): (() => T) => {
  let loaded: { value: T } | undefined;
  return () => (loaded ??= { value: load() }).value;
};
const config = once(() => require("./config") as typeof Config);
const properties = once(() => require("./properties") as typeof Properties);
const schema = once(() => require("./schema") as typeof Schema);

export interface ServiceOptions {
  /** The engine's address (the plugin's first argument), for warnings; Handshake and Attach may change it. */
  engineAddress?: string;
  /** Settings environment, clock and client options of the operations. @default process.env, the real clock */
  operations?: Omit<Operations.OperationsOptions, "warn">;
}

export function providerService(options: ServiceOptions = {}): { implementation: IResourceProviderServer; close(): void } {
  const pb = providerPb();
  const Empty = emptyPb().Empty;
  let engineAddress = options.engineAddress;
  const log = engineLog(() => engineAddress);
  const operations = once(() =>
    (require("../provider/operations") as typeof Operations).createOperations({ ...options.operations, warn: (message) => log.warn(message, currentUrn()) }),
  );
  /** Unwrapped values, and the top-level keys that were secret (they stay secret in what is returned). */
  const read = (struct: Parameters<typeof toProps>[0]) => {
    const raw = toProps(struct);
    return { raw, props: unwrapSecrets(raw) as Props, secrets: secretKeys(raw) };
  };
  const checkResponse = (inputs: Props, failures: readonly CheckFailure[] = []) =>
    new pb.CheckResponse()
      .setInputs(toStruct(inputs))
      .setFailuresList(failures.map((f) => new pb.CheckFailure().setProperty(f.property).setReason(f.reason)));
  const diffResponse = (changed: boolean | undefined, detailed: Record<string, { kind: Properties.PropertyDiffKind; inputDiff: boolean }>) => {
    const { DIFF_NONE, DIFF_SOME, DIFF_UNKNOWN } = pb.DiffResponse.DiffChanges;
    const response = new pb.DiffResponse().setChanges(changed === undefined ? DIFF_UNKNOWN : changed ? DIFF_SOME : DIFF_NONE);
    const keys = Object.keys(detailed);
    response.setDiffsList(keys).setReplacesList(keys.filter((k) => detailed[k]!.kind.endsWith("_REPLACE")));
    for (const key of keys) response.getDetaileddiffMap().set(key, new pb.PropertyDiff().setKind(pb.PropertyDiff.Kind[detailed[key]!.kind]).setInputdiff(detailed[key]!.inputDiff));
    // A detailed diff must list every change; an empty one with changes would hide them.
    return response.setHasdetaileddiff(changed === false || keys.length > 0);
  };

  const implementation: IResourceProviderServer = {
    getPluginInfo: unary(() => new (pluginPb().PluginInfo)().setVersion(VERSION)),
    getSchema: unary((request: ProviderPb.GetSchemaRequest) => {
      if (request.getSubpackageName() !== "") throw new InvalidInputError("subpackageName", "cce-kubeconfig has no subpackages");
      return new pb.GetSchemaResponse().setSchema(JSON.stringify(schema().packageSchema(VERSION)));
    }),
    // The engine takes the protocol from Handshake when it answers, and ignores Configure's then.
    handshake: unary((request: ProviderPb.ProviderHandshakeRequest) => {
      engineAddress = request.getEngineAddress() || engineAddress;
      return new pb.ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(false).setAcceptOutputs(false);
    }),
    attach: unary((request: { getAddress(): string }) => {
      engineAddress = request.getAddress() || engineAddress;
      return new Empty();
    }),
    cancel: unary(() => new Empty()),

    checkConfig: unary((request: ProviderPb.CheckRequest) => {
      const { inputs, failures } = config().checkConfig(toProps(request.getNews()));
      return checkResponse(inputs, failures);
    }),
    diffConfig: unary((request: ProviderPb.DiffRequest) => {
      const { changed, added, deleted } = config().diffConfig(toProps(request.getOlds()), toProps(request.getNews()));
      const kind = (k: string) => (added.includes(k) ? "ADD" : deleted.includes(k) ? "DELETE" : "UPDATE");
      return diffResponse(changed.length > 0, Object.fromEntries(changed.map((k) => [k, { kind: kind(k), inputDiff: true }])));
    }),
    configure: unary(async (request: ProviderPb.ConfigureRequest) => {
      await operations().configure({ config: config().stackConfigOf(toProps(request.getArgs()), request.getVariablesMap().toArray()) });
      return new pb.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(false).setAcceptoutputs(false);
    }),

    check: unary(async (request: ProviderPb.CheckRequest) => {
      const news = read(request.getNews());
      const result = await operations().check(read(request.getOlds()).props, news.props);
      return checkResponse(wrapKeys(result.inputs as Props, news.secrets), redactFailures(result.failures ?? [], news.raw));
    }),
    diff: unary(async (request: ProviderPb.DiffRequest) => {
      const olds = read(request.getOlds()).props;
      const news = read(request.getNews()).props;
      const result = await operations().diff(request.getId(), olds, news as never);
      const detailed = result.changes === true ? properties().certificateDiff(olds, news, result.replaces ?? []) : {};
      return diffResponse(result.changes, detailed).setDeletebeforereplace(result.deleteBeforeReplace === true);
    }),
    create: unary(async (request: ProviderPb.CreateRequest) => {
      const { props, secrets } = read(request.getProperties());
      if (request.getPreview()) return new pb.CreateResponse().setProperties(toStruct(properties().previewOutputs(props, secrets)));
      const { id, outs } = await operations().create(props as never);
      return new pb.CreateResponse().setId(id).setProperties(toStruct(properties().outputsToReturn(outs as CertificateOutputs, secrets)));
    }),
    // `pulumi import` and `get` send no properties: the operations refuse that, minting nothing.
    read: unary(async (request: ProviderPb.ReadRequest) => {
      const { props, secrets } = read(request.getProperties());
      // Inputs the user marked secret stay secret in the inputs Read hands back, as in Check's.
      const inputSecrets = request.hasInputs() ? read(request.getInputs()).secrets : [];
      const result = await operations().read(request.getId(), props);
      if (result.id === undefined || result.id === "") return new pb.ReadResponse();
      const stored = result.props as CertificateOutputs;
      const inputs = properties().inputsOf(stored);
      return new pb.ReadResponse()
        .setId(result.id)
        .setProperties(toStruct(properties().outputsToReturn(stored, secrets)))
        .setInputs(toStruct(wrapKeys(inputs, [...secrets, ...inputSecrets])));
    }),
    update: unary(async (request: ProviderPb.UpdateRequest) => {
      const { props: news, secrets } = read(request.getNews());
      if (request.getPreview() && properties().hasUnknowns(news)) return new pb.UpdateResponse().setProperties(toStruct(properties().previewOutputs(news, secrets)));
      // Re-rendering the stored certificate mints nothing, so a preview shows the real outputs.
      const { outs } = await operations().update(request.getId(), read(request.getOlds()).props as never, news as never);
      return new pb.UpdateResponse().setProperties(toStruct(properties().outputsToReturn(outs as CertificateOutputs, secrets)));
    }),
    delete: unary(async (request: ProviderPb.DeleteRequest) => {
      await operations().deleteCertificate(request.getId(), read(request.getProperties()).props);
      return new Empty();
    }),

    parameterize: unimplemented("Parameterize", "it is not a parameterized provider"),
    getMapping: unimplemented("GetMapping", "it has no mapping from another provider's resources"),
    getMappings: unimplemented("GetMappings", "it has no mapping from another provider's resources"),
    construct: unimplemented("Construct", "it has no component resources"),
    call: unimplemented("Call", "it has no methods"),
    invoke: unimplemented("Invoke", "it has no functions"),
    list: unimplementedStream("List", "certificates cannot be listed"),
  };
  return { implementation, close: () => log.close() };
}

export interface RunningPlugin {
  port: number;
  /** Stops serving at once (in-flight calls are cut off) and closes the engine connection. */
  stop(): void;
}

/** Serves the provider on 127.0.0.1 (port 0: the system picks one). */
export async function servePlugin(options: ServiceOptions = {}): Promise<RunningPlugin> {
  const grpc = grpcJs();
  // The SDK's limit (runtime/settings.ts maxRPCMessageSize): the engine sends whole states.
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  const service = providerService(options);
  server.addService(providerGrpc().ResourceProviderService, service.implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    stop() {
      server.forceShutdown();
      service.close();
    },
  };
}
