"""WSGI front: the internal /ackless/ JSON API and the call log, in front of moto."""

import io
import json
import re
import time
from functools import lru_cache
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

from . import cloudfront_kvs_data, faults, iam, state

Json = dict[str, Any]
_SEGMENT_VAR = re.compile(r"\{([^}]+?)(\+?)\}")


# ------------------------------------------------------------ operation names


@lru_cache(maxsize=None)
def _rest_operations(service: str) -> list[tuple[str, str, re.Pattern[str], list[tuple[str, str | None]]]]:
    """(name, method, path regex, required query items) per operation, most specific first."""
    import botocore.session

    try:
        model = botocore.session.get_session().get_service_model(service)
    except Exception:
        return []
    ops = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path, _, query = http.get("requestUri", "/").partition("?")
        required: list[tuple[str, str | None]] = []
        for part in filter(None, query.split("&")):
            key, eq, value = part.partition("=")
            required.append((key, value if eq else None))
        parts, literal = [], 0
        for segment in path.split("/"):
            m = _SEGMENT_VAR.fullmatch(segment)
            if m:
                parts.append(".+" if m.group(2) else "[^/]+")
            else:
                parts.append(re.escape(segment))
                literal += len(segment)
        pattern = re.compile("^" + "/".join(parts).rstrip("/") + "/?$")
        score = len(required) * 100000 + literal * 10 + path.count("/")
        ops.append((score, name, http.get("method", "POST"), pattern, required))
    ops.sort(key=lambda op: op[0], reverse=True)
    return [op[1:] for op in ops]


def _rest_operation(service: str, method: str, path: str, query: dict[str, list[str]]) -> str | None:
    for name, op_method, pattern, required in _rest_operations(service):
        if op_method != method or not pattern.match(path):
            continue
        if all(k in query and (v is None or v in query[k]) for k, v in required):
            return name
    return None


def _service_from_auth(environ: Json) -> str | None:
    auth = environ.get("HTTP_AUTHORIZATION") or ""
    # SigV4: Credential=AKID/date/region/service/aws4_request; SigV4A: Credential=AKID/date/service/aws4_request.
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request", auth) or re.search(
        r"Credential=[^/]+/\d{8}/([^/]+)/aws4_request", auth
    )
    return m.group(1).lower() if m else None


def _read_body(environ: Json) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def describe_operation(environ: Json) -> tuple[str, str]:
    """(service, operation) of an AWS request."""
    service = _service_from_auth(environ) or "unknown"
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return service, target.split(".")[-1]
    if "Action" in query:
        return service, query["Action"][0]
    ctype = environ.get("CONTENT_TYPE") or ""
    if ctype.startswith("application/x-www-form-urlencoded"):
        form = parse_qs(_read_body(environ).decode("utf-8", "replace"))
        if "Action" in form:
            return service, form["Action"][0]
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/")
    if service == cloudfront_kvs_data.SERVICE:
        # Its paths hold ARNs and keys with encoded slashes: routed on the raw path.
        return service, cloudfront_kvs_data.operation_name(environ) or f"{method} {path}"
    op = _rest_operation(service, method, path, query) if service != "unknown" else None
    return service, op or f"{method} {path}"


# ---------------------------------------------------------------- internal API


class BadRequest(Exception):
    pass


def _cf_backend(account: str) -> Any:
    from moto.cloudfront.models import cloudfront_backends

    return cloudfront_backends[account]["aws"]


def _ec2_backend(account: str, region: str) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[account][region]


def _tag_list(tags: Any) -> list[dict[str, str]]:
    if isinstance(tags, dict):
        return [{"Key": str(k), "Value": str(v)} for k, v in tags.items()]
    if isinstance(tags, list):
        return [{"Key": str(t["Key"]), "Value": str(t.get("Value", ""))} for t in tags]
    raise BadRequest("tags must be an object or a list of {Key, Value}")


def api_reset(body: Json) -> Json:
    """Clears all state and the call log. With {"settings": true}, also every runtime
    setting (POST /ackless/config, /ackless/faults) goes back to what the emulator
    started with: a test run sharing one emulator resets it fully between tests."""
    from moto.moto_api._internal.models import moto_api_backend

    settings = body.get("settings", False)
    if not isinstance(settings, bool):
        raise BadRequest("settings must be true or false")
    with state.lock:
        moto_api_backend.reset()
        state.reset_calls()
        if settings:
            state.restore_start_config()
            faults.restore_start_config()
        else:
            faults.restart()
        iam.reset()
    return {"reset": True, "settings": settings}


def api_config(body: Json) -> Json:
    for key in ("deploySeconds", "natSeconds", "notDisabledSeconds", "notFoundAfterCreateSeconds", "kvsSeconds", "functionTimeLimitMs"):
        if key in body and body[key] is not None:
            value = float(body[key])
            if value < 0 or (key == "functionTimeLimitMs" and value <= 0):
                raise BadRequest(f"{key} must be {'> 0' if key == 'functionTimeLimitMs' else '>= 0'}")
            state.config[key] = value
    if body.get("natEipQuota") is not None:
        quota = body["natEipQuota"]
        if not isinstance(quota, int) or isinstance(quota, bool) or quota < 1:
            raise BadRequest("natEipQuota must be an integer >= 1")
        state.config["natEipQuota"] = quota
    for key, default in state.CONFIG_DEFAULTS.items():
        # a switch: true/false (null: back to the default)
        if key in body:
            value = body[key]
            if value is not None and not isinstance(value, bool):
                raise BadRequest(f"{key} must be true, false or null")
            state.config[key] = default if value is None else value
    return dict(state.config)


def api_seed_tags(body: Json) -> Json:
    account = body.get("accountId") or state.account_id()
    tags = _tag_list(body.get("tags") or {})
    if body.get("arn"):
        arn = body["arn"]
        if ":cloudfront:" not in arn:
            raise BadRequest("only CloudFront ARNs are supported; use resourceId for EC2")
        _cf_backend(account).tagger.tag_resource(arn, tags)
        return {"arn": arn, "tags": _cf_backend(account).tagger.list_tags_for_resource(arn)["Tags"]}
    if body.get("resourceId"):
        region = body.get("region") or "us-east-1"
        backend = _ec2_backend(account, region)
        backend.create_tags([body["resourceId"]], {t["Key"]: t["Value"] for t in tags})
        return {"resourceId": body["resourceId"]}
    raise BadRequest("arn or resourceId required")


def _find_nat(account: str, nat_id: str, region: str | None) -> Any:
    from moto.ec2.models import ec2_backends

    regions = [region] if region else list(ec2_backends[account].keys())
    for r in regions:
        backend = ec2_backends[account][r]
        nat = backend.nat_gateways.get(nat_id)
        if nat is not None:
            return nat
    return None


def api_nat_fail(body: Json) -> Json:
    from .ec2_nat import fail

    nat_id = body.get("natGatewayId")
    if not nat_id:
        raise BadRequest("natGatewayId required")
    nat = _find_nat(body.get("accountId") or state.account_id(), nat_id, body.get("region"))
    if nat is None:
        raise LookupError(f"NAT gateway {nat_id} not found")
    fail(nat, body.get("failureCode") or "InternalError", body.get("failureMessage") or "Forced failure")
    return {"natGatewayId": nat_id, "state": nat.state}


def api_set_distribution(body: Json) -> Json:
    from .cloudfront_distributions import force_status

    dist_id = body.get("id")
    status = body.get("status")
    if not dist_id or status not in ("InProgress", "Deployed"):
        raise BadRequest('id and status ("InProgress" or "Deployed") required')
    backend = _cf_backend(body.get("accountId") or state.account_id())
    with state.lock:
        dist = backend.distributions.get(dist_id)
        if dist is None:
            raise LookupError(f"distribution {dist_id} not found")
        force_status(dist, status, body.get("holdSeconds"))
        return {"id": dist_id, "status": dist.status, "etag": dist.etag}


ROUTES: dict[tuple[str, str], Callable[[Json], Json]] = {
    ("POST", "/ackless/reset"): api_reset,
    ("POST", "/ackless/config"): api_config,
    ("GET", "/ackless/config"): lambda _: dict(state.config),
    ("GET", "/ackless/calls"): lambda _: {"calls": state.list_calls()},
    ("POST", "/ackless/calls/reset"): lambda _: (state.reset_calls(), {"reset": True})[1],
    ("POST", "/ackless/seed-tags"): api_seed_tags,
    ("POST", "/ackless/nat-fail"): api_nat_fail,
    ("POST", "/ackless/set-distribution"): api_set_distribution,
    ("GET", "/ackless/health"): lambda _: {"ok": True},
    ("GET", "/ackless/faults"): lambda _: faults.get_config(),
    ("POST", "/ackless/faults"): faults.set_config,
}


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 503: "Service Unavailable"}


def _json_response(start_response: Any, status: int, payload: Json) -> Iterable[bytes]:
    body = json.dumps(payload).encode("utf-8")
    start_response(
        f"{status} {_REASONS.get(status, 'Error')}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


class EmulatorApp:
    def __init__(self, moto_app: Any) -> None:
        self.moto_app = moto_app

    def __call__(self, environ: Json, start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/ackless/") or path == "/ackless":
            return self._internal(environ, start_response)
        if path.startswith("/moto-api"):
            return self.moto_app(environ, start_response)
        service, operation = describe_operation(environ)
        entry: Json = {"service": service, "operation": operation}
        # Who signed it and for which region (SigV4 Credential=AKID/date/region/service/aws4_request),
        # so tests can check which profile's keys and region a call used.
        auth = environ.get("HTTP_AUTHORIZATION", "")
        credential = re.search(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/", auth)
        if credential:
            entry["accessKeyId"] = credential.group(1)
            # SigV4A scopes name no region: the X-Amz-Region-Set header does.
            sigv4a = auth.startswith("AWS4-ECDSA-P256-SHA256 ")
            entry["region"] = environ.get("HTTP_X_AMZ_REGION_SET", "") if sigv4a else credential.group(2)
        state.record_call(entry)
        # moto has no cloudfront-keyvaluestore service: the emulator's own data plane answers it.
        app = cloudfront_kvs_data.handle if service == cloudfront_kvs_data.SERVICE and cloudfront_kvs_data.enabled else self.moto_app

        denied = iam.authorize(environ, service, operation, entry)
        if denied is not None:
            status, headers, body = denied
            entry["status"] = status
            start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
            return [body]

        decision = faults.decide(service, operation)
        if decision is not None:
            entry["fault"] = decision.fault or "latency"
            if decision.delay > 0:
                entry["delaySeconds"] = decision.delay
                time.sleep(decision.delay)
            if decision.fault in ("throttle", "internal"):
                status, headers, body = faults.error_response(service, decision.fault)
                entry["status"] = status
                start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
                return [body]

        def record_status(status: str) -> None:
            try:
                entry["status"] = int(status.split(" ", 1)[0])
            except ValueError:
                pass

        if decision is not None and decision.fault == "drop":
            # Carried out by moto (status recorded), then the connection is closed unanswered.
            result = app(environ, lambda status, headers, exc_info=None: record_status(status))
            try:
                for _ in result:
                    pass
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            faults.drop_connection(environ)

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            record_status(status)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return app(environ, recording_start_response)

    def _internal(self, environ: Json, start_response: Any) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "").rstrip("/")
        handler = ROUTES.get((method, path))
        if handler is None:
            known = any(p == path for (_, p) in ROUTES)
            return _json_response(start_response, 405 if known else 404, {"error": f"no route {method} {path}"})
        try:
            raw = _read_body(environ)
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
            if not isinstance(body, dict):
                raise BadRequest("body must be a JSON object")
            return _json_response(start_response, 200, handler(body))
        except (BadRequest, ValueError) as e:
            return _json_response(start_response, 400, {"error": str(e)})
        except LookupError as e:
            return _json_response(start_response, 404, {"error": str(e)})
        except Exception as e:  # pragma: no cover - defensive
            return _json_response(start_response, 500, {"error": f"{type(e).__name__}: {e}"})
