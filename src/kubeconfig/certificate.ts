/**
 * Reads what the provider needs from a certificate itself, rather than trusting the request:
 * the server may cap the validity (e.g. at its CA's expiry).
 */
import { X509Certificate } from "node:crypto";
import { KubeconfigError } from "../errors";

export interface CertificateFacts {
  notBefore: Date;
  notAfter: Date;
  /** Upper-case hex, as OpenSSL prints it. */
  serialNumber: string;
  subject: string;
}

/** Decodes a kubeconfig `*-data` value (base64 of PEM) to PEM text. */
export function pemFromData(data: string): string {
  return Buffer.from(data, "base64").toString("utf8");
}

export function readCertificate(pem: string, field = "client-certificate-data"): CertificateFacts {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new KubeconfigError(`${field} is not a readable X.509 certificate`);
  }
  return {
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    serialNumber: cert.serialNumber.toUpperCase(),
    subject: cert.subject,
  };
}
