/**
 * The result of checking one setting: its value, or every failure found, each naming the input
 * (`property`) at fault. Checks return these instead of throwing, so that `check` reports every
 * bad input of a resource at once.
 */

export interface CheckFailure {
  /** The input at fault, as the user wrote it (`projectId`, `expireAt`, ...). */
  property: string;
  reason: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; failures: CheckFailure[] };

export function passed<T>(value: T): Checked<T> {
  return { ok: true, value };
}

export function refused(property: string, reason: string): Checked<never> {
  return { ok: false, failures: [{ property, reason }] };
}
