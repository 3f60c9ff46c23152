/**
 * A cluster's Kubernetes API server, reduced to what a credential check needs: mutual TLS with the
 * cluster's CA, `GET /version` and discovery. It proves that a minted kubeconfig works (and that a
 * certificate of another cluster does not).
 */
import { createServer } from "node:https";
import type { Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { ClusterAuthority } from "./ca";
import { listen } from "./listen";

export const KUBERNETES_VERSION = {
  major: "1",
  minor: "31",
  gitVersion: "v1.31.0-cce-emulator",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2024-08-13T00:00:00Z",
  goVersion: "go1.22.5",
  compiler: "gc",
  platform: "linux/amd64",
};

export interface ClusterApiServer {
  /** `https://127.0.0.1:PORT` */
  url: string;
  port: number;
  close(): Promise<void>;
  /**
   * Replaces the CAs that client certificates may chain to (the cluster's CA and its issuers,
   * issuers.ts), for later connections. Absent for an external server the emulator does not own.
   */
  trust?(caPems: readonly string[]): void;
}

function status(code: number, reason: string, message: string): object {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, details: {}, code };
}

function send(res: ServerResponse, code: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Normalizes a serial's hex form: uppercase, no leading zeros. */
export function normalizeSerial(serial: string): string {
  return serial.toUpperCase().replace(/^0+(?=.)/, "");
}

/**
 * Starts the TLS endpoint on 127.0.0.1, port 0. `isRevoked` receives the normalized serial of the
 * client certificate; a revoked certificate gets 401 (here every issuer stays trusted, so a revoke
 * is answered by serial; an external kube-apiserver learns it from the issuers it is given).
 */
export async function startClusterApiServer(
  authority: ClusterAuthority,
  isRevoked: (serial: string) => boolean,
): Promise<ClusterApiServer> {
  const server: Server = createServer(
    {
      key: authority.server.privateKeyPem,
      cert: authority.server.certificatePem,
      ca: [authority.ca.certificatePem],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      if (!peer.serialNumber || isRevoked(normalizeSerial(peer.serialNumber))) {
        send(res, 401, status(401, "Unauthorized", "Unauthorized"));
        return;
      }
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET") {
        send(res, 405, status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
      } else if (path === "/version") {
        send(res, 200, KUBERNETES_VERSION);
      } else if (path === "/api") {
        send(res, 200, {
          kind: "APIVersions",
          versions: ["v1"],
          serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: req.headers.host ?? "" }],
        });
      } else if (path === "/apis") {
        send(res, 200, { kind: "APIGroupList", apiVersion: "v1", groups: [] });
      } else {
        send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
      }
    },
  );
  // A refused client certificate fails the handshake; nothing to log.
  server.on("tlsClientError", () => undefined);
  const listening = await listen(server, 0, "127.0.0.1");
  return {
    url: `https://127.0.0.1:${listening.port}`,
    port: listening.port,
    close: listening.close,
    trust: (caPems) => server.setSecureContext({ key: authority.server.privateKeyPem, cert: authority.server.certificatePem, ca: [...caPems] }),
  };
}
