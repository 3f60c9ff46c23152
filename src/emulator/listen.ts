/**
 * Listening and closing for the emulator's servers (the CCE API and each cluster's TLS endpoint):
 * every accepted socket is tracked, so stop() ends keep-alive connections instead of waiting on
 * them, and the count of accepted connections is there for tests of connection reuse.
 */
import type { Server } from "node:net";
import type { Socket } from "node:net";

export interface Listening {
  port: number;
  /** TCP connections accepted so far. */
  connectionsAccepted(): number;
  /** Stops listening and destroys open sockets. Idempotent. */
  close(): Promise<void>;
}

/** Starts `server` on `host:port` (0 picks a free port). */
export async function listen(server: Server, port: number, host: string): Promise<Listening> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on("connection", (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  let closed: Promise<void> | undefined;
  return {
    port: typeof address === "object" && address !== null ? address.port : 0,
    connectionsAccepted: () => accepted,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
