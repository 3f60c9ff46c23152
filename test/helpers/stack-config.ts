/** A StackConfig as a host builds it: namespaced keys, secrets in plaintext. */
import type { ConfigNamespace, StackConfig } from "../../src/config/settings";

/** The dynamic-provider host's config (`huaweicloud:*`), or the plugin's with `namespace: "cce-kubeconfig"`. */
export function stackConfig(values: Record<string, string>, namespace?: ConfigNamespace): StackConfig {
  return namespace === undefined ? { get: (key) => values[key] } : { namespace, get: (key) => values[key] };
}
