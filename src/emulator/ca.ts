/**
 * X.509 for the emulator: one self-signed CA per cluster, a TLS server certificate for the
 * cluster's API server, and client certificates minted per clustercert call. EC P-256 keys keep
 * generation fast; every key is generated at run time.
 */
import { KeyObject, randomBytes, webcrypto } from "node:crypto";
import type * as X509 from "@peculiar/x509";
import { DAY_MS } from "../constants";

/**
 * @peculiar/x509, loaded on first use: a program that imports this package but never starts the
 * emulator pays nothing for it, and gets no global Reflect polyfill, which tsyringe (used by
 * @peculiar/x509) needs loaded first.
 */
function x509(): typeof X509 {
  require("reflect-metadata");
  return require("@peculiar/x509") as typeof X509;
}

const crypto = webcrypto;
const EC_ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

/** CA and server certificates outlive the longest client certificate (5 years, the CCE maximum). */
const AUTHORITY_VALIDITY_MS = 10 * 365 * DAY_MS;
/** Client certificates start a minute in the past to tolerate small clock differences. */
export const CLIENT_BACKDATE_MS = 60_000;

export interface KeyAndCertificate {
  certificatePem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
}

export interface ClusterAuthority {
  ca: KeyAndCertificate;
  /** The certificate of the cluster's TLS API server (SANs IP 127.0.0.1 and DNS localhost). */
  server: KeyAndCertificate;
  /** Signs client certificates. */
  signingKey: webcrypto.CryptoKey;
  caCertificate: X509.X509Certificate;
}

export interface ClientCertificate extends KeyAndCertificate {
  /** Uppercase hex, as Node's `X509Certificate.serialNumber` prints it. */
  serialNumber: string;
  subject: string;
  notBefore: Date;
  notAfter: Date;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_ALGORITHM, true, ["sign", "verify"]);
}

function pkcs8Pem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key)
    .export({ type: "pkcs8", format: "pem" })
    .toString();
}

/** A random positive serial of 16 bytes whose first byte is 0x10..0x7f, so its hex form is unambiguous. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x10 + (bytes[0]! % 0x70);
  return bytes.toString("hex").toUpperCase();
}

/** X.509 times carry whole seconds. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/**
 * Creates the CA of a cluster (CN = cluster id) and its API server's certificate, valid from a day
 * before `now` (the emulator's clock).
 */
export async function createClusterAuthority(clusterId: string, now: Date): Promise<ClusterAuthority> {
  const lib = x509();
  const notBefore = wholeSeconds(new Date(now.getTime() - DAY_MS));
  const notAfter = wholeSeconds(new Date(now.getTime() + AUTHORITY_VALIDITY_MS));
  const caKeys = await generateKeys();
  const caCertificate = await lib.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: [{ CN: [clusterId] }, { O: ["cce-emulator"] }],
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: EC_ALGORITHM,
      extensions: [
        new lib.BasicConstraintsExtension(true, undefined, true),
        new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign, true),
        await lib.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const signer = { signingKey: caKeys.privateKey, caCertificate };
  return {
    ca: { certificatePem: caCertificate.toString("pem"), privateKeyPem: pkcs8Pem(caKeys.privateKey) },
    server: await issueServingCertificate(signer, notBefore, notAfter),
    ...signer,
  };
}

/**
 * A TLS server certificate for the cluster's API server, SANs IP 127.0.0.1 and DNS localhost: the
 * internal and external entries of the kubeconfigs the emulator hands out. Used for the emulator's
 * own endpoint and for an external API server a cluster is handed over to.
 */
export async function issueServingCertificate(
  authority: Pick<ClusterAuthority, "signingKey" | "caCertificate">,
  notBefore: Date,
  notAfter: Date,
): Promise<KeyAndCertificate> {
  const lib = x509();
  const keys = await generateKeys();
  const certificate = await lib.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: [{ CN: ["kube-apiserver"] }],
      issuer: authority.caCertificate.subject,
      notBefore: wholeSeconds(notBefore),
      notAfter: wholeSeconds(notAfter),
      publicKey: keys.publicKey,
      signingKey: authority.signingKey,
      signingAlgorithm: EC_ALGORITHM,
      extensions: [
        new lib.BasicConstraintsExtension(false, undefined, true),
        new lib.KeyUsagesExtension(lib.KeyUsageFlags.digitalSignature, true),
        new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.serverAuth]),
        new lib.SubjectAlternativeNameExtension([
          { type: "ip", value: "127.0.0.1" },
          { type: "dns", value: "localhost" },
        ]),
        await lib.AuthorityKeyIdentifierExtension.create(authority.caCertificate, false, crypto),
      ],
    },
    crypto,
  );
  return { certificatePem: certificate.toString("pem"), privateKeyPem: pkcs8Pem(keys.privateKey) };
}

/** What signs certificates: a cluster's CA, or an issuing CA under it (issuers.ts). */
export type Signer = Pick<ClusterAuthority, "signingKey" | "caCertificate">;

export interface IssuingAuthority extends Signer {
  certificatePem: string;
}

/**
 * An intermediate CA under the cluster's CA (pathLen 0: it signs client certificates only), valid
 * as long as its parent. `name` becomes its CN, so every issuer of a cluster has its own subject.
 */
export async function createIssuingAuthority(parent: Signer, name: string): Promise<IssuingAuthority> {
  const lib = x509();
  const keys = await generateKeys();
  const certificate = await lib.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: [{ CN: [name] }, { O: ["cce-emulator"] }],
      issuer: parent.caCertificate.subject,
      notBefore: parent.caCertificate.notBefore,
      notAfter: parent.caCertificate.notAfter,
      publicKey: keys.publicKey,
      signingKey: parent.signingKey,
      signingAlgorithm: EC_ALGORITHM,
      extensions: [
        new lib.BasicConstraintsExtension(true, 0, true),
        new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign, true),
        await lib.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await lib.AuthorityKeyIdentifierExtension.create(parent.caCertificate, false, crypto),
      ],
    },
    crypto,
  );
  return { certificatePem: certificate.toString("pem"), signingKey: keys.privateKey, caCertificate: certificate };
}

/** Mints a client certificate (O=system:masters, clientAuth) with a fresh key pair. */
export async function issueClientCertificate(
  authority: Signer,
  commonName: string,
  notBefore: Date,
  notAfter: Date,
): Promise<ClientCertificate> {
  const lib = x509();
  const keys = await generateKeys();
  const serialNumber = randomSerial();
  const certificate = await lib.X509CertificateGenerator.create(
    {
      serialNumber,
      subject: [{ O: ["system:masters"] }, { CN: [commonName] }],
      issuer: authority.caCertificate.subject,
      notBefore: wholeSeconds(notBefore),
      notAfter: wholeSeconds(notAfter),
      publicKey: keys.publicKey,
      signingKey: authority.signingKey,
      signingAlgorithm: EC_ALGORITHM,
      extensions: [
        new lib.BasicConstraintsExtension(false, undefined, true),
        new lib.KeyUsagesExtension(lib.KeyUsageFlags.digitalSignature, true),
        new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.clientAuth]),
        await lib.AuthorityKeyIdentifierExtension.create(authority.caCertificate, false, crypto),
      ],
    },
    crypto,
  );
  return {
    certificatePem: certificate.toString("pem"),
    privateKeyPem: pkcs8Pem(keys.privateKey),
    serialNumber,
    subject: certificate.subject,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}
