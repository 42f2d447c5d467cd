// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes provider
// (github.com/pulumi/pulumi-kubernetes, release v4.25.0) for @pulumi/kubernetes.
//
// The upstream main embeds two generated files (the package schema and a
// Terraform mapping) that are not in the module zip. The engine does not need
// either to create, update or delete resources: it asks for the schema only
// for code generation and conversion. So this main serves the provider with a
// minimal schema document naming the package and its version.
package main

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

func main() {
	schema := []byte(fmt.Sprintf(`{"name":"kubernetes","version":%q}`, version.Version))
	provider.Serve("kubernetes", version.Version, schema, []byte("{}"))
}
