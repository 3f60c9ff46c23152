/**
 * An error of an operation as the gRPC status the engine gets: the error's message only (the
 * package's errors never hold a header, body, key or certificate), and a code that tells the
 * engine whether the resource's state is known. The engine treats UNKNOWN, INTERNAL and DATA_LOSS
 * as "may have changed" and others as "nothing happened" (`resourceStateAndError` in
 * sdk/go/common/resource/plugin/provider_plugin.go, v3.248.0). A refused or failed CCE call left
 * nothing in state to track (a certificate minted by a call whose answer was lost is neither
 * readable nor revocable on its own), so only an unexpected error is UNKNOWN.
 */
import type { status as GrpcStatus } from "@grpc/grpc-js";
import { CredentialsError, InvalidInputError, isCceApiError, KubeconfigError } from "../errors";

export interface StatusError {
  code: GrpcStatus;
  details: string;
}

/** The HTTP answers CCE or IAM give, as the nearest gRPC codes. */
const BY_HTTP_STATUS: Readonly<Record<number, keyof typeof GrpcStatus>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "FAILED_PRECONDITION",
  429: "RESOURCE_EXHAUSTED",
};

export function statusOf(error: unknown, codes: typeof GrpcStatus): StatusError {
  const details = error instanceof Error ? error.message : String(error);
  if (error instanceof InvalidInputError || error instanceof CredentialsError || error instanceof KubeconfigError) {
    return { code: codes.INVALID_ARGUMENT, details };
  }
  if (isCceApiError(error)) {
    const name = error.status === undefined ? "UNAVAILABLE" : (BY_HTTP_STATUS[error.status] ?? (error.status >= 500 ? "UNAVAILABLE" : "FAILED_PRECONDITION"));
    return { code: codes[name], details };
  }
  return { code: codes.UNKNOWN, details };
}
