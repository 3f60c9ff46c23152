export { startEmulator, DEFAULT_PROJECT_ID, DEFAULT_CLUSTER_ID } from "./emulator";
export type {
  Emulator,
  EmulatorCluster,
  EmulatorCredential,
  EmulatorOptions,
  EmulatorProject,
  FaultSpec,
  IssuedCertificate,
  RecordedRequest,
} from "./types";
