/**
 * Retry timing: exponential backoff with full jitter, `Retry-After` honoured, bounded in count and
 * in total time.
 */

export interface RetryOptions {
  /** Retries after the first attempt. @default 5 (HW_MAX_RETRIES, as the Terraform provider) */
  maxRetries?: number;
  /** First backoff step. @default 500 (ms) */
  baseDelayMs?: number;
  /** Cap of one backoff step. @default 10_000 (ms) */
  maxDelayMs?: number;
  /** Bound of a whole call, attempts and waits included. @default 120_000 (ms, 2 min) */
  totalBudgetMs?: number;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  totalBudgetMs: 120_000,
};

/** 429 and 5xx are worth another try; other statuses are answers. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * `Retry-After` in its two forms: delta seconds or an HTTP-date. Undefined when absent or unreadable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form starts with a weekday; Date.parse alone would take "-1" or "1.5" for a date.
  if (!HTTP_DATE_START.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Full jitter: a random wait in [0, min(cap, base * 2^retry)]. */
export function backoffDelay(retry: number, options: Required<RetryOptions>, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
