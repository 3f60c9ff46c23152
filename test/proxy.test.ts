/**
 * The client's default dispatcher honours HTTP(S)_PROXY and NO_PROXY. A real forward proxy on
 * loopback relays the calls and counts them.
 */
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import type { Emulator } from "../src/emulator";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "./helpers/emulator";

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
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
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

/** A fresh copy of the client module, so its shared agent reads the environment set by the test. */
function freshClient(): typeof import("../src/api/client") {
  let mod: typeof import("../src/api/client") | undefined;
  jest.isolateModules(() => {
    mod = require("../src/api/client");
  });
  return mod!;
}

function clientFrom(mod: typeof import("../src/api/client")) {
  const { accessKey, secretKey } = emulator.credentials[0]!;
  return new mod.CceClient({ endpoint: emulator.url, projectId: DEFAULT_PROJECT_ID, credentials: { kind: "aksk", accessKey, secretKey } });
}

test("calls go through HTTP_PROXY, and the signature still verifies", async () => {
  relayed = [];
  process.env["HTTP_PROXY"] = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  delete process.env["NO_PROXY"];
  await clientFrom(freshClient()).getCluster(DEFAULT_CLUSTER_ID);
  expect(relayed).toEqual([`CONNECT ${new URL(emulator.url).host}`]);
});

test("NO_PROXY bypasses the proxy", async () => {
  relayed = [];
  process.env["HTTP_PROXY"] = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  process.env["NO_PROXY"] = "127.0.0.1";
  await clientFrom(freshClient()).getCluster(DEFAULT_CLUSTER_ID);
  expect(relayed).toEqual([]);
});
