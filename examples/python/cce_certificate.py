"""The example's Pulumi program as a function, so that both ``__main__.py`` (``pulumi up`` in this
folder) and an Automation API inline program (``create_or_select_stack(program=program)``) run the
same code."""

import pulumi
import pulumi_cce_kubeconfig as cce


def program() -> None:
    """Mints a client certificate of one CCE cluster (once: it stays in state until renewal) and
    exports its kubeconfig (a secret output) and its expiry.

    Stack config of the project's namespace: ``clusterId`` (required); ``endpoint``, ``context``,
    ``clusterKind`` and ``renewBefore`` (optional, the resource's inputs of the same names).
    Provider config: ``cce-kubeconfig:projectId`` and ``cce-kubeconfig:region``,
    ``cce-kubeconfig:accessKey`` and ``cce-kubeconfig:secretKey`` (set them with ``--secret``), or
    the ``HW_*`` environment variables.
    """
    config = pulumi.Config()
    cert = cce.ClusterCertificate(
        "cert",
        cluster_id=config.require("clusterId"),
        endpoint=config.get("endpoint"),
        context=config.get("context"),
        cluster_kind=config.get("clusterKind"),
        renew_before=config.get_float("renewBefore"),
    )

    # The resource marks kubeconfig (and the key, certificate and server outputs) secret, so this
    # export is secret too: `pulumi stack output kubeconfig --show-secrets` prints it.
    #
    # To deploy to the cluster, hand both values to a Kubernetes provider (pulumi_kubernetes).
    # cluster_identifier stays the same when a renewal brings a new kubeconfig, so the provider is
    # updated in place and nothing it manages is replaced:
    #
    #     import pulumi_kubernetes as k8s
    #     provider = k8s.Provider("cce", kubeconfig=cert.kubeconfig, cluster_identifier=cert.cluster_id)
    #     k8s.core.v1.Namespace("apps", opts=pulumi.ResourceOptions(provider=provider))
    pulumi.export("kubeconfig", cert.kubeconfig)
    pulumi.export("expiresAt", cert.expires_at)
    pulumi.export("clusterId", cert.cluster_id)
    pulumi.export("currentContext", cert.current_context)
