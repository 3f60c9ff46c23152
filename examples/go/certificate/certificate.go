// Package certificate is the example's Pulumi program as a function, so that both main.go
// (pulumi.Run, for `pulumi up` in this folder) and an Automation API inline program
// (auto.UpsertStackInlineSource) run the same code.
package certificate

import (
	"errors"
	"fmt"

	"github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig/sdk/go/ccekubeconfig"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Program mints a client certificate of one CCE cluster (once: it stays in state until renewal)
// and exports its kubeconfig (a secret output) and its expiry.
//
// Stack config of the project's namespace: clusterId (required); endpoint, context, clusterKind and
// renewBefore (optional, the resource's inputs of the same names). Provider config:
// cce-kubeconfig:projectId and cce-kubeconfig:region, cce-kubeconfig:accessKey and
// cce-kubeconfig:secretKey (set them with --secret), or the HW_* environment variables.
func Program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	args := &ccekubeconfig.ClusterCertificateArgs{ClusterId: pulumi.String(cfg.Require("clusterId"))}
	if v := cfg.Get("endpoint"); v != "" {
		args.Endpoint = pulumi.StringPtr(v)
	}
	if v := cfg.Get("context"); v != "" {
		args.Context = pulumi.StringPtr(v)
	}
	if v := cfg.Get("clusterKind"); v != "" {
		args.ClusterKind = pulumi.StringPtr(v)
	}
	renewBefore, err := cfg.TryFloat64("renewBefore")
	switch {
	case err == nil:
		args.RenewBefore = pulumi.Float64Ptr(renewBefore)
	case !errors.Is(err, config.ErrMissingVar):
		return fmt.Errorf("renewBefore: %w", err)
	}

	cert, err := ccekubeconfig.NewClusterCertificate(ctx, "cert", args)
	if err != nil {
		return err
	}

	// The resource marks kubeconfig (and the key, certificate and server outputs) secret, so this
	// export is secret too: `pulumi stack output kubeconfig --show-secrets` prints it.
	//
	// To deploy to the cluster, hand both values to a Kubernetes provider
	// (github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes). clusterIdentifier stays the same
	// when a renewal brings a new kubeconfig, so the provider is updated in place and nothing it
	// manages is replaced:
	//
	//	provider, err := kubernetes.NewProvider(ctx, "cce", &kubernetes.ProviderArgs{
	//		Kubeconfig:        cert.Kubeconfig,
	//		ClusterIdentifier: cert.ClusterId,
	//	})
	ctx.Export("kubeconfig", cert.Kubeconfig)
	ctx.Export("expiresAt", cert.ExpiresAt)
	ctx.Export("clusterId", cert.ClusterId)
	ctx.Export("currentContext", cert.CurrentContext)
	return nil
}
