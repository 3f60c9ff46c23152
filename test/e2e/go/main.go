// The Go driver of test/e2e/plugin-go.test.ts: runs one Automation API operation on a stack whose
// inline program is examples/go's certificate.Program (the example itself, imported), so no
// pulumi-language-go is needed. The engine takes the cce-kubeconfig plugin from PULUMI_HOME.
//
// Usage: driver < spec.json    (the spec on stdin, so secret config stays off the command line)
//
// Prints one JSON line on stdout: {ok, message?, output, outputs?, changes?, state?}; the exit
// code is 1 when the operation failed.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig/examples/go/certificate"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

type configValue struct {
	Value  string `json:"value"`
	Secret bool   `json:"secret,omitempty"`
}

type spec struct {
	// One of preview, up, refresh, destroy, export (as anyone with the state file sees it) and
	// export-secrets (`pulumi stack export --show-secrets`).
	Op         string                 `json:"op"`
	Project    string                 `json:"project"`
	Stack      string                 `json:"stack"`
	WorkDir    string                 `json:"workDir"`
	BackendURL string                 `json:"backendUrl"`
	Config     map[string]configValue `json:"config"`
}

type outputValue struct {
	Value  any  `json:"value"`
	Secret bool `json:"secret"`
}

type result struct {
	OK      bool                   `json:"ok"`
	Message string                 `json:"message,omitempty"`
	Output  string                 `json:"output"`
	Outputs map[string]outputValue `json:"outputs,omitempty"`
	Changes map[string]int         `json:"changes,omitempty"`
	State   string                 `json:"state,omitempty"`
}

func main() {
	var s spec
	var r result
	raw, err := io.ReadAll(os.Stdin)
	if err == nil {
		err = json.Unmarshal(raw, &s)
	}
	if err == nil {
		err = run(context.Background(), s, &r)
	}
	if err != nil {
		r.Message = err.Error()
	}
	r.OK = err == nil
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
	if err != nil {
		os.Exit(1)
	}
}

func run(ctx context.Context, s spec, r *result) error {
	project := workspace.Project{
		Name:    tokens.PackageName(s.Project),
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Backend: &workspace.ProjectBackend{URL: s.BackendURL},
	}
	stack, err := auto.UpsertStackInlineSource(ctx, s.Stack, s.Project, certificate.Program, auto.WorkDir(s.WorkDir), auto.Project(project))
	if err != nil {
		return err
	}
	// The spec's config is the stack's whole config: keys of an earlier invocation do not linger.
	current, err := stack.GetAllConfig(ctx)
	if err != nil {
		return err
	}
	var stale []string
	for key := range current {
		if _, ok := s.Config[key]; !ok {
			stale = append(stale, key)
		}
	}
	if len(stale) > 0 {
		if err := stack.RemoveAllConfig(ctx, stale); err != nil {
			return err
		}
	}
	config := auto.ConfigMap{}
	for key, v := range s.Config {
		config[key] = auto.ConfigValue{Value: v.Value, Secret: v.Secret}
	}
	if err := stack.SetAllConfig(ctx, config); err != nil {
		return err
	}

	var output bytes.Buffer
	defer func() { r.Output = output.String() }()
	changes := func(summary auto.UpdateSummary) map[string]int {
		if summary.ResourceChanges == nil {
			return nil
		}
		return *summary.ResourceChanges
	}
	switch s.Op {
	case "preview":
		res, err := stack.Preview(ctx, optpreview.ProgressStreams(&output))
		if err != nil {
			return err
		}
		r.Changes = map[string]int{}
		for op, n := range res.ChangeSummary {
			r.Changes[string(op)] = n
		}
	case "up":
		res, err := stack.Up(ctx, optup.ProgressStreams(&output))
		if err != nil {
			return err
		}
		r.Changes = changes(res.Summary)
		r.Outputs = map[string]outputValue{}
		for key, v := range res.Outputs {
			r.Outputs[key] = outputValue{Value: v.Value, Secret: v.Secret}
		}
	case "refresh":
		res, err := stack.Refresh(ctx, optrefresh.ProgressStreams(&output))
		if err != nil {
			return err
		}
		r.Changes = changes(res.Summary)
	case "destroy":
		res, err := stack.Destroy(ctx, optdestroy.ProgressStreams(&output))
		if err != nil {
			return err
		}
		r.Changes = changes(res.Summary)
	case "export":
		// Not stack.Export: the Automation API exports with --show-secrets.
		cmd := exec.CommandContext(ctx, "pulumi", "stack", "export", "--stack", s.Stack)
		cmd.Dir = s.WorkDir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		state, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("pulumi stack export: %w: %s", err, stderr.String())
		}
		r.State = string(state)
	case "export-secrets":
		deployment, err := stack.Export(ctx)
		if err != nil {
			return err
		}
		state, err := json.Marshal(deployment)
		if err != nil {
			return err
		}
		r.State = string(state)
	default:
		return errors.New("unknown op " + s.Op)
	}
	return nil
}
