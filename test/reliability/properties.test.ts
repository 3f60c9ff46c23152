/**
 * Property-based tests (fast-check): the signer's canonical forms against an independent
 * implementation, the response parser against arbitrary JSON, and renderKubeconfig against the
 * `yaml` parser.
 */
import fc from "fast-check";
import { parse } from "yaml";
import type { Emulator } from "../../src/emulator";
import { clusterCertResponse } from "../../src/api/schemas";
import { validate } from "../../src/api/shape";
import { clusterCertResponse as zodClusterCertResponse, toResponseIssues } from "../fixtures/zod-response-schemas";
import type { ClusterCertResponse } from "../../src/api/types";
import { CceApiError } from "../../src/errors";
import { chooseContext, renderKubeconfig } from "../../src/kubeconfig/render";
import { canonicalQueryString, canonicalUri, parseQuery } from "../../src/signing/canonical";
import { clientOf, DEFAULT_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { cceResponse, pemBlock, PRIVATE_KEY_LABEL } from "./failure-modes";

// ---- (a) the signer's canonical URI and query string ----

/**
 * The reference: written from Huawei's signing guide (docs/cce-api.md, "Signing") byte by byte,
 * without encodeURIComponent or decodeURIComponent.
 */
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text); // lone surrogates become U+FFFD

function referenceEncode(text: string): string {
  let out = "";
  for (const byte of utf8(text)) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Percent-decoding; a malformed escape or bytes that are not UTF-8 leave the text as it was. */
function referenceDecode(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === "%") {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return text;
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const char = String.fromCodePoint(text.codePointAt(i)!);
      bytes.push(...utf8(char));
      i += char.length;
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(bytes));
  } catch {
    return text;
  }
}

function referenceCanonicalUri(path: string): string {
  const uri = path
    .split("/")
    .map((segment) => referenceEncode(referenceDecode(segment)))
    .join("/");
  return uri.endsWith("/") ? uri : `${uri}/`;
}

/** Step 2 as the official Go SDK does it: sort keys, then a key's values, as UTF-8 bytes; then encode. */
function referenceCanonicalQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  const bytes = (s: string) => Buffer.from(utf8(s));
  return [...pairs]
    .sort(([ka, va], [kb, vb]) => Buffer.compare(bytes(ka), bytes(kb)) || Buffer.compare(bytes(va), bytes(vb)))
    .map(([k, v]) => `${referenceEncode(k)}=${referenceEncode(v)}`)
    .join("&");
}

const escapes = fc.constantFrom("%2F", "%2f", "%41", "%20", "%25", "%E4%B8%AD", "%", "%G1", "%E4", "%ED%A0%80", "%C0%80", "%EF%BB%BF", "%00");
const oddChars = fc.constantFrom("..", ".", "~", " ", "+", "?", "#", "=", "&", ";", "*", "'", "(", ")", "!", "集", "😀", "\uD800", "\u0000");
const fragment = fc.oneof(fc.string({ unit: "grapheme", maxLength: 8 }), fc.string({ unit: "binary", maxLength: 4 }), escapes, oddChars);
const segment = fc.array(fragment, { maxLength: 5 }).map((parts) => parts.join(""));
const anyText = fc.array(fc.oneof(fc.string({ unit: "grapheme", maxLength: 6 }), fc.string({ unit: "binary", maxLength: 3 }), oddChars), { maxLength: 4 }).map((p) => p.join(""));

describe("signer canonical forms agree with an independent implementation", () => {
  test("canonicalUri equals the reference for arbitrary paths, escapes and unicode included", () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), fc.boolean(), (segments, trailing) => {
        const path = `/${segments.join("/")}${trailing ? "/" : ""}`;
        expect(canonicalUri(path)).toBe(referenceCanonicalUri(path));
      }),
      { numRuns: 2_000 },
    );
  });

  test("the canonical query of a map with API-style keys equals the reference for arbitrary values", () => {
    const apiKey = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.~"), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.dictionary(apiKey, anyText, { maxKeys: 6 }), (map) => {
        const pairs = Object.entries(map);
        const raw = pairs.map(([k, v]) => `${referenceEncode(k)}=${referenceEncode(v)}`).join("&");
        expect(canonicalQueryString(parseQuery(raw))).toBe(referenceCanonicalQuery(pairs));
        expect(canonicalQueryString(parseQuery(`?${raw}`))).toBe(referenceCanonicalQuery(pairs));
      }),
      { numRuns: 2_000 },
    );
  });

  // Found by this property: canonicalQueryString sorted the encoded pairs, while Huawei's Go SDK
  // (core/auth/signer/signer.go) sorts raw keys and values, then encodes, so '_' and '{' or '-' and
  // ':' came out in another order (fixed in 36a4239).
  test("the canonical query of arbitrary pairs, repeated keys and unicode included, equals the reference", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyText, anyText), { maxLength: 6 }), (pairs) => {
        const raw = pairs.map(([k, v]) => `${referenceEncode(k)}=${referenceEncode(v)}`).join("&");
        expect(canonicalQueryString(parseQuery(raw))).toBe(referenceCanonicalQuery(pairs));
      }),
      { numRuns: 2_000 },
    );
  });

  test("the reference itself reproduces the published examples", () => {
    expect(referenceCanonicalUri("/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")).toBe("/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/");
    expect(referenceCanonicalUri("/a%2Fb/集 群")).toBe("/a%2Fb/%E9%9B%86%20%E7%BE%A4/");
    expect(referenceCanonicalQuery([["marker", "13551d6b"], ["limit", "2"]])).toBe("limit=2&marker=13551d6b");
    expect(referenceCanonicalQuery([["_", ""], ["{", ""]])).toBe("_=&%7B=");
  });
});

// ---- (b) the response parser never throws a TypeError ----

type Path = Array<string | number>;

function allPaths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...allPaths(child, [...prefix, key])]);
}

function mutate(base: unknown, path: Path, replacement: { remove: true } | { value: unknown }): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if ("remove" in replacement) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = replacement.value;
  return copy;
}

function eipResponse(): Record<string, unknown> {
  const body = cceResponse();
  const [internal] = body["clusters"] as Array<{ name: string; cluster: Record<string, unknown> }>;
  body["clusters"] = [
    internal,
    { name: "externalCluster", cluster: { server: "https://203.0.113.7:5443", "insecure-skip-tls-verify": true } },
    { name: "externalClusterTLSVerify", cluster: { ...internal!.cluster, server: "https://203.0.113.7:5443" } },
  ];
  body["contexts"] = [
    { name: "internal", context: { cluster: "internalCluster", user: "user" } },
    { name: "external", context: { cluster: "externalCluster", user: "user" } },
    { name: "externalTLSVerify", context: { cluster: "externalClusterTLSVerify", user: "user" } },
  ];
  body["current-context"] = "external";
  return body;
}

/** Valid responses with one to three nodes removed or replaced by arbitrary JSON: they reach deep. */
const mutatedResponse = fc
  .tuple(
    fc.constantFrom(cceResponse(), eipResponse()),
    fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constant({ remove: true as const }), fc.jsonValue().map((value) => ({ value })))), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([base, edits]) => {
    let body: unknown = base;
    for (const [pick, replacement] of edits) {
      const paths = allPaths(body);
      if (paths.length > 0) body = mutate(body, paths[pick % paths.length]!, replacement);
    }
    return body;
  });

const arbitraryResponse = fc.oneof(fc.jsonValue(), mutatedResponse, fc.constantFrom(cceResponse(), eipResponse()));

describe("the response parser, for arbitrary JSON, returns a valid result or a validation error", () => {
  test("clusterCertResponse never throws: a success renders, a failure lists issues by path", () => {
    fc.assert(
      fc.property(arbitraryResponse, (json) => {
        const parsed = validate(clusterCertResponse, json);
        if (parsed.ok) {
          expect(typeof renderKubeconfig(parsed.value)).toBe("string");
        } else {
          expect(parsed.issues.length).toBeGreaterThan(0);
          for (const issue of parsed.issues) expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) });
        }
      }),
      { numRuns: 3_000 },
    );
  });

  // Issue #9 replaced zod on the client's path with hand-written shapes; the zod schemas it had
  // stay in test/fixtures as an independent reference the shapes must agree with.
  test("the hand-written shape and the zod reference accept and refuse the same answers, at the same paths", () => {
    fc.assert(
      fc.property(arbitraryResponse, (json) => {
        const ours = validate(clusterCertResponse, json);
        const reference = zodClusterCertResponse.safeParse(json);
        expect(ours.ok).toBe(reference.success);
        if (ours.ok && reference.success) expect(ours.value).toEqual(reference.data);
        if (!ours.ok && !reference.success) {
          const paths = (issues: Array<{ path: string }>) => [...new Set(issues.map((i) => i.path))].sort();
          expect(paths(ours.issues)).toEqual(paths(toResponseIssues(reference.error)));
        }
      }),
      { numRuns: 5_000 },
    );
  });

  test("control: the agreement check fails for a shape that differs from the reference", () => {
    const lenient = (json: unknown) => ({ ok: typeof json === "object" && json !== null });
    const mismatch = fc.check(
      fc.property(arbitraryResponse, (json) => lenient(json).ok === zodClusterCertResponse.safeParse(json).success),
      { numRuns: 500 },
    );
    expect(mismatch.failed).toBe(true);
  });

  describe("through the client and the emulator", () => {
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await startTestEmulator();
    });
    afterAll(() => emulator.stop());

    test("a 200 with arbitrary JSON resolves to a valid config or rejects with CceApiError and its issues, never a TypeError", async () => {
      const client = clientOf(emulator);
      await fc.assert(
        fc.asyncProperty(arbitraryResponse, async (json) => {
          emulator.clearFaults();
          emulator.injectFault({ path: "/clustercert", status: 200, body: JSON.stringify(json) });
          const outcome = await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 }).then(
            (issued) => ({ issued, error: undefined }),
            (error: unknown) => ({ issued: undefined, error }),
          );
          if (outcome.error === undefined) {
            expect(validate(clusterCertResponse, outcome.issued!.config).ok).toBe(true);
          } else {
            expect(outcome.error).toBeInstanceOf(CceApiError);
            const error = outcome.error as CceApiError;
            expect(error.code).toBe("CCE_INVALID_RESPONSE");
            expect(error.issues?.length).toBeGreaterThan(0);
            expect(error.attempts).toBe(1);
          }
        }),
        { numRuns: 100 },
      );
    });
  });
});

// ---- (c) renderKubeconfig parses back to the same clusters, users and contexts ----

const trickyName = fc.constantFrom(
  "internal", "external", "externalTLSVerify", "yes", "no", "on", "null", "~", "true", "1e3", "0x1F", ".inf", ".nan",
  "- x", "a: b", "#c", "a #c", "'q'", '"dq"', "  lead", "trail  ", "multi\nline", "tab\tx", "*alias", "&anchor", "!tag",
  "%dir", "@at", "`bt`", "{}", "[]", "? q", "| lit", "> fold", "---", "...", "\u2028", "\u0085", "\uFEFFbom", "😀", "\r\n", "\\", "\u0000",
);
const name = fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 16 }), fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), trickyName);
const pemDataOf = (label: string) =>
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Buffer.from(pemBlock(label, Buffer.from(bytes))).toString("base64"));
const server = fc
  .tuple(fc.oneof(fc.domain(), fc.ipV4()), fc.integer({ min: 1, max: 65_535 }))
  .map(([host, port]) => `https://${host}:${port}`);

const kubeconfigInput = fc
  .record({
    clusters: fc.uniqueArray(
      fc.record(
        {
          name,
          cluster: fc.record(
            {
              server,
              "certificate-authority-data": pemDataOf("CERTIFICATE"),
              "insecure-skip-tls-verify": fc.boolean(),
              "tls-server-name": name,
              extension: fc.jsonValue(),
            },
            { requiredKeys: ["server"] },
          ),
        },
      ),
      { minLength: 1, maxLength: 4, selector: (c) => c.name },
    ),
    users: fc.uniqueArray(
      fc.record({ name, user: fc.record({ "client-certificate-data": pemDataOf("CERTIFICATE"), "client-key-data": pemDataOf(PRIVATE_KEY_LABEL) }) }),
      { minLength: 1, maxLength: 3, selector: (u) => u.name },
    ),
    contextNames: fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
    links: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 4, maxLength: 4 }),
    current: fc.option(fc.oneof(name, fc.nat().map((i) => i)), { nil: undefined }),
  })
  .map(({ clusters, users, contextNames, links, current }): ClusterCertResponse => {
    const contexts = contextNames.map((contextName, i) => {
      const [c, u] = links[i]!;
      return { name: contextName, context: { cluster: clusters[c % clusters.length]!.name, user: users[u % users.length]!.name } };
    });
    const config: ClusterCertResponse = { kind: "Config", apiVersion: "v1", clusters, users, contexts };
    if (typeof current === "number") config["current-context"] = contexts[current % contexts.length]!.name;
    else if (current !== undefined) config["current-context"] = current;
    return config;
  });

describe("renderKubeconfig", () => {
  test("its YAML parses back to the same clusters, users and contexts, with the chosen context current", () => {
    fc.assert(
      fc.property(kubeconfigInput, (config) => {
        expect(validate(clusterCertResponse, config).ok).toBe(true); // the generator makes valid shapes
        const document = parse(renderKubeconfig(config));
        expect(document).toEqual({
          apiVersion: "v1",
          kind: "Config",
          preferences: {},
          clusters: config.clusters,
          users: config.users,
          contexts: config.contexts,
          "current-context": chooseContext(config),
        });
      }),
      { numRuns: 500 },
    );
  });
});
