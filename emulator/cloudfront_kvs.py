"""CloudFront KeyValueStores, the control plane (API 2020-05-31), which moto 5.2.1 lacks.

docs/aws-contract.md, "CloudFront KeyValueStores". Here:

* CreateKeyValueStore: 201 with ETag and Location, Status PROVISIONING; the store
  reads READY kvsSeconds later (config, 0 by default: the next read). A Name
  already used: 409 EntityAlreadyExists. Tags.Items are stored (aws: keys
  refused). ImportSource: 400 UnsupportedOperation (the emulator has no S3 import).
* DescribeKeyValueStore: the store and its ETag; unknown name: 404 EntityNotFound.
* UpdateKeyValueStore: changes Comment only; IfMatch missing 400
  InvalidIfMatchVersion, stale 412 PreconditionFailed; a new ETag.
* DeleteKeyValueStore: IfMatch as for update; 409 CannotDeleteEntityWhileInUse
  while a function (either stage) associates the store.
* ListKeyValueStores: pages with MaxItems and Marker (NextMarker: the last
  store's name), Status filter.

The keys themselves are the data plane (cloudfront_kvs_data.py); they live on
the same store object, so moto's reset clears both.
"""

import re
import uuid
from typing import Any

from moto.cloudfront.exceptions import CloudFrontException, InvalidIfMatchVersion
from moto.cloudfront.models import CloudFrontBackend, random_id
from moto.cloudfront.responses import CloudFrontResponse
from moto.cloudfront import urls as cf_urls
from moto.core.responses import ActionResult, EmptyResult

from . import state
from .cloudfront_distributions import PreconditionFailed, list_page
from .tags import _keys_of, check_cloudfront_tag_keys

PROVISIONING = "PROVISIONING"
READY = "READY"
NAME = re.compile(r"^[a-zA-Z0-9\-_]{1,64}$")
ARN = re.compile(r"^arn:aws:cloudfront::(\d{12}):key-value-store/([0-9a-fA-F-]{36})$")


class EntityAlreadyExists(CloudFrontException):
    def __init__(self, name: str) -> None:
        super().__init__("EntityAlreadyExists", f"A key value store with the name {name} already exists.")


class EntityNotFound(CloudFrontException):
    def __init__(self, name: str) -> None:
        super().__init__("EntityNotFound", f"The key value store {name} does not exist.")


class CannotDeleteEntityWhileInUse(CloudFrontException):
    def __init__(self, name: str, users: list[str]) -> None:
        super().__init__(
            "CannotDeleteEntityWhileInUse",
            f"Cannot delete key value store {name}: it is associated with the functions {', '.join(users)}.",
        )


class InvalidArgument(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("InvalidArgument", message)


class UnsupportedOperation(CloudFrontException):
    def __init__(self, message: str) -> None:
        super().__init__("UnsupportedOperation", message)


class KeyValueStore:
    def __init__(self, account_id: str, name: str, comment: str) -> None:
        self.name = name
        self.id = str(uuid.uuid4())
        self.arn = f"arn:aws:cloudfront::{account_id}:key-value-store/{self.id}"
        self.comment = comment
        self.etag = random_id(length=14)
        self.created = state.utcnow()
        self.modified = self.created
        self.ready_at = state.now() + state.kvs_seconds()
        # The data plane: key -> value, and its own version (cloudfront_kvs_data.py).
        self.items: dict[str, str] = {}
        self.data_etag = random_id(length=14)
        self.data_modified = self.created

    def status(self) -> str:
        return READY if state.now() >= self.ready_at else PROVISIONING

    def summary(self, status: str | None = None) -> dict[str, Any]:
        return {
            "Name": self.name,
            "Id": self.id,
            "Comment": self.comment,
            "ARN": self.arn,
            "Status": status or self.status(),
            "LastModifiedTime": self.modified,
        }


def stores(backend: CloudFrontBackend) -> dict[str, KeyValueStore]:
    """The account's stores by name."""
    return backend.__dict__.setdefault("ackless_kvs", {})


def by_arn(backend: CloudFrontBackend, arn: str) -> KeyValueStore | None:
    for kvs in stores(backend).values():
        if kvs.arn == arn:
            return kvs
    return None


def association_arns(config: dict[str, Any]) -> list[str]:
    """The KeyValueStore ARNs a FunctionConfig associates."""
    kvs = (config or {}).get("KeyValueStoreAssociations") or {}
    items = kvs.get("Items") or []
    if isinstance(items, dict):  # one XML member parsed as a dict
        items = [items.get("KeyValueStoreAssociation", items)]
    return [str(i.get("KeyValueStoreARN", "")) for i in items if isinstance(i, dict)]


def users(backend: CloudFrontBackend, kvs: KeyValueStore) -> list[str]:
    """Names of the functions whose DEVELOPMENT or LIVE stage associates the store."""
    from .cloudfront_functions import functions

    return sorted(
        fn.name
        for fn in functions(backend).values()
        if any(kvs.arn in association_arns(st.config) for st in fn.stages.values())
    )


def _get(backend: CloudFrontBackend, name: Any) -> KeyValueStore:
    kvs = stores(backend).get(name)
    if kvs is None:
        raise EntityNotFound(name)
    return kvs


def _check_if_match(if_match: Any, kvs: KeyValueStore) -> None:
    if not if_match:
        raise InvalidIfMatchVersion
    if if_match != kvs.etag:
        raise PreconditionFailed


# ---------------------------------------------------------------- handlers


def create_key_value_store(self: CloudFrontResponse) -> ActionResult:
    name = self._get_param("Name") or ""
    comment = self._get_param("Comment") or ""
    if not NAME.match(name):
        raise InvalidArgument(f"Name {name!r} is invalid: 1 to 64 of a-z, A-Z, 0-9, '-' and '_'")
    if len(comment) > 128:
        raise InvalidArgument("Comment is longer than 128 characters")
    if self._get_param("ImportSource"):
        raise UnsupportedOperation("ImportSource is not supported by the ackless emulator")
    tags = self._get_param("Tags.Items", []) or []
    check_cloudfront_tag_keys(_keys_of(tags))
    backend = self.backend
    with state.lock:
        if name in stores(backend):
            raise EntityAlreadyExists(name)
        kvs = KeyValueStore(self.current_account, name, comment)
        stores(backend)[name] = kvs
        if tags:
            backend.tagger.tag_resource(kvs.arn, tags)
        return ActionResult(
            {
                # AWS answers PROVISIONING to the create whatever the transition time.
                "KeyValueStore": kvs.summary(PROVISIONING),
                "ETag": kvs.etag,
                "Location": f"https://cloudfront.amazonaws.com/2020-05-31/key-value-store/{name}",
            }
        )


def describe_key_value_store(self: CloudFrontResponse) -> ActionResult:
    with state.lock:
        kvs = _get(self.backend, self._get_param("Name"))
        return ActionResult({"KeyValueStore": kvs.summary(), "ETag": kvs.etag})


def update_key_value_store(self: CloudFrontResponse) -> ActionResult:
    comment = self._get_param("Comment")
    if comment is None:
        raise InvalidArgument("Comment is required")
    if len(comment) > 128:
        raise InvalidArgument("Comment is longer than 128 characters")
    with state.lock:
        kvs = _get(self.backend, self._get_param("Name"))
        _check_if_match(self._get_param("IfMatch"), kvs)
        kvs.comment = comment
        kvs.etag = random_id(length=14)
        kvs.modified = state.utcnow()
        return ActionResult({"KeyValueStore": kvs.summary(), "ETag": kvs.etag})


def delete_key_value_store(self: CloudFrontResponse) -> EmptyResult:
    backend = self.backend
    with state.lock:
        kvs = _get(backend, self._get_param("Name"))
        _check_if_match(self._get_param("IfMatch"), kvs)
        in_use = users(backend, kvs)
        if in_use:
            raise CannotDeleteEntityWhileInUse(kvs.name, in_use)
        del stores(backend)[kvs.name]
        backend.tagger.delete_all_tags_for_resource(kvs.arn)
        return EmptyResult()


def list_key_value_stores(self: CloudFrontResponse) -> ActionResult:
    status = self._get_param("Status")
    with state.lock:
        entries = [k for k in stores(self.backend).values() if not status or k.status() == status]
        listing = list_page(entries, self._get_param("Marker"), self._get_param("MaxItems"), lambda k: k.name)
        # KeyValueStoreList has no Marker or IsTruncated (botocore model).
        listing.pop("Marker", None)
        listing.pop("IsTruncated", None)
        listing["Items"] = [k.summary() for k in listing["Items"]] if listing["Items"] else None
        return ActionResult({"KeyValueStoreList": listing})


def install() -> None:
    from . import cloudfront_kvs_data

    cloudfront_kvs_data.enabled = True
    base = "{0}/2020-05-31/key-value-store"
    cf_urls.url_paths[base + "/?$"] = CloudFrontResponse.dispatch
    cf_urls.url_paths[base + "/(?P<name>[^/]+)$"] = CloudFrontResponse.dispatch
    for fn in (
        create_key_value_store,
        describe_key_value_store,
        update_key_value_store,
        delete_key_value_store,
        list_key_value_stores,
    ):
        setattr(CloudFrontResponse, fn.__name__, fn)
