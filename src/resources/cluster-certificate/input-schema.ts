/**
 * zod schemas of each ClusterCertificate input, one per field so that every bad field is
 * reported and the good ones still resolve. Messages name what was expected and describe (never
 * dump) what was given.
 */
import { z } from "zod";
import { CCE_ID_PATTERN, CLIENT_MAX_DURATION_DAYS as MAX_DURATION_DAYS, CLUSTER_KINDS } from "../../constants";
import { CONTEXT_CHOICES } from "../../kubeconfig/context";
import { cceIdExpected, show } from "../../config/show";

export { show };

const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** V8 reads `2031-02-30` as 2 March: the day must exist in its month. */
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}


/** A zod error option whose message ends with what was given. */
const got = (expected: string) => ({ error: (issue: { input?: unknown }) => `${expected}; got ${show(issue.input)}` });

const id = (example: string) =>
  z.string(got("must be a string")).regex(CCE_ID_PATTERN, got(cceIdExpected(example)));

export const inputFields = {
  clusterId: id("a UUID"),
  projectId: id("0123456789abcdef0123456789abcdef"),
  endpoint: z.string(got("must be a string")),
  region: z.string(got("must be a string")),
  cloud: z.string(got("must be a string")),
  duration: z
    .number(got("must be a whole number of days, or -1 for the maximum"))
    .int(got("must be a whole number of days, or -1 for the maximum"))
    .refine((d) => d === -1 || (d >= 1 && d <= MAX_DURATION_DAYS), got(`must be -1 (the maximum) or 1 to ${MAX_DURATION_DAYS} days`)),
  expireAt: z
    .string(got("must be an ISO 8601 date-time such as 2027-01-01T00:00:00Z"))
    .trim()
    .refine((s) => ISO_8601.test(s) && isCalendarDate(s) && !Number.isNaN(Date.parse(s)), got("must be an ISO 8601 date-time such as 2027-01-01T00:00:00Z"))
    .transform((s) => new Date(Date.parse(s)).toISOString()),
  renewBefore: z
    .number(got("must be a number of days >= 0 (0 turns renewal off)"))
    .refine((d) => Number.isFinite(d) && d >= 0, got("must be a number of days >= 0 (0 turns renewal off)")),
  context: z.enum(CONTEXT_CHOICES as readonly [string, ...string[]], got(`must be one of ${CONTEXT_CHOICES.join(", ")}`)),
  useLegacyGet: z.boolean(got("must be a boolean")),
  clusterKind: z.enum(CLUSTER_KINDS as readonly [string, ...string[]], got(`must be one of ${CLUSTER_KINDS.join(", ")}`)),
} as const;

export type InputField = keyof typeof inputFields;
/** Every input a ClusterCertificate takes, in the order of its documentation. */
export const INPUT_NAMES = Object.keys(inputFields) as InputField[];
export type ParsedInputs = { [K in InputField]?: z.infer<(typeof inputFields)[K]> };
