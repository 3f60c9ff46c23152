/**
 * Whether a URL's host is a literal loopback or link-local IP address: the only hosts a credential
 * may be asked of over plain HTTP (the node's agent, a test's emulator). A name never qualifies,
 * not even `localhost`: what a name resolves to is decided elsewhere, and `169.254.0.1.example.com`
 * is a name.
 */
import { isIP } from "node:net";

/** `hostname` as URL gives it (IPv6 in brackets) without the brackets, lower-cased. */
const bare = (hostname: string): string => hostname.replace(/^\[|\]$/g, "").toLowerCase();

export function isLoopbackOrLinkLocalIp(hostname: string): boolean {
  const host = bare(hostname);
  const version = isIP(host);
  if (version === 4) {
    const [a, b] = host.split(".").map(Number) as [number, number];
    return a === 127 || (a === 169 && b === 254);
  }
  if (version === 6) {
    if (host === "::1") return true;
    // fe80::/10: the first 10 bits are 1111 1110 10.
    const first = Number.parseInt(host.split(":")[0] || "0", 16);
    if ((first & 0xffc0) === 0xfe80) return true;
    // An IPv4-mapped address (::ffff:127.0.0.1, which URL writes ::ffff:7f00:1) is its IPv4 address.
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (mapped) {
      const high = Number.parseInt(mapped[1]!, 16);
      return isLoopbackOrLinkLocalIp(`${high >> 8}.${high & 0xff}.0.0`);
    }
  }
  return false;
}
