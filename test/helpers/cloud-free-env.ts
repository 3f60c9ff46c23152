/**
 * Test environments without the developer's cloud settings. Every test that builds an environment
 * for a process (the engine, a host, the plugin) starts from this, so that:
 * - no HW_* or HC_CONTAINER_* setting of the machine running the tests reaches the test (a
 *   developer's keys, profile or pod identity would change what is being tested);
 * - a process that finds no credentials, and so falls back to the ECS metadata service, asks a
 *   closed loopback port instead of 169.254.169.254: a test run must never send traffic off the
 *   machine, and on an ECS instance it would otherwise sign with the instance's real keys.
 * test/setup/no-link-local.ts refuses in-process connections to the link-local range as well, and
 * test/unit/no-link-local.test.ts checks both.
 */

/** A closed loopback port: where a test's ECS metadata lookup goes instead of 169.254.169.254. */
export const CLOSED_METADATA_URL = "http://127.0.0.1:9";

/** Whether a variable carries a cloud setting that tests must not inherit. */
export const isCloudSetting = (name: string): boolean => name.startsWith("HW_") || name.startsWith("HC_CONTAINER_");

/**
 * `source` without any cloud setting, with HW_ECS_METADATA_URL pinned to a closed loopback port.
 * Entries of `extra` are added last (a test's own settings, including its own metadata URL).
 */
export function cloudFreeEnv(source: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(source)) if (!isCloudSetting(name)) env[name] = value;
  return { ...env, HW_ECS_METADATA_URL: CLOSED_METADATA_URL, ...extra };
}
