/**
 * The client's default dispatcher honours HTTP(S)_PROXY and NO_PROXY, except for loopback and
 * link-local hosts, which never go through a proxy (issue 21, item 9). A real forward proxy on
 * loopback relays the calls and counts them; it resolves every name to 127.0.0.1, as a proxy that
 * knows the cloud's names would, so a call to a name reaches the emulator through it.
 */
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import type { Emulator } from "../../src/emulator";
import { fetchInstanceCredential } from "../../src/api/ecs-metadata";
import { bypassesProxy } from "../../src/api/transport";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";

let emulator: Emulator;
let proxy: Server;
let relayed: string[] = [];
const tunnels = new Set<import("node:net").Socket>();
const saved = { HTTP_PROXY: process.env["HTTP_PROXY"], NO_PROXY: process.env["NO_PROXY"] };

beforeAll(async () => {
  emulator = await startTestEmulator();
  // A forward proxy that only tunnels (CONNECT), which is what undici's proxy agent asks for.
  proxy = createServer((_req, res) => res.writeHead(405).end());
  // undici tunnels through the proxy with CONNECT, for http: targets too.
  proxy.on("connect", (req, socket, head) => {
    relayed.push(`CONNECT ${req.url}`);
    tunnels.add(socket as import("node:net").Socket);
    const [, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), "127.0.0.1", () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  Object.assign(process.env, saved);
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  proxy.closeAllConnections();
  for (const socket of tunnels) socket.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await emulator.stop();
});

/** A fresh copy of the transport module, so its shared agents read the environment set by the test. */
function freshTransport(): typeof import("../../src/api/transport") {
  let mod: typeof import("../../src/api/transport") | undefined;
  jest.isolateModules(() => {
    mod = require("../../src/api/transport");
  });
  return mod!;
}

/** The emulator under another host name (`.test` is reserved: it resolves nowhere but through the proxy). */
const emulatorAt = (hostname: string) => {
  const url = new URL(emulator.url);
  url.hostname = hostname;
  return url.origin;
};
const PROXIED_NAME = "cce.proxied.test";

/**
 * A signed CCE call (show cluster) through the transport's default agents. The transport, not the
 * client: the client refuses http: to any host but loopback, and loopback now bypasses the proxy.
 */
async function showCluster(mod: typeof import("../../src/api/transport"), host = PROXIED_NAME): Promise<number> {
  const { accessKey, secretKey } = emulator.credentials[0]!;
  const answer = await mod.sendAttempt({
    method: "GET",
    url: new URL(`${emulatorAt(host)}/api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${DEFAULT_CLUSTER_ID}`),
    projectId: DEFAULT_PROJECT_ID,
    credentials: { kind: "aksk", accessKey, secretKey },
    timeoutMs: 5_000,
    deadlineMs: 5_000,
    signingDate: new Date(),
  });
  return answer.status;
}

function useProxy(noProxy?: string) {
  relayed = [];
  process.env["HTTP_PROXY"] = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  if (noProxy === undefined) delete process.env["NO_PROXY"];
  else process.env["NO_PROXY"] = noProxy;
}

test("calls go through HTTP_PROXY, and the signature still verifies", async () => {
  useProxy();
  expect(await showCluster(freshTransport())).toBe(200);
  expect(relayed).toEqual([`CONNECT ${new URL(emulatorAt(PROXIED_NAME)).host}`]);
});

test("NO_PROXY bypasses the proxy", async () => {
  useProxy(PROXIED_NAME);
  // Without the proxy the reserved name resolves nowhere: the call fails, and the proxy saw nothing.
  await expect(showCluster(freshTransport())).rejects.toThrow();
  expect(relayed).toEqual([]);
});

describe("loopback and link-local hosts never go through the proxy, even with NO_PROXY empty (issue 21, item 9)", () => {
  test.each(["127.0.0.1", "localhost"])("a CCE call to %s goes straight to it (control: a name goes through the proxy)", async (host) => {
    useProxy();
    const mod = freshTransport();
    expect(await showCluster(mod, host)).toBe(200);
    expect(relayed).toEqual([]);
    expect(await showCluster(mod)).toBe(200);
    expect(relayed).toEqual([`CONNECT ${new URL(emulatorAt(PROXIED_NAME)).host}`]);
  });

  test("the metadata service's keys never pass the proxy", async () => {
    useProxy();
    const credential = await fetchInstanceCredential(emulator.url, () => new Date());
    expect(credential.credentials.kind).toBe("aksk");
    expect(relayed).toEqual([]);
  });

  test("which hosts bypass: loopback and link-local addresses and localhost, not names that only start like them", () => {
    for (const host of ["127.0.0.1", "127.8.9.1", "169.254.169.254", "[::1]", "[fe80::1]", "localhost", "LOCALHOST.", "api.localhost"]) expect([host, bypassesProxy(host)]).toEqual([host, true]);
    for (const host of ["169.254.0.1.attacker.example", "localhost.example.com", "10.0.0.1", "cce.proxied.test", "[2001:db8::1]"]) expect([host, bypassesProxy(host)]).toEqual([host, false]);
  });
});
