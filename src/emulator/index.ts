export { startEmulator, DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME, DEFAULT_CLUSTER_ID } from "./emulator";
export type {
  ClusterHandover,
  Emulator,
  EmulatorAgency,
  EmulatorCluster,
  EmulatorCredential,
  EmulatorIdentityProvider,
  EmulatorOptions,
  EmulatorProject,
  FaultSpec,
  IssuedCertificate,
  RecordedRequest,
  EmulatorUser,
} from "./types";
