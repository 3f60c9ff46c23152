/**
 * The ClusterCertificate input checks moved to resources/cluster-certificate/inputs.ts, where the
 * `cce-kubeconfig` command reaches them without importing the dynamic provider (issue 19 item 3).
 * Kept for the modules and tests that import them from here.
 */
export {
  checkInputs,
  DEFAULT_DURATION_DAYS,
  DEFAULT_RENEW_BEFORE_DAYS,
  knownInputs,
  type CheckedInputs,
  type CheckFailure,
  type KnownInputs,
} from "../resources/cluster-certificate/inputs";
