/**
 * The operations' warnings, shown in the engine's output. The engine of CLI v3.248 hides a
 * provider plugin's stdout and stderr (debug level only, unless the plugin dies: see
 * `newPlugin` in sdk/go/common/resource/plugin/plugin.go, which spares only the dynamic-provider
 * hosts), so a warning is sent as the engine's `Log` call, severity WARNING, on the resource whose
 * operation raised it. Without an engine address, or when that call fails, stderr is the fallback.
 */
import type { Client } from "@grpc/grpc-js";
import { engineGrpc, enginePb, grpcJs } from "./modules";

/** A warning must never hold up a deployment. */
const LOG_DEADLINE_MS = 5_000;

type EngineClient = InstanceType<ReturnType<typeof engineGrpc>["EngineClient"]>;

export interface EngineLog {
  /** Sends `message` (which never holds a secret) as a WARNING about `urn`. */
  warn(message: string, urn?: string): Promise<void>;
  close(): void;
}

export function engineLog(address: () => string | undefined): EngineLog {
  let client: EngineClient | undefined;
  let clientAddress: string | undefined;

  const connect = (target: string): EngineClient => {
    if (client === undefined || clientAddress !== target) {
      (client as Client | undefined)?.close();
      client = new (engineGrpc().EngineClient)(target, grpcJs().credentials.createInsecure());
      clientAddress = target;
    }
    return client;
  };

  return {
    async warn(message, urn) {
      const target = address();
      if (target !== undefined) {
        const { LogRequest, LogSeverity } = enginePb();
        const request = new LogRequest().setSeverity(LogSeverity.WARNING).setMessage(message).setUrn(urn ?? "");
        const sent = await new Promise<boolean>((resolve) =>
          connect(target).log(request, new (grpcJs().Metadata)(), { deadline: Date.now() + LOG_DEADLINE_MS }, (error) => resolve(error === null)),
        );
        if (sent) return;
      }
      process.stderr.write(`warning: ${message}\n`);
    },
    close() {
      (client as Client | undefined)?.close();
      client = undefined;
    },
  };
}
