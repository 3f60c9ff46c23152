/** When `diff` asks for a new certificate: renewalDue as a table, and diff with an injected clock. */
import { DAY_MS } from "../../../src/constants";
import { createOperations, renewalDue } from "../../../src/provider/operations";
import type { CheckedInputs } from "../../../src/provider/inputs";
import { UNKNOWN } from "../../../src/protocol";
import type { CertificateOutputs } from "../../../src/provider/outputs";

const NOW = Date.parse("2026-11-30T00:00:00Z");
const days = (n: number) => new Date(NOW + n * DAY_MS).toISOString();

const INPUTS: CheckedInputs = {
  clusterId: "5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12",
  projectId: "0e6f4c2a9b8d4c71a3e5f7b9d1c3e5a7",
  endpoint: "https://cce.ap-southeast-1.myhuaweicloud.com",
  duration: 365,
  renewBefore: 30,
  context: "auto",
  useLegacyGet: false,
  clusterKind: "cce",
};

describe("renewalDue", () => {
  test.each<[string, { issuedAt?: string; expiresAt?: string }, Partial<CheckedInputs>, boolean]>([
    ["outside the window", { issuedAt: days(-300), expiresAt: days(65) }, {}, false],
    ["inside the window", { issuedAt: days(-340), expiresAt: days(25) }, {}, true],
    ["at the window's edge", { issuedAt: days(-335), expiresAt: days(30) }, {}, true],
    ["already expired", { issuedAt: days(-400), expiresAt: days(-35) }, {}, true],
    ["renewal turned off", { issuedAt: days(-340), expiresAt: days(25) }, { renewBefore: 0 }, false],
    ["a pinned expireAt is never renewed", { issuedAt: days(-340), expiresAt: days(25) }, { expireAt: days(25) }, false],
    ["a whole life shorter than the window (a capped server)", { issuedAt: days(-1), expiresAt: days(20) }, {}, false],
    ["no issuedAt stored (older state): renewed in the window", { expiresAt: days(25) }, {}, true],
    ["no expiry stored", {}, {}, false],
    ["renewBefore unknown at preview", { issuedAt: days(-340), expiresAt: days(25) }, { renewBefore: UNKNOWN }, false],
  ])("%s", (_name, olds, news, due) => {
    expect(renewalDue(olds as Partial<CertificateOutputs>, { ...INPUTS, ...news }, NOW)).toBe(due);
  });
});

describe("diff takes its time from the clock it is given", () => {
  const stored = { ...INPUTS, issuedAt: days(-300), expiresAt: days(65) } as CertificateOutputs;

  test("on the day the window opens, the certificate is replaced", async () => {
    const inWindow = createOperations({ clock: () => new Date(NOW + 36 * DAY_MS) });
    await expect(inWindow.diff("id", stored, INPUTS)).resolves.toEqual({ changes: true, replaces: ["expiresAt"], deleteBeforeReplace: false });
  });

  test("control: the day before, nothing changes", async () => {
    const before = createOperations({ clock: () => new Date(NOW + 34 * DAY_MS) });
    await expect(before.diff("id", stored, INPUTS)).resolves.toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("a context change is an update, not a replacement", async () => {
    const ops = createOperations({ clock: () => new Date(NOW) });
    await expect(ops.diff("id", stored, { ...INPUTS, context: "internal" })).resolves.toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
});
