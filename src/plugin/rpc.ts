/**
 * The plumbing between gRPC handlers and the operations: Structs to plain values and back, one
 * wrapper that turns a handler's result or error into the callback's, and the URN of the request
 * being served (for the warnings it raises).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type * as grpc from "@grpc/grpc-js";
import type { JavaScriptValue, Struct } from "google-protobuf/google/protobuf/struct_pb";
import { grpcJs, structPb } from "./modules";
import { statusOf } from "./status";

export type Props = Record<string, unknown>;

const requestUrn = new AsyncLocalStorage<string | undefined>();
/** The URN of the request whose handler is running, when it names one. */
export const currentUrn = (): string | undefined => requestUrn.getStore();

export const toProps = (struct: Struct | undefined): Props => (struct?.toJavaScript() ?? {}) as Props;
export const toStruct = (props: Props): Struct => structPb().Struct.fromJavaScript(props as Record<string, JavaScriptValue>);

/** A unary handler from an async function of the request; an error becomes its status (statusOf). */
export function unary<Req, Res>(handle: (request: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const urn = (call.request as { getUrn?: () => string }).getUrn?.() || undefined;
    requestUrn
      .run(urn, () => Promise.resolve().then(() => handle(call.request)))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(statusOf(error, grpcJs().status)),
      );
  };
}

const PLUGIN = "the cce-kubeconfig provider";

/** A method the plugin has no use for; the engine takes UNIMPLEMENTED as "none" where it may call it. */
export function unimplemented<Req, Res>(method: string, why: string): grpc.handleUnaryCall<Req, Res> {
  return (_call, callback) => callback({ code: grpcJs().status.UNIMPLEMENTED, details: `${method} is not implemented by ${PLUGIN}: ${why}` });
}

export function unimplementedStream<Req, Res>(method: string, why: string): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => call.emit("error", { code: grpcJs().status.UNIMPLEMENTED, details: `${method} is not implemented by ${PLUGIN}: ${why}` });
}
