"""The Python driver of the plugin tests (test/helpers/plugin-program.ts): runs one Automation API
operation on a stack whose inline program is one of examples/python's ``program`` functions (the
example itself, imported), so no pulumi-language-python is needed. The engine takes the
cce-kubeconfig plugin from PULUMI_HOME. The state is exported by the test with the CLI, as for
every language.

Usage: python driver.py < spec.json    (the spec on stdin, so secret config stays off the command line)

spec: {op, project, stack, workDir, backendUrl, exampleDir, module, config: {key: {value, secret}},
expectNoChanges?}, where op is one of preview, up, refresh and destroy, module the example's module
whose ``program`` runs, and expectNoChanges fails a preview, up or refresh that would change anything.

Prints one JSON line on stdout: {ok, message?, output, outputs?, changes?, steps?}; the exit code is
1 when the operation failed.
"""

import importlib
import json
import sys
from enum import Enum
from typing import Any, Dict, List


def plain_keys(counts: Any) -> Dict[str, int]:
    """An op-count map with str keys (the Automation API's keys are OpType enums)."""
    return {(k.value if isinstance(k, Enum) else str(k)): v for k, v in (counts or {}).items()}


def run(spec: Dict[str, Any], result: Dict[str, Any]) -> None:
    sys.dont_write_bytecode = True  # no __pycache__ in the clone's examples/python
    sys.path.insert(0, spec["exampleDir"])
    program = importlib.import_module(spec["module"]).program  # the example's program, as users run it
    from pulumi import automation as auto

    stack = auto.create_or_select_stack(
        stack_name=spec["stack"],
        project_name=spec["project"],
        program=program,
        opts=auto.LocalWorkspaceOptions(
            work_dir=spec["workDir"],
            project_settings=auto.ProjectSettings(
                name=spec["project"],
                runtime="python",
                backend=auto.ProjectBackend(url=spec["backendUrl"]),
            ),
        ),
    )
    # The spec's config is the stack's whole config: keys of an earlier invocation do not linger.
    config = spec.get("config", {})
    stale = [key for key in stack.get_all_config() if key not in config]
    if stale:
        stack.remove_all_config(stale)
    stack.set_all_config({key: auto.ConfigValue(value=v["value"], secret=bool(v.get("secret"))) for key, v in config.items()})

    output: List[str] = []
    # The engine's steps for each resource, by URN (e.g. same, create, replace).
    steps: Dict[str, List[str]] = {}

    def on_event(event: Any) -> None:
        pre = event.resource_pre_event
        if pre is not None and pre.metadata is not None:
            op = pre.metadata.op
            steps.setdefault(pre.metadata.urn, []).append(op.value if isinstance(op, Enum) else str(op))

    try:
        op = spec["op"]
        expect_no_changes = bool(spec.get("expectNoChanges"))
        if op == "preview":
            r = stack.preview(on_output=output.append, on_event=on_event, expect_no_changes=expect_no_changes)
            result.update(changes=plain_keys(r.change_summary), steps=steps)
        elif op == "up":
            r = stack.up(on_output=output.append, on_event=on_event, expect_no_changes=expect_no_changes)
            result.update(
                changes=plain_keys(r.summary.resource_changes),
                outputs={k: {"value": v.value, "secret": v.secret} for k, v in r.outputs.items()},
                steps=steps,
            )
        elif op == "refresh":
            r = stack.refresh(on_output=output.append, on_event=on_event, expect_no_changes=expect_no_changes)
            result.update(changes=plain_keys(r.summary.resource_changes), steps=steps)
        elif op == "destroy":
            r = stack.destroy(on_output=output.append, on_event=on_event)
            result.update(changes=plain_keys(r.summary.resource_changes), steps=steps)
        else:
            raise ValueError(f"unknown op {op!r}")
    finally:
        result["output"] = "\n".join(output)


def main() -> int:
    result: Dict[str, Any] = {"ok": False}
    try:
        run(json.load(sys.stdin), result)
        result["ok"] = True
    except Exception as error:  # the test reads the message; the exit code says it failed
        result["message"] = str(error)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
