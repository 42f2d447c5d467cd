"""Fault injection: throttling, 500s, responses lost after the work was done, latency.

Set with POST /ackless/faults (or --faults JSON at start); GET /ackless/faults reads
it back. The body replaces the whole fault config; {} turns every fault off:

* seed (int or string, default 0)
* throttle, internal, drop (rates in [0, 1], sum <= 1): each call of a selected
  operation draws one number and gets at most one of these faults.
  - throttle: not carried out; the service's throttling error (EC2:
    RequestLimitExceeded, 503; CloudFront and other XML services: Throttling, 400).
  - internal: not carried out; 500 InternalError in the service's error shape.
  - drop: carried out by moto, then the connection is closed without a response.
* latencyRate (in [0, 1]) and latencySeconds (>= 0): a selected call also draws
  whether it waits latencySeconds before it is handled.
* latency ({operation: seconds}): every call of that operation waits that long
  before it is handled (added to any random latency). Not limited by operations.
* operations (list, default []: all): the operations the rates apply to, as
  "CreateFunction" or "cloudfront:CreateFunction".
* maxFaults (int or null): at most this many throttle/internal/drop faults in all
  (latency is never counted); null: no limit.

Deterministic: the n-th call of service:operation (counted from the last set or
/ackless/reset) draws from a generator seeded with (seed, service:operation, n),
so a call's fault does not depend on how calls of other operations interleave
(maxFaults aside). The control API (/ackless/..., /moto-api) is never faulted.
"""

import json
import random
import socket
import threading
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

ERROR_FAULTS = ("throttle", "internal", "drop")
_KNOWN_SERVICES = ("ec2", "cloudfront", "cloudformation")

_lock = threading.Lock()
_enabled = False
_config: dict[str, Any] = {}
_counters: dict[str, int] = {}
_injected = 0


def install() -> None:
    """Turns injection on (ACKLESS_EMULATOR_DISABLE=faults leaves it off: config is accepted, nothing injected)."""
    global _enabled
    _enabled = True


def default_config() -> dict[str, Any]:
    return {
        "seed": 0,
        "throttle": 0.0,
        "internal": 0.0,
        "drop": 0.0,
        "latencyRate": 0.0,
        "latencySeconds": 0.0,
        "latency": {},
        "operations": [],
        "maxFaults": None,
    }


@lru_cache(maxsize=None)
def _service_model(service: str) -> Any:
    import botocore.session

    try:
        return botocore.session.get_session().get_service_model(service)
    except Exception:
        return None


def _check_operation(name: Any, what: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"{what}: operation names must be non-empty strings")
    service, sep, op = name.partition(":")
    if sep:
        model = _service_model(service)
        if model is None:
            raise ValueError(f"{what}: unknown service {service!r} in {name!r}")
        if op not in model.operation_names:
            raise ValueError(f"{what}: {service} has no operation {op!r}")
        return name
    if not any(name in (_service_model(s).operation_names if _service_model(s) else []) for s in _KNOWN_SERVICES):
        raise ValueError(f"{what}: unknown operation {name!r} (for services other than {', '.join(_KNOWN_SERVICES)} write service:Operation)")
    return name


def _number(key: str, value: Any, low: float, high: float | None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key} must be a number")
    value = float(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"{key} must be in [{low:g}, {high:g}]" if high is not None else f"{key} must be >= {low:g}")
    return value


def normalize(body: dict[str, Any]) -> dict[str, Any]:
    """A complete, validated fault config from a request body (ValueError if invalid)."""
    config = default_config()
    unknown = sorted(set(body) - set(config))
    if unknown:
        raise ValueError(f"unknown fault keys: {', '.join(unknown)} (known: {', '.join(config)})")
    present = {k: v for k, v in body.items() if v is not None}
    if "seed" in present:
        seed = present["seed"]
        if isinstance(seed, bool) or not isinstance(seed, (int, str)):
            raise ValueError("seed must be an integer or a string")
        config["seed"] = seed
    for key in ("throttle", "internal", "drop", "latencyRate"):
        if key in present:
            config[key] = _number(key, present[key], 0.0, 1.0)
    if config["throttle"] + config["internal"] + config["drop"] > 1.0 + 1e-9:
        raise ValueError("throttle + internal + drop must be <= 1")
    if "latencySeconds" in present:
        config["latencySeconds"] = _number("latencySeconds", present["latencySeconds"], 0.0, None)
    if "latency" in present:
        if not isinstance(present["latency"], dict):
            raise ValueError("latency must be an object {operation: seconds}")
        config["latency"] = {
            _check_operation(op, "latency"): _number(f"latency.{op}", s, 0.0, None)
            for op, s in present["latency"].items()
        }
    if "operations" in present:
        if not isinstance(present["operations"], list):
            raise ValueError("operations must be a list of operation names")
        config["operations"] = [_check_operation(op, "operations") for op in present["operations"]]
    if "maxFaults" in present:
        value = present["maxFaults"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("maxFaults must be an integer >= 0 or null")
        config["maxFaults"] = value
    return config


def set_config(body: dict[str, Any]) -> dict[str, Any]:
    """Replaces the fault config and restarts the fault sequence."""
    global _config, _injected
    config = normalize(body)
    with _lock:
        _config = config
        _counters.clear()
        _injected = 0
    return get_config()


def get_config() -> dict[str, Any]:
    with _lock:
        config = dict(_config or default_config())
    config["latency"] = dict(config["latency"])
    config["operations"] = list(config["operations"])
    return config


_start_config: dict[str, Any] = {}


def remember_start_config() -> None:
    """Records the current fault config as the one a full reset puts back (--faults, else none)."""
    global _start_config
    with _lock:
        _start_config = dict(_config)


def restore_start_config() -> None:
    """Puts the start fault config back and restarts the fault sequence: part of a full reset."""
    global _config, _injected
    with _lock:
        _config = dict(_start_config)
        _counters.clear()
        _injected = 0


def restart() -> None:
    """Restarts the fault sequence (counters), keeping the config: part of /ackless/reset."""
    global _injected
    with _lock:
        _counters.clear()
        _injected = 0


@dataclass
class Decision:
    fault: str | None  # "throttle" | "internal" | "drop" | None
    delay: float  # seconds to wait before handling


def _named(names: Any, service: str, operation: str) -> bool:
    return operation in names or f"{service}:{operation}" in names


def decide(service: str, operation: str) -> Decision | None:
    """The fault for this call, or None. Advances the sequence of service:operation."""
    global _injected
    if not _enabled:
        return None
    with _lock:
        config = _config
        if not config:
            return None
        latency = config["latency"]
        delay = float(latency.get(f"{service}:{operation}", latency.get(operation, 0.0)))
        fault = None
        rates = (config["throttle"], config["internal"], config["drop"])
        selected = not config["operations"] or _named(config["operations"], service, operation)
        if selected and (any(rates) or config["latencyRate"]):
            key = f"{service}:{operation}"
            n = _counters.get(key, 0)
            _counters[key] = n + 1
            rng = random.Random(f"{json.dumps(config['seed'])}|{key}|{n}")
            draw, latency_draw = rng.random(), rng.random()
            limit = config["maxFaults"]
            if limit is None or _injected < limit:
                edge = 0.0
                for kind, rate in zip(ERROR_FAULTS, rates):
                    edge += rate
                    if draw < edge:
                        fault = kind
                        _injected += 1
                        break
            if latency_draw < config["latencyRate"]:
                delay += config["latencySeconds"]
    if fault is None and delay <= 0:
        return None
    return Decision(fault, delay)


# ------------------------------------------------------------------ responses


def error_response(service: str, fault: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of a throttle or internal fault, in the service's own error shape."""
    throttle = fault == "throttle"
    if service == "ec2":
        status, code, message = (503, "RequestLimitExceeded", "Request limit exceeded.") if throttle else (500, "InternalError", "An internal error has occurred")
        return service_error(service, status, code, message)
    model = _service_model(service)
    protocol = model.metadata.get("protocol") if model is not None else "query"
    if protocol in ("json", "rest-json"):
        status, code, message = (400, "ThrottlingException", "Rate exceeded") if throttle else (500, "InternalFailure", "An internal error has occurred")
        return service_error(service, status, code, message)
    if service == "cloudfront":
        internal_message = "CloudFront encountered an internal error. Please try again."
    else:
        internal_message = "An internal error has occurred"
    status, code, message = (400, "Throttling", "Rate exceeded") if throttle else (500, "InternalError", internal_message)
    return service_error(service, status, code, message)


def service_error(service: str, status: int, code: str, message: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of an error in the service's own shape (EC2, JSON, or XML ErrorResponse)."""
    rid = str(uuid.uuid4())
    if service == "ec2":
        # EC2 query protocol: <Response><Errors><Error>..., <RequestID>.
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{code}</Code><Message>{escape(message)}</Message></Error></Errors>"
            f"<RequestID>{rid}</RequestID></Response>"
        ).encode()
        return status, [("Content-Type", "text/xml;charset=UTF-8"), ("Content-Length", str(len(body)))], body

    model = _service_model(service)
    protocol = model.metadata.get("protocol") if model is not None else "query"
    if protocol in ("json", "rest-json"):
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", rid), ("x-amzn-ErrorType", code)]
        return status, headers + [("Content-Length", str(len(body)))], body

    # CloudFront (rest-xml) and the query services (CloudFormation, IAM, STS, ...): <ErrorResponse><Error><Type>...
    error_type = "Receiver" if status >= 500 else "Sender"
    version = model.metadata.get("apiVersion") if model is not None else None
    xmlns = f' xmlns="http://{service}.amazonaws.com/doc/{version}/"' if version else ""
    body = (
        f'<?xml version="1.0"?>\n<ErrorResponse{xmlns}><Error><Type>{error_type}</Type><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>"
    ).encode()
    headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid), ("Content-Length", str(len(body)))]
    return status, headers, body


class ResponseDropped(ConnectionAbortedError):
    """Raised after a dropped call was carried out: the server writes nothing and closes the connection."""


def drop_connection(environ: dict[str, Any]) -> None:
    """Closes the client's connection without a response (werkzeug's dev server socket)."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ResponseDropped("ackless fault injection: response dropped after the request was carried out")
