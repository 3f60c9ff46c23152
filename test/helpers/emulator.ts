/** Test helpers around the real emulator: one per test file, on port 0. */
import { startEmulator, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME, type Emulator, type EmulatorOptions } from "../../src/emulator";
import { CceClient, type CceClientOptions } from "../../src/api/client";

export { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME };

export const EIP_CLUSTER_ID = "0f3c1f2e-9b1d-4c9e-8f00-000000000e1b";
export const OTHER_CLUSTER_ID = "7d9e6a52-3c4b-4f6e-9a1d-00000000beef";

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    projects: [
      {
        id: DEFAULT_PROJECT_ID,
        name: DEFAULT_PROJECT_NAME,
        clusters: [{ id: DEFAULT_CLUSTER_ID }, { id: EIP_CLUSTER_ID, eip: true }, { id: OTHER_CLUSTER_ID }],
      },
    ],
    ...options,
  });
}

/** A client of the emulator with AK/SK and fast retries (10 ms steps), so tests stay quick. */
export function clientOf(emulator: Emulator, overrides: Partial<CceClientOptions> = {}): CceClient {
  const { accessKey, secretKey } = emulator.credentials[0]!;
  return new CceClient({
    endpoint: emulator.url,
    projectId: DEFAULT_PROJECT_ID,
    credentials: { kind: "aksk", accessKey, secretKey },
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    ...overrides,
  });
}
