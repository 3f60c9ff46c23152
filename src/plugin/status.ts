/**
 * An error of an operation as the gRPC status the engine gets: the error's message only (the
 * package's errors never hold a header, body, key or certificate), and a code that tells the
 * engine whether the resource's state is known. The engine treats UNKNOWN, INTERNAL and DATA_LOSS
 * as "may have changed" and others as "nothing happened" (`resourceStateAndError` in
 * sdk/go/common/resource/plugin/provider_plugin.go, v3.248.0). A refused or failed CCE call left
 * nothing in state to track (a certificate minted by a call whose answer was lost is neither
 * readable nor revocable on its own), so only an unexpected error is UNKNOWN: every class of
 * errors.ts has its code here (test/unit/plugin/plugin-status.test.ts checks each exported class).
 */
import type { status as GrpcStatus } from "@grpc/grpc-js";
import {
  CceKubeconfigError,
  CredentialCacheError,
  CredentialsError,
  EmulatorError,
  InvalidInputError,
  isCceApiError,
  KubeconfigError,
  ProjectLookupError,
  SharedConfigError,
  UsageError,
} from "../errors";

export interface StatusError {
  code: GrpcStatus;
  details: string;
}

type CodeName = keyof typeof GrpcStatus;

/** The HTTP answers CCE or IAM give, as the nearest gRPC codes. */
const BY_HTTP_STATUS: Readonly<Record<number, CodeName>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "FAILED_PRECONDITION",
  429: "RESOURCE_EXHAUSTED",
};

/**
 * The package's own errors, most specific first. What the user set is wrong (an input, missing
 * credentials, an unusable KooCLI file, a bad flag): INVALID_ARGUMENT. IAM lists no project of the
 * name: NOT_FOUND. Several projects, a cache folder others can write, an emulator misused: the
 * world is not in the state the call needs, FAILED_PRECONDITION.
 */
function codeOfPackageError(error: CceKubeconfigError): CodeName {
  if (error instanceof InvalidInputError || error instanceof CredentialsError || error instanceof KubeconfigError) return "INVALID_ARGUMENT";
  if (error instanceof SharedConfigError || error instanceof UsageError) return "INVALID_ARGUMENT";
  if (error instanceof ProjectLookupError) return error.code === "CCE_PROJECT_NOT_FOUND" ? "NOT_FOUND" : "FAILED_PRECONDITION";
  if (error instanceof CredentialCacheError || error instanceof EmulatorError) return "FAILED_PRECONDITION";
  // A CceKubeconfigError of no subclass above is still one this package raised on purpose, before
  // or instead of a change: nothing happened.
  return "FAILED_PRECONDITION";
}

export function statusOf(error: unknown, codes: typeof GrpcStatus): StatusError {
  const details = error instanceof Error ? error.message : String(error);
  if (isCceApiError(error)) {
    const name = error.status === undefined ? "UNAVAILABLE" : (BY_HTTP_STATUS[error.status] ?? (error.status >= 500 ? "UNAVAILABLE" : "FAILED_PRECONDITION"));
    return { code: codes[name], details };
  }
  if (error instanceof CceKubeconfigError) return { code: codes[codeOfPackageError(error)], details };
  return { code: codes.UNKNOWN, details };
}
