// The Go driver of the plugin tests (test/helpers/plugin-program.ts): runs one Automation API
// operation on a stack whose inline program is one of the Go examples, imported (the example
// itself, not a copy), so no pulumi-language-go is needed. The engine takes the plugins from
// PULUMI_HOME. The state is exported by the test with the CLI, as for every language.
//
// Usage: driver < spec.json    (the spec on stdin, so secret config stays off the command line)
//
// Prints one JSON line on stdout: {ok, message?, output, outputs?, changes?, steps?}; the exit
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
	"sort"
	"strings"

	"github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig/examples/go-exec/execkubeconfig"
	"github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig/examples/go/certificate"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The programs a spec can name, by their example folder in the repository.
var programs = map[string]pulumi.RunFunc{
	"examples/go":      certificate.Program,    // a ClusterCertificate
	"examples/go-exec": execkubeconfig.Program, // an ExecKubeconfig feeding a Kubernetes provider
}

type configValue struct {
	Value  string `json:"value"`
	Secret bool   `json:"secret,omitempty"`
}

type spec struct {
	// One of preview, up, refresh, destroy.
	Op string `json:"op"`
	// A key of programs: the example's folder.
	Program    string                 `json:"program"`
	Project    string                 `json:"project"`
	Stack      string                 `json:"stack"`
	WorkDir    string                 `json:"workDir"`
	BackendURL string                 `json:"backendUrl"`
	Config     map[string]configValue `json:"config"`
	// preview, up, refresh: fail if the operation would change anything (--expect-no-changes).
	ExpectNoChanges bool `json:"expectNoChanges,omitempty"`
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
	// The engine's steps for each resource, by URN (same, create, replace, ...).
	Steps map[string][]string `json:"steps,omitempty"`
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
	program, ok := programs[s.Program]
	if !ok {
		names := make([]string, 0, len(programs))
		for name := range programs {
			names = append(names, name)
		}
		sort.Strings(names)
		return fmt.Errorf("unknown program %q (known: %s)", s.Program, strings.Join(names, ", "))
	}
	project := workspace.Project{
		Name:    tokens.PackageName(s.Project),
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Backend: &workspace.ProjectBackend{URL: s.BackendURL},
	}
	stack, err := auto.UpsertStackInlineSource(ctx, s.Stack, s.Project, program, auto.WorkDir(s.WorkDir), auto.Project(project))
	if err != nil {
		return err
	}
	if err := setConfig(ctx, stack, s.Config); err != nil {
		return err
	}

	var output bytes.Buffer
	defer func() { r.Output = output.String() }()
	eventsCh, stepsDone := collectSteps(r)
	changes := func(summary auto.UpdateSummary) map[string]int {
		if summary.ResourceChanges == nil {
			return nil
		}
		return *summary.ResourceChanges
	}
	switch s.Op {
	case "preview":
		opts := []optpreview.Option{optpreview.ProgressStreams(&output), optpreview.EventStreams(eventsCh)}
		if s.ExpectNoChanges {
			opts = append(opts, optpreview.ExpectNoChanges())
		}
		res, err := stack.Preview(ctx, opts...)
		if err != nil {
			return err
		}
		stepsDone()
		r.Changes = map[string]int{}
		for op, n := range res.ChangeSummary {
			r.Changes[string(op)] = n
		}
	case "up":
		opts := []optup.Option{optup.ProgressStreams(&output), optup.EventStreams(eventsCh)}
		if s.ExpectNoChanges {
			opts = append(opts, optup.ExpectNoChanges())
		}
		res, err := stack.Up(ctx, opts...)
		if err != nil {
			return err
		}
		stepsDone()
		r.Changes = changes(res.Summary)
		r.Outputs = map[string]outputValue{}
		for key, v := range res.Outputs {
			r.Outputs[key] = outputValue{Value: v.Value, Secret: v.Secret}
		}
	case "refresh":
		opts := []optrefresh.Option{optrefresh.ProgressStreams(&output), optrefresh.EventStreams(eventsCh)}
		if s.ExpectNoChanges {
			opts = append(opts, optrefresh.ExpectNoChanges())
		}
		res, err := stack.Refresh(ctx, opts...)
		if err != nil {
			return err
		}
		stepsDone()
		r.Changes = changes(res.Summary)
	case "destroy":
		res, err := stack.Destroy(ctx, optdestroy.ProgressStreams(&output), optdestroy.EventStreams(eventsCh))
		if err != nil {
			return err
		}
		stepsDone()
		r.Changes = changes(res.Summary)
	default:
		return errors.New("unknown op " + s.Op)
	}
	return nil
}

// setConfig makes the spec's config the stack's whole config: keys of an earlier invocation do not linger.
func setConfig(ctx context.Context, stack auto.Stack, want map[string]configValue) error {
	current, err := stack.GetAllConfig(ctx)
	if err != nil {
		return err
	}
	var stale []string
	for key := range current {
		if _, ok := want[key]; !ok {
			stale = append(stale, key)
		}
	}
	if len(stale) > 0 {
		if err := stack.RemoveAllConfig(ctx, stale); err != nil {
			return err
		}
	}
	config := auto.ConfigMap{}
	for key, v := range want {
		config[key] = auto.ConfigValue{Value: v.Value, Secret: v.Secret}
	}
	return stack.SetAllConfig(ctx, config)
}

// collectSteps returns the channel the operation's engine events go to, and a function that
// waits until the Automation API has closed it (it does once a started operation returns) and
// puts the steps in r.Steps by URN. Not called after a failure, which may have come before the
// API took the channel.
func collectSteps(r *result) (chan events.EngineEvent, func()) {
	ch := make(chan events.EngineEvent)
	done := make(chan struct{})
	steps := map[string][]string{}
	go func() {
		defer close(done)
		for e := range ch {
			if pre := e.ResourcePreEvent; pre != nil {
				steps[pre.Metadata.URN] = append(steps[pre.Metadata.URN], string(pre.Metadata.Op))
			}
		}
	}()
	return ch, func() {
		<-done
		r.Steps = steps
	}
}
