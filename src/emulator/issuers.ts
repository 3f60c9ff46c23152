/**
 * How a revoke reaches a real kube-apiserver, which has no CRL: every identity (IAM user or agency
 * id, the CN of its certificates) gets its own issuing CA under the cluster's CA, and a revoke
 * retires that issuer. The API server's `--client-ca-file` holds only live issuers (`bundle()`),
 * never the cluster's CA, so a retired issuer's certificates no longer chain to anything it
 * trusts (401), while every other identity's keep working. The identity's next certificate comes
 * from a new issuer (a new epoch).
 *
 * kube-apiserver reloads the file a moment after it changes. So that a first certificate works at
 * once, issuers are taken from a few spares that are already in the bundle, and a spare taken is
 * replaced in the background. A separate `system` issuer signs the controller manager's
 * certificate and is never retired.
 */
import { createIssuingAuthority, type IssuingAuthority, type Signer } from "./ca";

/** Spares kept in the bundle once a cluster is handed over: identities whose first certificate can be used before a reload. */
export const SPARE_ISSUERS = 3;

interface Issuer extends IssuingAuthority {
  /** The identity it signs for; undefined while it is a spare. */
  identity?: string;
  retired: boolean;
}

export class ClientIssuers {
  /** Every issuer made, retired ones included (the emulator's own endpoint answers 401 for those). */
  private readonly issuers: Issuer[] = [];
  private readonly current = new Map<string, Promise<Issuer>>();
  private readonly spares: Promise<Issuer>[] = [];
  private readonly listeners = new Set<() => void>();
  private systemIssuer: Promise<Issuer> | undefined;
  private made = 0;

  constructor(
    private readonly root: Signer,
    private readonly clusterId: string,
  ) {}

  /** The issuer of `identity`'s certificates in its current epoch. */
  issuerFor(identity: string): Promise<IssuingAuthority> {
    let pending = this.current.get(identity);
    if (pending === undefined) {
      const spare = this.spares.shift();
      pending = spare === undefined ? this.make() : spare;
      pending = pending.then((issuer) => ((issuer.identity = identity), issuer));
      this.current.set(identity, pending);
      if (spare !== undefined) this.addSpare();
    }
    return pending;
  }

  /** The controller manager's issuer: always in the bundle. */
  system(): Promise<IssuingAuthority> {
    this.systemIssuer ??= this.make("system");
    return this.systemIssuer;
  }

  /** Keeps SPARE_ISSUERS spares ready (called at handover); resolves once they exist. */
  async prepare(): Promise<void> {
    await this.system();
    while (this.spares.length < SPARE_ISSUERS) this.addSpare();
    await Promise.all(this.spares);
  }

  /** Retires `identity`'s current issuer; its next certificate comes from a new one. */
  async retire(identity: string): Promise<void> {
    const pending = this.current.get(identity);
    if (pending === undefined) return;
    this.current.delete(identity);
    (await pending).retired = true;
    this.changed();
  }

  /** The PEM bundle for `--client-ca-file`: the system issuer, every live one and the spares. */
  bundle(): string {
    return this.issuers
      .filter((issuer) => !issuer.retired)
      .map((issuer) => `${issuer.certificatePem.trimEnd()}\n`)
      .join("");
  }

  /** Every issuer's certificate, retired ones included. */
  all(): string[] {
    return this.issuers.map((issuer) => issuer.certificatePem);
  }

  /** Calls `listener` after every change of the bundle; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private addSpare(): void {
    const spare = this.make();
    // A failed spare is dropped, not kept as a rejected promise a later mint would take (one
    // already taken fails that mint instead).
    void spare.catch(() => {
      const at = this.spares.indexOf(spare);
      if (at >= 0) void this.spares.splice(at, 1);
    });
    this.spares.push(spare);
  }

  private async make(label = `issuer ${++this.made}`): Promise<Issuer> {
    const made = await createIssuingAuthority(this.root, `${this.clusterId} ${label}`);
    const issuer: Issuer = { ...made, retired: false };
    this.issuers.push(issuer);
    this.changed();
    return issuer;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
