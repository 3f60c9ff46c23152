/**
 * Warnings a user sees in the engine's output, from inside the dynamic-provider host.
 *
 * The host runs no Pulumi program, so `pulumi.log.warn` there has no engine connection and falls
 * back to `console.warn`, which the engine shows only as plain text under the stack. The engine
 * starts every provider with its own address as the first argument (the host's `main(args)`), so a
 * provider can send the engine a real `Log` call: the warning is then shown and counted like any
 * other ("1 warning"). Tried with the 3.248 CLI: both reach the output; only the Log call counts
 * as a warning. Outside the host (in tests, or when that call fails), `console.warn` is the fallback.
 */
import { createRequire } from "node:module";

/** The engine's Log call waits at most this long: a warning must never hold up a deployment. */
const LOG_DEADLINE_MS = 5_000;

/** The host's script is `@pulumi/pulumi/cmd/dynamic-provider/index.js`, started as `node <script> <engine address>`. */
function engineAddress(argv: readonly string[]): string | undefined {
  const [, script, address] = argv;
  const inHost = script !== undefined && /[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/.test(script);
  return inHost && address !== undefined && /^[\w.[\]:-]+:\d+$/.test(address) ? address : undefined;
}

// The subset of the gRPC client and messages used here, so that this module's types load nothing.
interface LogRequest {
  setSeverity(severity: number): void;
  setMessage(message: string): void;
}
interface EngineClient {
  log(request: LogRequest, options: { deadline: Date }, callback: (error: Error | null) => void): void;
  close(): void;
}

/** Sends `message` to the engine as a WARNING; rejects when the engine cannot be reached. */
async function logToEngine(address: string, message: string): Promise<void> {
  // The SDK's own gRPC client and messages, resolved from the @pulumi/pulumi the host runs.
  const fromSdk = createRequire(require.resolve("@pulumi/pulumi/package.json"));
  const grpc = fromSdk("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
  const { EngineClient } = fromSdk("./proto/engine_grpc_pb") as { EngineClient: new (address: string, credentials: unknown) => EngineClient };
  const { LogRequest, LogSeverity } = fromSdk("./proto/engine_pb") as {
    LogRequest: new () => LogRequest;
    LogSeverity: { WARNING: number };
  };
  const request = new LogRequest();
  request.setSeverity(LogSeverity.WARNING);
  request.setMessage(message);
  const client = new EngineClient(address, grpc.credentials.createInsecure());
  try {
    await new Promise<void>((resolve, reject) =>
      client.log(request, { deadline: new Date(Date.now() + LOG_DEADLINE_MS) }, (error) => (error ? reject(error) : resolve())),
    );
  } finally {
    client.close();
  }
}

/** Shows `message` (which must hold no secret) as a warning in the engine output. */
export async function warnUser(message: string, argv: readonly string[] = process.argv): Promise<void> {
  const address = engineAddress(argv);
  if (address !== undefined) {
    try {
      await logToEngine(address, message);
      return;
    } catch {
      // Fall through: stderr reaches the engine output too, as plain text.
    }
  }
  console.warn(`warning: ${message}`);
}
