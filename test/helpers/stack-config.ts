/** A StackConfig as the dynamic-provider host builds it: namespaced keys, secrets in plaintext. */
import type { StackConfig } from "../../src/config/settings";

export function stackConfig(values: Record<string, string>): StackConfig {
  return { get: (key) => values[key] };
}
