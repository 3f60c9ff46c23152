/**
 * What every ExecKubeconfig program test (YAML, Python, Go) asserts of the stack's state: the
 * export, plain and with secrets shown, holds no client certificate, no private key and no
 * credential; the secret server is in plaintext only when secrets are shown (so the scan read
 * decrypted outputs); and the control: the exec cache's entry planted as an output is found.
 */
import type { PluginProgram } from "./plugin-program";
import { clientCredentialLeaks, containsValue } from "./state-scan";

export interface ExecStateAudit {
  program: Pick<PluginProgram, "exportState">;
  /** The certificates the emulator issued for the cluster. */
  issued: ReadonlyArray<{ certificatePem: string; serialNumber: string }>;
  /** Credentials the engine had, which must appear nowhere. */
  credentials: string[];
  /** The server the ExecKubeconfig output: a secret. */
  server: string;
  /** The exec cache's entry (certificate and key), for the planted control. */
  cacheEntry: string;
}

export async function expectNoClientCredentialInState(audit: ExecStateAudit): Promise<void> {
  expect(audit.issued.length).toBeGreaterThan(0);
  const shown = await audit.program.exportState({ showSecrets: true });
  const plain = await audit.program.exportState();
  expect(clientCredentialLeaks(shown, audit.issued, audit.credentials)).toEqual([]);
  expect(clientCredentialLeaks(plain, audit.issued, audit.credentials)).toEqual([]);
  expect({ server: audit.server, shown: containsValue(shown, audit.server), plain: containsValue(plain, audit.server) }).toEqual({ server: audit.server, shown: true, plain: false });
  // Control: the cache entry's certificate and key, planted as an output, are found.
  const planted = JSON.parse(shown) as { deployment: { resources: Array<{ outputs?: Record<string, unknown> }> } };
  planted.deployment.resources.find((r) => r.outputs !== undefined)!.outputs!["planted"] = audit.cacheEntry;
  expect(clientCredentialLeaks(JSON.stringify(planted), audit.issued, []).length).toBeGreaterThan(0);
}
