/**
 * The error bodies CCE clients meet, as in docs/cce-api.md ("Errors"): the plain CCE shape
 * (404, 403), the Kubernetes-style Status shape (400) and the API gateway shape (401).
 */
import type { ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { API_ERROR_CODES } from "../constants";

export function newRequestId(): string {
  return randomBytes(16).toString("hex");
}

/** Writes a JSON body with `X-Request-Id`; `headers` may add or override headers. */
export function sendJson(
  res: ServerResponse,
  requestId: string,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
    "X-Request-Id": requestId,
    ...headers,
  });
  res.end(text);
}

/** 404 in the plain CCE shape. */
export function notFound(res: ServerResponse, requestId: string, message: string): void {
  sendJson(res, requestId, 404, { errorCode: API_ERROR_CODES.notFound, errorMessage: message });
}

/** 403 in the plain CCE shape. */
export function forbidden(res: ServerResponse, requestId: string, message: string): void {
  sendJson(res, requestId, 403, { errorCode: API_ERROR_CODES.forbidden, errorMessage: message });
}

/** 400 in the Status shape; `message` names the offending field. */
export function badRequest(res: ServerResponse, requestId: string, message: string): void {
  sendJson(res, requestId, 400, {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code: 400,
    errorCode: API_ERROR_CODES.invalidRequest,
    errorMessage: "Invalid request.",
    error_code: "CCE_CM.0004",
    error_msg: "Request is invalid",
    message,
    reason: "BadRequest",
  });
}

/** 413 in the Status shape, for bodies larger than the emulator reads. */
export function payloadTooLarge(res: ServerResponse, requestId: string, limit: number): void {
  sendJson(res, requestId, 413, {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code: 413,
    errorCode: API_ERROR_CODES.invalidRequest,
    errorMessage: "Invalid request.",
    message: `request body larger than ${limit} bytes`,
    reason: "RequestEntityTooLarge",
  });
}

/** 401 in the API gateway shape; `reason` says what failed and never holds keys or signatures. */
export function unauthorized(res: ServerResponse, requestId: string, reason: string): void {
  sendJson(res, requestId, 401, {
    error_code: API_ERROR_CODES.gatewayUnauthorized,
    error_msg: `Incorrect IAM authentication information: ${reason}`,
    request_id: requestId,
  });
}
