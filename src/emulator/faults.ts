/**
 * Scripted faults: a queue of FaultSpecs matched in order against each request, and the code that
 * answers with one (a status, a delay, a reset connection or a truncated body).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { STATUS_CODES } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { API_ERROR_CODES } from "../constants";
import { InvalidInputError } from "../errors";
import type { FaultSpec } from "./types";

/** CCE's error code for each status (docs/cce-api.md, "Errors"), used for a fault's default body. */
const CCE_CODES: Readonly<Record<number, string>> = {
  400: API_ERROR_CODES.invalidRequest,
  401: API_ERROR_CODES.unauthorized,
  403: API_ERROR_CODES.forbidden,
  404: API_ERROR_CODES.notFound,
  409: API_ERROR_CODES.conflict,
  429: API_ERROR_CODES.throttled,
  500: API_ERROR_CODES.internal,
};

/** The start of a kubeconfig, the default body of a truncated answer. */
const TRUNCATED_BODY = '{"kind":"Config","apiVersion":"v1","preferences":{},"clusters":[';

interface QueuedFault {
  spec: FaultSpec;
  remaining: number;
}

export class FaultQueue {
  private queue: QueuedFault[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!(times > 0) || (!Number.isInteger(times) && times !== Infinity)) {
      throw new InvalidInputError("FaultSpec.times", "must be a positive integer or Infinity");
    }
    this.queue.push({ spec: { ...spec, headers: spec.headers && { ...spec.headers } }, remaining: times });
  }

  clear(): void {
    this.queue = [];
  }

  /** The first fault matching the request, with one use consumed; undefined when none matches. */
  take(method: string, path: string): FaultSpec | undefined {
    const index = this.queue.findIndex(({ spec }) => matches(spec, method, path));
    if (index === -1) return undefined;
    const queued = this.queue[index]!;
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.queue.splice(index, 1);
    return queued.spec;
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (spec.path === undefined) return true;
  if (typeof spec.path === "string") return path.includes(spec.path);
  spec.path.lastIndex = 0;
  return spec.path.test(path);
}

export type FaultOutcome = { answered: false } | { answered: true; status: number };

function bodyText(spec: FaultSpec, status: number): string {
  if (typeof spec.body === "string") return spec.body;
  if (spec.body !== undefined) return JSON.stringify(spec.body);
  if (status < 400) return "";
  const code = CCE_CODES[status] ?? `CCE.01${status}001`;
  return JSON.stringify({ errorCode: code, errorMessage: STATUS_CODES[status] ?? "Fault injected" });
}

const STREAM_CHUNK = Buffer.alloc(64 * 1024, " ");

/** Streams `start` then spaces up to `bytes` in all, waiting for the client to drain each chunk. */
async function streamBody(res: ServerResponse, status: number, headers: Record<string, string>, start: string, bytes: number): Promise<void> {
  res.writeHead(status, { ...headers, "Content-Length": String(bytes) });
  let left = bytes;
  const head = Buffer.from(start).subarray(0, bytes);
  res.write(head);
  left -= head.length;
  while (left > 0 && !res.destroyed) {
    const chunk = left >= STREAM_CHUNK.length ? STREAM_CHUNK : STREAM_CHUNK.subarray(0, left);
    left -= chunk.length;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  }
  if (!res.destroyed) res.end();
}

/** Writes a status line and headers straight to the socket, bypassing Node's length checks. */
function rawHead(status: number, headers: Record<string, string>): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * Applies a fault. Returns `answered: false` when the fault only delays (the request is then
 * processed normally). `signal` aborts a pending delay when the emulator stops.
 */
export async function applyFault(
  spec: FaultSpec,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  signal: AbortSignal,
): Promise<FaultOutcome> {
  const socket = req.socket;
  if (spec.delayMs !== undefined && spec.delayMs > 0) {
    try {
      await sleep(spec.delayMs, undefined, { signal });
    } catch {
      socket.destroy();
      return { answered: true, status: 0 };
    }
  }
  if (spec.reset === "before-headers") {
    socket.resetAndDestroy();
    return { answered: true, status: 0 };
  }
  const status = spec.status ?? 200;
  const body = bodyText(spec, status);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Request-Id": requestId,
    ...spec.headers,
  };
  if (spec.reset === "after-headers" || spec.truncate === true) {
    const bytes = Buffer.from(spec.truncate === true ? body || TRUNCATED_BODY : "");
    // after-headers announces the body and sends none; truncate sends less than it announces.
    const announced = spec.truncate === true ? bytes.length + 64 : Math.max(Buffer.byteLength(body), 1);
    headers["Content-Length"] = String(announced);
    socket.write(Buffer.concat([Buffer.from(rawHead(status, headers)), bytes]), () => socket.destroy());
    return { answered: true, status };
  }
  if (spec.bodyBytes !== undefined) {
    await streamBody(res, status, headers, typeof spec.body === "string" ? spec.body : "{", spec.bodyBytes);
    return { answered: true, status };
  }
  if (spec.status === undefined && spec.body === undefined && spec.headers === undefined) {
    return { answered: false };
  }
  headers["Content-Length"] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
  return { answered: true, status };
}
