// Runs in every test file (jest setupFiles): a connection from the test process to the link-local
// range (the ECS metadata service, 169.254.169.254) fails at once instead of leaving the machine.
// Child processes get a loopback HW_ECS_METADATA_URL instead (test/helpers/cloud-free-env.ts).
import { Socket } from "node:net";

export const LINK_LOCAL_REFUSAL = "a test process tried to connect to the link-local range (169.254.0.0/16): set HW_ECS_METADATA_URL to loopback";

const original = Socket.prototype.connect;
const targetHost = (args: unknown[]): string | undefined => {
  const first = args[0];
  // net.connect() hands the socket its arguments already normalized, as one array.
  if (Array.isArray(first)) return targetHost(first);
  if (typeof first === "object" && first !== null && "host" in first) return String((first as { host?: unknown }).host);
  return typeof args[1] === "string" ? args[1] : undefined;
};
Socket.prototype.connect = function connect(this: Socket, ...args: unknown[]) {
  if (targetHost(args)?.startsWith("169.254.") === true) throw new Error(LINK_LOCAL_REFUSAL);
  return (original as (...a: unknown[]) => Socket).apply(this, args);
} as typeof Socket.prototype.connect;
