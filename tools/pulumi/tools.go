//go:build tools

// Package tools pins the Pulumi CLI that ackless builds, at the version of
// the pinned @pulumi/pulumi npm SDK.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
