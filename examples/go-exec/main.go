// An exec kubeconfig for a CCE cluster feeding a Kubernetes provider, as a Pulumi Go program (see README.md).
package main

import (
	"github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig/examples/go-exec/execkubeconfig"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(execkubeconfig.Program)
}
