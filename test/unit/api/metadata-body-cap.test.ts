/**
 * Issue 21, item 9: the metadata service's answer is read with the same streaming cap as every
 * other answer. Before, it went through the global fetch and `response.text()`: a body without a
 * Content-Length was read whole, and an endless one until the 3 s timeout, whose error escaped as
 * a bare AbortError. A real server on loopback streams an endless chunked body.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fetchInstanceCredential, MetadataUnavailable } from "../../../src/api/ecs-metadata";

let server: Server;
let base: string;
let sent = 0;
let closedEarly = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === "PUT") return void res.writeHead(404).end();
    // Chunked, no Content-Length, never ending: only a reader that stops by itself gets out.
    res.writeHead(200, { "Content-Type": "application/json" });
    const chunk = Buffer.alloc(16 * 1024, " ");
    const pump = () => {
      while (!res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
    };
    res.on("close", () => (closedEarly = !res.writableFinished));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

test("an endless securitykey answer is cut at 64 KiB at once, and the connection closed (issue 21, item 9)", async () => {
  const start = Date.now();
  const refusal = fetchInstanceCredential(base, () => new Date(), 3_000);
  await expect(refusal).rejects.toThrow(MetadataUnavailable);
  await expect(refusal).rejects.toThrow("answered more than 65536 bytes, more than a securitykey answer holds");
  expect(Date.now() - start).toBeLessThan(1_500);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(closedEarly).toBe(true);
  // Control: the server did stream past the cap, so the cut was the client's.
  expect(sent).toBeGreaterThan(64 * 1024);
});
