/**
 * Handing an emulator cluster over to an external Kubernetes API server (Emulator.handOverCluster).
 * The external server here is a real TLS server configured as kube-apiserver is (the handover's
 * serving pair, the cluster CA as client CA, client certificates requested, not required) that
 * answers with the subject it authenticated; test/e2e/kubernetes.test.ts does the same with the
 * real kube-apiserver.
 */
import { X509Certificate } from "node:crypto";
import { createServer, request as httpsRequest, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Emulator } from "../src/emulator";
import type { ClusterCertResponse } from "../src/api/types";
import { InvalidInputError } from "../src/errors";
import { clientOf, DEFAULT_CLUSTER_ID, EIP_CLUSTER_ID, OTHER_CLUSTER_ID, startTestEmulator } from "./helpers/emulator";

let emulator: Emulator;
const servers: Server[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.stop();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A stand-in API server: 200 with the verified client certificate's subject, 401 without one. */
async function startStandIn(pems: { caPem: string; servingCertificatePem: string; servingKeyPem: string }): Promise<string> {
  const server = createServer(
    { ca: pems.caPem, cert: pems.servingCertificatePem, key: pems.servingKeyPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      res.writeHead(socket.authorized ? 200 : 401, { "Content-Type": "text/plain" });
      res.end(socket.authorized ? new X509Certificate(socket.getPeerX509Certificate()!.raw).subject : "Unauthorized");
    },
  );
  server.on("tlsClientError", () => undefined);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** GET `/` of `server` with the kubeconfig's client certificate, verifying the server with its CA entry. */
function whoami(config: ClusterCertResponse, clusterName: string): Promise<{ status: number; body: string }> {
  const cluster = config.clusters.find((c) => c.name === clusterName)!.cluster;
  const user = config.users[0]!.user;
  const pem = (data: string | undefined) => Buffer.from(data ?? "", "base64").toString("utf8");
  const url = new URL(cluster.server);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        hostname: url.hostname,
        port: url.port,
        path: "/",
        ca: pem(cluster["certificate-authority-data"]),
        cert: pem(user["client-certificate-data"]),
        key: pem(user["client-key-data"]),
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test("the handover's certificates are issued by the cluster's CA: a serving pair for 127.0.0.1 and localhost, a system:masters client pair", async () => {
  const handover = await emulator.handOverCluster(DEFAULT_CLUSTER_ID);
  const ca = new X509Certificate(emulator.clusterCaPem(DEFAULT_CLUSTER_ID));
  const serving = new X509Certificate(handover.servingCertificatePem);
  const controllerManager = new X509Certificate(handover.controllerManagerCertificatePem);
  expect(handover.clusterId).toBe(DEFAULT_CLUSTER_ID);
  // Booleans, not PEMs, so a failure prints no certificate.
  expect(handover.caPem === emulator.clusterCaPem(DEFAULT_CLUSTER_ID)).toBe(true);
  expect(serving.subjectAltName).toBe("IP Address:127.0.0.1, DNS:localhost");
  expect(serving.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]); // serverAuth
  expect(controllerManager.subject).toBe("O=system:masters\nCN=system:kube-controller-manager");
  expect(controllerManager.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]); // clientAuth
  for (const cert of [serving, controllerManager]) {
    expect(cert.checkIssued(ca) && cert.verify(ca.publicKey)).toBe(true);
    expect(cert.validTo).toBe(ca.validTo);
  }
  // Control: another cluster's CA did not issue them.
  expect(serving.verify(new X509Certificate(emulator.clusterCaPem(OTHER_CLUSTER_ID)).publicKey)).toBe(false);
  // They are not minted certificates: the counters users assert on do not see them.
  expect(emulator.mintCount()).toBe(0);
});

test("until attach, the cluster keeps the emulator's own endpoint", async () => {
  const before = emulator.clusterEndpoint(DEFAULT_CLUSTER_ID);
  await emulator.handOverCluster(DEFAULT_CLUSTER_ID);
  expect(emulator.clusterEndpoint(DEFAULT_CLUSTER_ID)).toBe(before);
  const { config } = await clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
  expect(config.clusters[0]!.cluster.server).toBe(before);
});

test("after attach, clustercert answers and show-cluster name the external server, and minted certificates authenticate there as O=system:masters, CN=<user id>", async () => {
  const handover = await emulator.handOverCluster(EIP_CLUSTER_ID);
  const own = emulator.clusterEndpoint(EIP_CLUSTER_ID);
  const url = await startStandIn(handover);
  const port = new URL(url).port;
  await handover.attach(url);

  expect(emulator.clusterEndpoint(EIP_CLUSTER_ID)).toBe(url);
  const client = clientOf(emulator);
  const { config } = await client.createClusterCertificate(EIP_CLUSTER_ID, { duration: 1 });
  expect(config.clusters.map((c) => [c.name, c.cluster.server])).toEqual([
    ["internalCluster", url],
    ["externalCluster", `https://localhost:${port}`],
    ["externalClusterTLSVerify", `https://localhost:${port}`],
  ]);
  expect((await client.getCluster(EIP_CLUSTER_ID)).status?.endpoints).toEqual([
    { url, type: "Internal" },
    { url: `https://localhost:${port}`, type: "External" },
  ]);

  const userId = emulator.certificates(EIP_CLUSTER_ID).at(-1)!.subject.split("CN=")[1];
  expect(userId).toMatch(/^[0-9a-f]{32}$/);
  for (const entry of ["internalCluster", "externalClusterTLSVerify"]) {
    expect(await whoami(config, entry)).toEqual({ status: 200, body: `O=system:masters\nCN=${userId}` });
  }
  // Control: a certificate of another cluster is refused by the same server.
  const { config: other } = await client.createClusterCertificate(OTHER_CLUSTER_ID, { duration: 1 });
  expect(await whoami({ ...config, users: other.users }, "internalCluster")).toEqual({ status: 401, body: "Unauthorized" });
  // The emulator's own endpoint for the cluster is closed.
  await expect(whoami({ ...config, clusters: [{ name: "own", cluster: { ...config.clusters[0]!.cluster, server: own } }] }, "own")).rejects.toThrow(
    /ECONNREFUSED/,
  );
});

test("attach takes only https://127.0.0.1:PORT, the address the serving certificate names", async () => {
  const handover = await emulator.handOverCluster(OTHER_CLUSTER_ID);
  const before = emulator.clusterEndpoint(OTHER_CLUSTER_ID);
  for (const url of ["http://127.0.0.1:6443", "https://localhost:6443", "https://10.0.0.1:6443", "https://127.0.0.1", "https://127.0.0.1:6443/api", "not a url"]) {
    await expect(handover.attach(url)).rejects.toEqual(
      new InvalidInputError("url", `must be https://127.0.0.1:PORT, the address the serving certificate names; got ${JSON.stringify(url)}`),
    );
  }
  expect(emulator.clusterEndpoint(OTHER_CLUSTER_ID)).toBe(before);
  // Control: the accepted form, also with a trailing slash.
  await handover.attach("https://127.0.0.1:6443/");
  expect(emulator.clusterEndpoint(OTHER_CLUSTER_ID)).toBe("https://127.0.0.1:6443");
});

test("handing over an unknown cluster fails with the emulator's error", async () => {
  await expect(emulator.handOverCluster("no-such-cluster")).rejects.toMatchObject({
    code: "CCE_EMULATOR_ERROR",
    message: "the emulator has no cluster no-such-cluster",
  });
});
