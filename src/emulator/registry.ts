/**
 * The emulator's state: projects, clusters (each with its CA and TLS API server), the
 * certificates minted and the revocations.
 */
import { randomUUID } from "node:crypto";
import { EmulatorError, InvalidInputError } from "../errors";
import { createClusterAuthority, issueClientCertificate, CLIENT_BACKDATE_MS, type ClientCertificate } from "./ca";
import type { ClusterAuthority } from "./ca";
import { normalizeSerial, startClusterApiServer } from "./apiserver";
import type { ClusterApiServer } from "./apiserver";
import { ClientIssuers } from "./issuers";
import type { EmulatorCluster, IssuedCertificate } from "./types";

export interface ClusterRecord {
  id: string;
  name: string;
  eip: boolean;
  /** The family whose API paths serve it. */
  kind: "cce" | "autopilot";
  projectId: string;
  deleted: boolean;
  authority: ClusterAuthority;
  /**
   * Where the cluster's API server listens: the emulator's own TLS endpoint, or, once the cluster
   * is handed over (handover.ts), the external server, whose `close` does nothing: the emulator
   * does not own it. The clustercert answers and show-cluster read their URLs from here.
   */
  apiServer: ClusterApiServer;
  /** The issuing CAs of its client certificates, one per identity and epoch (issuers.ts). */
  issuers: ClientIssuers;
  /** The `Port-ID` header of the POST clustercert answer; stable per cluster. */
  portId: string;
  createdAt: Date;
}

interface CertificateRecord extends IssuedCertificate {
  /** The caller's user id, which revocation matches. */
  userId: string;
}

export interface MintedCredential {
  certificatePem: string;
  privateKeyPem: string;
}

export class Registry {
  private readonly projects = new Map<string, string[]>();
  private readonly clusters = new Map<string, ClusterRecord>();
  private readonly pending = new Set<string>();
  private readonly issued: CertificateRecord[] = [];
  private readonly revokes = new Map<string, number>();
  private stopped = false;

  /** `now` is the emulator's clock: cluster creation times and CA validity follow it. */
  /** Per cluster and caller, the certificate every later call answers with (preissued mode). */
  private readonly preissued = new Map<string, Promise<ClientCertificate>>();

  /**
   * `now` is the emulator's clock: cluster creation times and CA validity follow it. With
   * `preissued`, each caller's first certificate on a cluster answers all of its later calls.
   */
  constructor(
    private readonly now: () => Date,
    private readonly preissue = false,
  ) {}

  projectIds(): string[] {
    return [...this.projects.keys()];
  }

  hasProject(projectId: string): boolean {
    return this.projects.has(projectId);
  }

  addProject(projectId: string): void {
    if (!this.projects.has(projectId)) this.projects.set(projectId, []);
  }

  /** Creates the cluster's CA and starts its TLS API server; the project is created when new. */
  async addCluster(projectId: string, cluster: EmulatorCluster): Promise<void> {
    if (this.stopped) throw new EmulatorError("the emulator is stopped");
    if (typeof cluster.id !== "string" || cluster.id === "") throw new InvalidInputError("cluster.id", "must be a non-empty string");
    if (this.clusters.has(cluster.id) || this.pending.has(cluster.id)) {
      throw new EmulatorError(`cluster ${cluster.id} already exists`);
    }
    this.pending.add(cluster.id);
    try {
      const authority = await createClusterAuthority(cluster.id, this.now());
      const apiServer = await startClusterApiServer(authority, (serial) => this.isRevoked(cluster.id, serial));
      if (this.stopped) {
        await apiServer.close();
        throw new EmulatorError("the emulator was stopped while the cluster was being added");
      }
      this.addProject(projectId);
      this.projects.get(projectId)!.push(cluster.id);
      const issuers = new ClientIssuers(authority, cluster.id);
      const record: ClusterRecord = {
        id: cluster.id,
        name: cluster.name ?? `emulated-${cluster.id.slice(0, 8)}`,
        eip: cluster.eip ?? false,
        kind: cluster.kind ?? "cce",
        projectId,
        deleted: false,
        authority,
        apiServer,
        issuers,
        portId: randomUUID(),
        createdAt: this.now(),
      };
      // The cluster's own endpoint trusts every issuer, retired ones too, and answers revokes by serial.
      issuers.onChange(() => record.apiServer.trust?.([authority.ca.certificatePem, ...issuers.all()]));
      this.clusters.set(cluster.id, record);
    } finally {
      this.pending.delete(cluster.id);
    }
  }

  /** Points the cluster at an external API server on 127.0.0.1:`port`, closing the emulator's own endpoint. */
  async attachApiServer(clusterId: string, port: number): Promise<void> {
    const record = this.cluster(clusterId);
    const previous = record.apiServer;
    record.apiServer = { url: `https://127.0.0.1:${port}`, port, close: async () => undefined };
    await previous.close();
  }

  deleteCluster(clusterId: string): void {
    this.cluster(clusterId).deleted = true;
  }

  /** Any known cluster, deleted or not; throws for an unknown id. */
  cluster(clusterId: string): ClusterRecord {
    const record = this.clusters.get(clusterId);
    if (record === undefined) throw new EmulatorError(`the emulator has no cluster ${clusterId}`);
    return record;
  }

  /** The live cluster of that project, as the API sees it. */
  find(projectId: string, clusterId: string): ClusterRecord | undefined {
    const record = this.clusters.get(clusterId);
    return record !== undefined && !record.deleted && record.projectId === projectId ? record : undefined;
  }

  async mint(
    cluster: ClusterRecord,
    caller: { userId: string; kind: "aksk" | "token" },
    now: Date,
    notAfter: Date,
  ): Promise<MintedCredential> {
    const notBefore = new Date(now.getTime() - CLIENT_BACKDATE_MS);
    const issue = async () => issueClientCertificate(await cluster.issuers.issuerFor(caller.userId), caller.userId, notBefore, notAfter);
    let cert: ClientCertificate;
    if (this.preissue) {
      const key = `${cluster.id}\n${caller.userId}`;
      let pending = this.preissued.get(key);
      if (pending === undefined) {
        pending = issue();
        this.preissued.set(key, pending);
      }
      cert = await pending;
    } else {
      cert = await issue();
    }
    this.issued.push({
      clusterId: cluster.id,
      serialNumber: cert.serialNumber,
      subject: cert.subject,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      accessKeyOrToken: caller.kind,
      certificatePem: cert.certificatePem,
      revoked: false,
      userId: caller.userId,
    });
    return { certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem };
  }

  /**
   * Revokes every certificate on the cluster issued to `identity` (a user or agency id) so far,
   * and retires its issuer (issuers.ts), so an external API server refuses them too; counts the call.
   */
  async revoke(clusterId: string, identity: string): Promise<void> {
    for (const cert of this.issued) {
      if (cert.clusterId === clusterId && cert.userId === identity) cert.revoked = true;
    }
    this.preissued.delete(`${clusterId}\n${identity}`);
    await this.cluster(clusterId).issuers.retire(identity);
    this.revokes.set(clusterId, (this.revokes.get(clusterId) ?? 0) + 1);
  }

  isRevoked(clusterId: string, serial: string): boolean {
    const normalized = normalizeSerial(serial);
    return this.issued.some(
      (cert) => cert.clusterId === clusterId && cert.revoked && normalizeSerial(cert.serialNumber) === normalized,
    );
  }

  certificates(clusterId?: string): IssuedCertificate[] {
    return this.issued
      .filter((cert) => clusterId === undefined || cert.clusterId === clusterId)
      .map((cert) => ({
        clusterId: cert.clusterId,
        serialNumber: cert.serialNumber,
        subject: cert.subject,
        notBefore: new Date(cert.notBefore),
        notAfter: new Date(cert.notAfter),
        accessKeyOrToken: cert.accessKeyOrToken,
        certificatePem: cert.certificatePem,
        revoked: cert.revoked,
      }));
  }

  mintCount(clusterId?: string): number {
    return this.issued.filter((cert) => clusterId === undefined || cert.clusterId === clusterId).length;
  }

  revokeCount(clusterId?: string): number {
    if (clusterId !== undefined) return this.revokes.get(clusterId) ?? 0;
    let total = 0;
    for (const count of this.revokes.values()) total += count;
    return total;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.clusters.values()].map((cluster) => cluster.apiServer.close()));
  }
}
