"""TestFunction (POST /2020-05-31/function/{Name}/test) for the emulator's CloudFront Functions.

docs/aws-contract.md, "Testing CloudFront functions". The stage's code runs in a
`node` child process (function_runner.js: Node's vm module, a time limit,
console.log captured), against the EventObject; the answer is a TestResult
with FunctionSummary, ComputeUtilization, FunctionExecutionLogs,
FunctionErrorMessage and FunctionOutput ({"request": ...} or {"response": ...}).

* IfMatch is the tested stage's ETag: missing 400 InvalidIfMatchVersion, stale
  412 PreconditionFailed. Stage defaults to DEVELOPMENT; LIVE before the first
  publish is 404 NoSuchFunctionExists.
* An EventObject that is not a JSON object, or over 40960 bytes: 400 InvalidArgument.
* A function that throws, does not compile, or runs past the time limit
  (config functionTimeLimitMs) is a 200 whose FunctionErrorMessage says so.
* cloudfront-js-2.0 code may `import cf from 'cloudfront'`; cf.kvs() reads the
  items of the key value store the tested stage associates.
* No `node` to run it (ACKLESS_EMULATOR_NODE, else `node` on PATH): 500 TestFunctionFailed.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from moto.cloudfront import urls as cf_urls
from moto.cloudfront.exceptions import CloudFrontException
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult

from . import state
from .cloudfront_functions import _check_if_match, _code, _get, _stage_param, InvalidArgument
from .cloudfront_kvs import association_arns, by_arn

RUNNER = Path(__file__).with_name("function_runner.js")
MAX_EVENT_BYTES = 40960
# Node's own start-up is not the function's time: the child gets this much on top of the limit.
STARTUP_ALLOWANCE_S = 20.0


class TestFunctionFailed(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("TestFunctionFailed", message)


def node_binary() -> str:
    node = os.environ.get("ACKLESS_EMULATOR_NODE") or shutil.which("node")
    if not node:
        raise TestFunctionFailed("the emulator runs TestFunction with Node.js: no `node` on PATH (or set ACKLESS_EMULATOR_NODE)")
    return node


def _event(raw: Any) -> dict[str, Any]:
    data = _code(raw)
    if len(data) > MAX_EVENT_BYTES:
        raise InvalidArgument(f"The event object is {len(data)} bytes; the maximum is {MAX_EVENT_BYTES}.")
    try:
        event = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise InvalidArgument(f"The event object is not valid JSON: {e}") from None
    if not isinstance(event, dict):
        raise InvalidArgument("The event object must be a JSON object.")
    return event


def kvs_snapshot(kvs: Any) -> dict[str, Any] | None:
    """What cf.kvs() reads: the store's id, items and times (taken under state.lock)."""
    if kvs is None:
        return None
    return {"id": kvs.id, "items": dict(kvs.items), "created": kvs.created.isoformat(), "modified": kvs.data_modified.isoformat()}


def run(code: bytes, runtime: str, event: dict[str, Any], kvs: dict[str, Any] | None) -> dict[str, Any]:
    """Runs the function in a child `node`; returns the runner's {output, error, logs, utilization}."""
    limit_ms = state.function_time_limit_ms()
    payload = {
        "code": code.decode("utf-8", "replace"),
        "runtime": runtime,
        "event": event,
        "timeLimitMs": limit_ms,
        "kvs": kvs,
    }
    try:
        proc = subprocess.run(
            [node_binary(), str(RUNNER)],
            input=json.dumps(payload).encode("utf-8"),
            capture_output=True,
            timeout=limit_ms / 1000.0 + STARTUP_ALLOWANCE_S,
        )
    except OSError as e:
        raise TestFunctionFailed(f"the emulator could not start Node.js to run the function: {e}") from None
    except subprocess.TimeoutExpired:
        # A handler that never yields (a loop in a promise callback): killed.
        return {"output": "", "error": "The CloudFront function exceeded the maximum allowed compute time.", "logs": [], "utilization": 100}
    if proc.returncode != 0:
        raise TestFunctionFailed(f"the function runner failed: {proc.stderr.decode('utf-8', 'replace')[-500:]}")
    return json.loads(proc.stdout.decode("utf-8"))


def test_function(self: CloudFrontResponse) -> ActionResult:
    name = self._get_param("Name")
    stage = _stage_param(self)
    event = _event(self._get_param("EventObject"))
    backend = self.backend
    with state.lock:
        fn = _get(backend, name)
        st = fn.stage(stage)
        _check_if_match(self._get_param("IfMatch"), st.etag)
        code, config = st.code, dict(st.config)
        arns = association_arns(config)
        kvs = kvs_snapshot(by_arn(backend, arns[0])) if arns else None
        summary = fn.summary(backend, stage)
    # Outside the lock: the child process may take a while.
    result = run(code, config.get("Runtime") or "cloudfront-js-1.0", event, kvs)
    return ActionResult(
        {
            "TestResult": {
                "FunctionSummary": summary,
                "ComputeUtilization": str(int(result["utilization"])),
                "FunctionExecutionLogs": list(result["logs"]),
                "FunctionErrorMessage": result["error"],
                "FunctionOutput": result["output"],
            }
        }
    )


def install() -> None:
    cf_urls.url_paths["{0}/2020-05-31/function/(?P<name>[^/]+)/test$"] = CloudFrontResponse.dispatch
    CloudFrontResponse.test_function = test_function
