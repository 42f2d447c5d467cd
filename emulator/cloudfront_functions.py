"""CloudFront Functions (API 2020-05-31) on top of moto's CloudFront service.

Each function has a DEVELOPMENT stage and, once published, a LIVE stage; each
stage has its own code, config and ETag.  State lives on the moto CloudFront
backend instance, so moto's reset clears it.
"""

import base64
from typing import Any

from moto.cloudfront import urls as cf_urls
from moto.cloudfront.exceptions import CloudFrontException, InvalidIfMatchVersion
from moto.cloudfront.models import CloudFrontBackend, random_id
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult, EmptyResult

from . import state
from .cloudfront_distributions import PreconditionFailed, function_arns, list_page, mark_changed
from .cloudfront_kvs import ARN as KVS_ARN
from .cloudfront_kvs import READY, association_arns, by_arn
from .tags import _keys_of, check_cloudfront_tag_keys

DEV = "DEVELOPMENT"
LIVE = "LIVE"


class FunctionAlreadyExists(CloudFrontException):
    def __init__(self, name: str) -> None:
        super().__init__("FunctionAlreadyExists", f"A function with the name {name} already exists.")


class NoSuchFunctionExists(CloudFrontException):
    def __init__(self, name: str) -> None:
        super().__init__("NoSuchFunctionExists", f"The function {name} does not exist.")


class FunctionInUse(CloudFrontException):
    def __init__(self, name: str) -> None:
        super().__init__(
            "FunctionInUse",
            f"Cannot delete function {name}: it is associated with one or more cache behaviors.",
        )


class InvalidArgument(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidArgument", message)


class TagsOnCreateRefused(CloudFrontException):
    """409 for CreateFunction with Tags while the switch functionTagsOnCreate is off. The message is the one
    quoted in cloudformation-coverage-roadmap #2508; the code AWS sent is not public, so a 409 code of
    CloudFront's model is used (ResourceInUse), one ackless gives no meaning to."""

    def __init__(self) -> None:
        super().__init__(
            "ResourceInUse",
            "Unable to create function with tags at this time. Please retry without tags, using a different function name, or try again later.",
        )


class FunctionSizeLimitExceeded(CloudFrontException):
    def __init__(self, size: int) -> None:
        super().__init__(
            "FunctionSizeLimitExceeded",
            f"The function code is {size} bytes; the maximum size of a function is {MAX_CODE_BYTES} bytes.",
        )


# 10 KB: the CloudFront Functions quota "maximum function size" (docs/aws-contract.md).
MAX_CODE_BYTES = 10240


def check_function(backend: CloudFrontBackend, code: bytes, config: dict[str, Any]) -> None:
    """CreateFunction / UpdateFunction: the size quota and the KeyValueStore associations."""
    if len(code) > MAX_CODE_BYTES:
        raise FunctionSizeLimitExceeded(len(code))
    arns = association_arns(config)
    if len(arns) > 1:
        raise InvalidArgument(f"A function can be associated with at most one key value store, got {len(arns)}.")
    for arn in arns:
        if config.get("Runtime") != "cloudfront-js-2.0":
            raise InvalidArgument("Key value store associations require the cloudfront-js-2.0 runtime.")
        if not KVS_ARN.match(arn):
            raise InvalidArgument(f"The key value store ARN {arn} is not valid.")
        kvs = by_arn(backend, arn)
        if kvs is None:
            raise InvalidArgument(f"The key value store {arn} does not exist.")
        if kvs.status() != READY:
            raise InvalidArgument(f"The KVS {arn} cannot be associated before the resource is provisioned.")


class _Stage:
    def __init__(self, code: bytes, config: dict[str, Any]) -> None:
        self.code = code
        self.config = config
        self.etag = random_id(length=14)
        self.modified = state.utcnow()

    def copy(self) -> "_Stage":
        stage = _Stage(self.code, dict(self.config))
        return stage


class CloudFrontFunction:
    def __init__(self, account_id: str, name: str, code: bytes, config: dict[str, Any]) -> None:
        self.name = name
        self.arn = f"arn:aws:cloudfront::{account_id}:function/{name}"
        self.created = state.utcnow()
        self.stages: dict[str, _Stage] = {DEV: _Stage(code, config)}

    def stage(self, stage: str) -> _Stage:
        if stage not in self.stages:
            raise NoSuchFunctionExists(self.name)
        return self.stages[stage]

    def status(self, backend: CloudFrontBackend) -> str:
        if LIVE not in self.stages:
            return "UNPUBLISHED"
        for dist in backend.distributions.values():
            if self.arn in function_arns(dist):
                return "ASSOCIATED"
        return "UNASSOCIATED"

    def summary(self, backend: CloudFrontBackend, stage: str) -> dict[str, Any]:
        st = self.stage(stage)
        config = {"Comment": st.config.get("Comment", ""), "Runtime": st.config.get("Runtime", "cloudfront-js-1.0")}
        kvs = st.config.get("KeyValueStoreAssociations")
        if kvs and kvs.get("Items"):
            config["KeyValueStoreAssociations"] = {"Quantity": len(kvs["Items"]), "Items": kvs["Items"]}
        return {
            "Name": self.name,
            "Status": self.status(backend),
            "FunctionConfig": config,
            "FunctionMetadata": {
                "FunctionARN": self.arn,
                "Stage": stage,
                "CreatedTime": self.created,
                "LastModifiedTime": st.modified,
            },
        }


def listed(fn: CloudFrontFunction) -> bool:
    """Whether ListFunctions shows the function (consistency.py hides new ones for a while)."""
    return True


def functions(backend: CloudFrontBackend) -> dict[str, CloudFrontFunction]:
    return backend.__dict__.setdefault("ackless_functions", {})


def _code(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except Exception:
            return value.encode("utf-8")
    return bytes(value)


def _stage_param(response: CloudFrontResponse) -> str:
    stage = response._get_param("Stage") or DEV
    if stage not in (DEV, LIVE):
        raise InvalidArgument(f"Invalid stage {stage}")
    return stage


def _get(backend: CloudFrontBackend, name: str) -> CloudFrontFunction:
    fn = functions(backend).get(name)
    if fn is None:
        raise NoSuchFunctionExists(name)
    return fn


def _check_if_match(if_match: Any, etag: str) -> None:
    if not if_match:
        raise InvalidIfMatchVersion
    if if_match != etag:
        raise PreconditionFailed


def _location(name: str) -> str:
    return f"https://cloudfront.amazonaws.com/2020-05-31/function/{name}"


# ---------------------------------------------------------------- handlers


def create_function(self: CloudFrontResponse) -> ActionResult:
    name = self._get_param("Name")
    config = self._get_param("FunctionConfig", {}) or {}
    code = _code(self._get_param("FunctionCode"))
    tags = self._get_param("Tags.Items", []) or []
    check_cloudfront_tag_keys(_keys_of(tags))
    if tags and not state.config.get("functionTagsOnCreate", True):
        raise TagsOnCreateRefused()
    backend = self.backend
    with state.lock:
        store = functions(backend)
        if name in store:
            raise FunctionAlreadyExists(name)
        check_function(backend, code, config)
        fn = CloudFrontFunction(self.current_account, name, code, config)
        store[name] = fn
        if tags:
            backend.tagger.tag_resource(fn.arn, tags)
        return ActionResult(
            {"FunctionSummary": fn.summary(backend, DEV), "ETag": fn.stages[DEV].etag, "Location": _location(name)}
        )


def describe_function(self: CloudFrontResponse) -> ActionResult:
    name = self._get_param("Name")
    stage = _stage_param(self)
    with state.lock:
        fn = _get(self.backend, name)
        st = fn.stage(stage)
        return ActionResult({"FunctionSummary": fn.summary(self.backend, stage), "ETag": st.etag})


def get_function(self: CloudFrontResponse) -> Any:
    """Raw code bytes as the body, with ETag and Content-Type headers."""
    name = self._get_param("Name")
    stage = _stage_param(self)
    with state.lock:
        st = _get(self.backend, name).stage(stage)
        headers = {"ETag": st.etag, "Content-Type": "application/octet-stream", "status": 200}
        return 200, headers, st.code


def update_function(self: CloudFrontResponse) -> ActionResult:
    name = self._get_param("Name")
    if_match = self._get_param("IfMatch")
    config = self._get_param("FunctionConfig", {}) or {}
    code = _code(self._get_param("FunctionCode"))
    with state.lock:
        fn = _get(self.backend, name)
        _check_if_match(if_match, fn.stages[DEV].etag)
        check_function(self.backend, code, config)
        fn.stages[DEV] = _Stage(code, config)
        return ActionResult({"FunctionSummary": fn.summary(self.backend, DEV), "ETag": fn.stages[DEV].etag})


def publish_function(self: CloudFrontResponse) -> ActionResult:
    name = self._get_param("Name")
    if_match = self._get_param("IfMatch")
    backend = self.backend
    with state.lock:
        fn = _get(backend, name)
        dev = fn.stages[DEV]
        _check_if_match(if_match, dev.etag)
        live = fn.stages.get(LIVE)
        if live is not None and live.code == dev.code and live.config == dev.config:
            # Nothing to publish: AWS answers 412 here (terraform-provider-aws #49572).
            raise PreconditionFailed
        fn.stages[LIVE] = dev.copy()
        # Distributions using the function get a new ETag and redeploy.
        for dist in backend.distributions.values():
            if fn.arn in function_arns(dist):
                mark_changed(dist)
        return ActionResult({"FunctionSummary": fn.summary(backend, LIVE)})


def delete_function(self: CloudFrontResponse) -> EmptyResult:
    name = self._get_param("Name")
    if_match = self._get_param("IfMatch")
    backend = self.backend
    with state.lock:
        fn = _get(backend, name)
        _check_if_match(if_match, fn.stages[DEV].etag)
        for dist in backend.distributions.values():
            if fn.arn in function_arns(dist):
                raise FunctionInUse(name)
        del functions(backend)[name]
        backend.tagger.delete_all_tags_for_resource(fn.arn)
        return EmptyResult()


def list_functions(self: CloudFrontResponse) -> ActionResult:
    stage_filter = self._get_param("Stage")
    backend = self.backend
    with state.lock:
        entries = [
            (fn, stage)
            for fn in functions(backend).values()
            if listed(fn)
            for stage in (DEV, LIVE)
            if stage in fn.stages and (not stage_filter or stage == stage_filter)
        ]
        # NextMarker is opaque to clients: here the function's name and stage.
        listing = list_page(entries, self._get_param("Marker"), self._get_param("MaxItems"), lambda e: f"{e[0].name}/{e[1]}")
        if listing["Items"]:
            listing["Items"] = [fn.summary(backend, stage) for fn, stage in listing["Items"]]
        return ActionResult({"FunctionList": listing})


def install() -> None:
    base = "{0}/2020-05-31/function"
    cf_urls.url_paths[base + "$"] = CloudFrontResponse.dispatch
    cf_urls.url_paths[base + "/(?P<name>[^/]+)$"] = CloudFrontResponse.dispatch
    cf_urls.url_paths[base + "/(?P<name>[^/]+)/describe$"] = CloudFrontResponse.dispatch
    cf_urls.url_paths[base + "/(?P<name>[^/]+)/publish$"] = CloudFrontResponse.dispatch
    for fn in (create_function, describe_function, get_function, update_function,
               publish_function, delete_function, list_functions):
        setattr(CloudFrontResponse, fn.__name__, fn)
