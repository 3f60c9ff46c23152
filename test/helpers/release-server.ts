/**
 * A release host on 127.0.0.1, port 0, over HTTPS with a CA made for the test: it serves a folder at
 * `/releases/v<version>/` as a GitHub release serves its assets, and logs every request, so a
 * test can count what the Pulumi CLI downloaded. The CLI trusts the CA through SSL_CERT_FILE (Go
 * reads it on Linux in place of the system roots). The CLI fails a download with "expected -1
 * bytes" unless the response carries Content-Length, so every file is sent with it.
 */
import { createServer, type Server } from "node:https";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { AddressInfo } from "node:net";
import { createClusterAuthority } from "../../src/emulator/ca";

export interface ReleaseRequest {
  method: string;
  path: string;
  status: number;
  userAgent: string;
}

export interface ReleaseServer {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  /** The CA's PEM file, for SSL_CERT_FILE. */
  caFile: string;
  requests: ReleaseRequest[];
  /** Serves `folder` under `/releases/v<version>/` from now on (replacing what was served). */
  serve(version: string, folder: string): void;
  close(): Promise<void>;
}

/** Starts the server; `work` receives the CA's PEM. */
export async function startReleaseServer(work: string): Promise<ReleaseServer> {
  // The emulator's CA helper already issues a serving certificate for IP 127.0.0.1.
  const authority = await createClusterAuthority("release-server", new Date());
  const caFile = join(work, "release-ca.pem");
  writeFileSync(caFile, authority.ca.certificatePem);
  const requests: ReleaseRequest[] = [];
  let prefix = "/releases/v0.0.0/";
  let folder = work;
  const server: Server = createServer({ cert: authority.server.certificatePem, key: authority.server.privateKeyPem }, (req, res) => {
    const path = new URL(req.url ?? "/", "https://127.0.0.1").pathname;
    const name = path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : "";
    const file = join(folder, name);
    const found = name !== "" && basename(name) === name && statSync(file, { throwIfNoEntry: false })?.isFile() === true;
    requests.push({ method: req.method ?? "", path, status: found ? 200 : 404, userAgent: req.headers["user-agent"] ?? "" });
    if (!found) {
      res.writeHead(404, { "content-type": "text/plain", "content-length": "10" }).end("not found\n");
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(body.length) }).end(body);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    caFile,
    requests,
    serve(version, served) {
      prefix = `/releases/v${version}/`;
      folder = served;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
