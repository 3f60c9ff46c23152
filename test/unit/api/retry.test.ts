/** Retry timing as pure functions: table-driven, with a fixed random source. */
import { backoffDelay, isRetryableStatus, parseRetryAfter, RETRY_DEFAULTS } from "../../../src/api/retry";

const NOW = Date.parse("2026-11-30T12:00:00Z");

describe("parseRetryAfter", () => {
  test.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ["0", 0],
    ["1", 1_000],
    [" 120 ", 120_000],
    ["Mon, 30 Nov 2026 12:00:02 GMT", 2_000],
    ["Mon, 30 Nov 2026 11:59:00 GMT", 0], // a date in the past: retry at once
    // Found by this table (issue #10): Date.parse read these two as dates, so the client retried at once.
    ["-1", undefined],
    ["1.5", undefined],
    ["soon", undefined],
    ["", undefined],
  ])("%j → %j ms", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe("backoffDelay: full jitter in [0, min(cap, base × 2^retry)]", () => {
  const options = { ...RETRY_DEFAULTS, baseDelayMs: 500, maxDelayMs: 10_000 };
  test.each<[number, number, number]>([
    // [retry, random, wait]
    [0, 0, 0],
    [0, 0.5, 250],
    [0, 0.999, 499],
    [1, 0.5, 500],
    [2, 0.5, 1_000],
    [4, 0.5, 4_000],
    [5, 0.5, 5_000], // 16 s, capped at 10 s
    [30, 0.999, 9_990], // never beyond the cap, however many retries
  ])("retry %i with random %f waits %i ms", (retry, random, wait) => {
    expect(backoffDelay(retry, options, () => random)).toBe(wait);
  });
});

describe("isRetryableStatus", () => {
  test.each([
    [429, true],
    [500, true],
    [503, true],
    [599, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [200, false],
  ])("%i → %s", (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });
});
