/**
 * Handing an emulator cluster over to an external Kubernetes API server (Emulator.handOverCluster).
 * The external server here is a real TLS server configured as kube-apiserver is (the handover's
 * serving pair, the client CA bundle as its only trust anchors, reloaded when it changes, client
 * certificates requested, not required) that answers with the subject it authenticated;
 * test/e2e/kubernetes.test.ts and test/e2e/revocation.test.ts do the same with the real kube-apiserver.
 */
import { X509Certificate } from "node:crypto";
import { createServer, request as httpsRequest, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import type { ClusterHandover, Emulator } from "../../src/emulator";
import type { ClusterCertResponse } from "../../src/api/types";
import { InvalidInputError } from "../../src/errors";
import { clientOf, DEFAULT_CLUSTER_ID, EIP_CLUSTER_ID, OTHER_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";

let emulator: Emulator;
const servers: Server[] = [];

beforeAll(async () => {
  // Two administrators' key pairs: two identities, each with its own issuer.
  emulator = await startTestEmulator({
    credentials: [
      { accessKey: "AKHANDOVER0000000001", secretKey: "SKhandover-secret-000000000000000000001" },
      { accessKey: "AKHANDOVER0000000002", secretKey: "SKhandover-secret-000000000000000000002" },
    ],
  });
});
afterAll(async () => {
  await emulator.stop();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/**
 * A stand-in API server: 200 with the client certificate's subject when the certificate was issued
 * by one in the current client CA bundle, 401 otherwise. That is kube-apiserver's check (Go's
 * x509 Verify with the bundle as roots, which need not be self-signed); Node's TLS cannot anchor
 * trust in an intermediate, so the stand-in verifies the one link itself.
 */
async function startStandIn(handover: Pick<ClusterHandover, "clientCaBundlePem" | "servingCertificatePem" | "servingKeyPem">): Promise<string> {
  const server = createServer({ cert: handover.servingCertificatePem, key: handover.servingKeyPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const raw = (req.socket as TLSSocket).getPeerX509Certificate()?.raw;
    const leaf = raw === undefined ? undefined : new X509Certificate(raw);
    const now = Date.now();
    const trusted =
      leaf !== undefined &&
      Date.parse(leaf.validFrom) <= now &&
      now < Date.parse(leaf.validTo) &&
      pemBlocks(handover.clientCaBundlePem()).some((issuer) => leaf.checkIssued(issuer) && leaf.verify(issuer.publicKey));
    res.writeHead(trusted ? 200 : 401, { "Content-Type": "text/plain", Connection: "close" });
    res.end(trusted ? leaf.subject : "Unauthorized");
  });
  server.on("tlsClientError", () => undefined);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const pemBlocks = (bundle: string): X509Certificate[] =>
  (bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));

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
  expect(serving.checkIssued(ca) && serving.verify(ca.publicKey)).toBe(true);
  // The controller manager's comes from the system issuer, in the client CA bundle, under the CA.
  const bundle = pemBlocks(handover.clientCaBundlePem());
  const system = bundle.find((issuer) => controllerManager.checkIssued(issuer) && controllerManager.verify(issuer.publicKey));
  expect(system?.subject).toBe(`CN=${DEFAULT_CLUSTER_ID} system\nO=cce-emulator`);
  expect(system?.checkIssued(ca) && system.verify(ca.publicKey)).toBe(true);
  // The cluster's CA itself is never a client CA: a retired issuer's certificates must chain to nothing trusted.
  expect(bundle.some((cert) => cert.fingerprint256 === ca.fingerprint256)).toBe(false);
  expect(bundle.length).toBeGreaterThanOrEqual(2);
  for (const cert of [serving, controllerManager]) expect(cert.validTo).toBe(ca.validTo);
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

test("after a revoke, the reloaded client CA bundle refuses every certificate the identity held and accepts the one minted next; another identity's still works", async () => {
  const handover = await emulator.handOverCluster(OTHER_CLUSTER_ID);
  const url = await startStandIn(handover);
  await handover.attach(url);
  const client = clientOf(emulator);
  const second = clientOf(emulator, { credentials: { kind: "aksk", ...emulator.credentials[1]! } });
  const [first, again, others] = [
    (await client.createClusterCertificate(OTHER_CLUSTER_ID, { duration: 1 })).config,
    (await client.createClusterCertificate(OTHER_CLUSTER_ID, { duration: 1 })).config,
    (await second.createClusterCertificate(OTHER_CLUSTER_ID, { duration: 1 })).config,
  ];
  // Both identities' first certificates work at once: their issuers were spares already in the bundle.
  for (const config of [first, again, others]) expect((await whoami(config, "internalCluster")).status).toBe(200);
  const userId = new X509Certificate(Buffer.from(first.users[0]!.user["client-certificate-data"], "base64")).subject.split("CN=")[1]!;

  await client.revokeCertificates(OTHER_CLUSTER_ID, { userId });
  expect(await whoami(first, "internalCluster")).toEqual({ status: 401, body: "Unauthorized" });
  expect(await whoami(again, "internalCluster")).toEqual({ status: 401, body: "Unauthorized" });
  expect((await whoami(others, "internalCluster")).status).toBe(200);
  const { config: fresh } = await client.createClusterCertificate(OTHER_CLUSTER_ID, { duration: 1 });
  expect(await whoami(fresh, "internalCluster")).toEqual({ status: 200, body: `O=system:masters\nCN=${userId}` });
  expect(emulator.certificates(OTHER_CLUSTER_ID).map((c) => c.revoked).slice(-4)).toEqual([true, true, false, false]);
});
