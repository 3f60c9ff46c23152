"""Revoking every client certificate of one IAM user on a CCE cluster, from a Pulumi Python program
(the cce-kubeconfig provider plugin). A revoke cannot be undone: destroy revokes nothing, and
certificates minted afterwards work. Change ``trigger`` to revoke again (see README.md)."""

import pulumi
import pulumi_cce_kubeconfig as cce


def program() -> None:
    """Stack config of the project's namespace: ``clusterId`` and ``userId`` (required), ``trigger``
    (any text; a new value revokes again). Credentials: an administrator's, from the environment
    (HW_ACCESS_KEY + HW_SECRET_KEY, a KooCLI profile, ...) or ``cce-kubeconfig:*`` stack config.
    """
    config = pulumi.Config()
    revoke = cce.CertificateRevocation(
        "revoke",
        cluster_id=config.require("clusterId"),
        user_id=config.require("userId"),
        triggers=[config.get("trigger") or "1"],
    )
    pulumi.export("revokedAt", revoke.revoked_at)
