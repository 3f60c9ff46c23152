/**
 * The gRPC runtime and the generated Pulumi messages. The plugin never loads `@pulumi/pulumi`'s
 * index (its start-up alone is slower than this plugin's): only the stubs under `proto/`.
 *
 * In the bundle (scripts/package-plugin.js defines CCE_KUBECONFIG_BUNDLE) every module is inlined
 * by the literal requires below. Run from the npm package (dist/plugin/main.js), grpc-js and
 * google-protobuf are the ones of the user's @pulumi/pulumi, a peer dependency: the stubs it ships
 * were generated for them, and this package does not depend on them itself.
 */
import { createRequire } from "node:module";
import type * as Grpc from "@grpc/grpc-js";
import type * as EngineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as EnginePb from "@pulumi/pulumi/proto/engine_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as ProviderGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";

declare const CCE_KUBECONFIG_BUNDLE: boolean | undefined;
const BUNDLED = typeof CCE_KUBECONFIG_BUNDLE !== "undefined" && CCE_KUBECONFIG_BUNDLE;

let sdk: NodeJS.Require | undefined;
/** `require` as seen from the @pulumi/pulumi installed beside this package. */
const fromSdk = (id: string): unknown => (sdk ??= createRequire(require.resolve("@pulumi/pulumi/package.json")))(id);

export const grpcJs = (): typeof Grpc => (BUNDLED ? require("@grpc/grpc-js") : fromSdk("@grpc/grpc-js")) as typeof Grpc;

export const structPb = (): typeof StructPb =>
  (BUNDLED ? require("google-protobuf/google/protobuf/struct_pb.js") : fromSdk("google-protobuf/google/protobuf/struct_pb.js")) as typeof StructPb;

export const emptyPb = (): typeof EmptyPb =>
  (BUNDLED ? require("google-protobuf/google/protobuf/empty_pb.js") : fromSdk("google-protobuf/google/protobuf/empty_pb.js")) as typeof EmptyPb;

export const providerGrpc = (): typeof ProviderGrpc => require("@pulumi/pulumi/proto/provider_grpc_pb.js") as typeof ProviderGrpc;
export const providerPb = (): typeof ProviderPb => require("@pulumi/pulumi/proto/provider_pb.js") as typeof ProviderPb;
export const pluginPb = (): typeof PluginPb => require("@pulumi/pulumi/proto/plugin_pb.js") as typeof PluginPb;
/** The engine's Log service, for warnings: loaded at the first one. */
export const engineGrpc = (): typeof EngineGrpc => require("@pulumi/pulumi/proto/engine_grpc_pb.js") as typeof EngineGrpc;
export const enginePb = (): typeof EnginePb => require("@pulumi/pulumi/proto/engine_pb.js") as typeof EnginePb;
