#!/usr/bin/env node
/**
 * `pulumi-resource-cce-kubeconfig`: the provider plugin's executable. The engine starts it as
 * `pulumi-resource-cce-kubeconfig [--logtostderr] [-v=N] [--tracing URL] <engine address>`, reads
 * the first line of stdout as the port, and at the end sends Cancel, then SIGINT to the process
 * group (SIGKILL 5 s later): see `newPlugin` and `ExecPlugin` in pulumi/pulumi
 * sdk/go/common/resource/plugin/plugin.go (v3.248.0). Like the SDK's provider server, it does not
 * watch stdin.
 */
import { servePlugin } from "./server";

/** The engine's address: the first argument that is not one of the flags the engine may add. */
export function engineAddressOf(args: readonly string[]): string | undefined {
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--tracing") i++;
    else if (arg !== "--logtostderr" && !arg.startsWith("-v=")) rest.push(arg);
  }
  return rest[0];
}

async function main(): Promise<void> {
  const plugin = await servePlugin({ engineAddress: engineAddressOf(process.argv.slice(2)) });
  const exit = () => {
    plugin.stop();
    process.exit(0);
  };
  process.once("SIGINT", exit);
  process.once("SIGTERM", exit);
  // One line, the port alone: the engine parses it as a number.
  process.stdout.write(`${plugin.port}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`pulumi-resource-cce-kubeconfig: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
