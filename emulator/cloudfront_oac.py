"""CloudFront origin access control (OAC) as AWS answers it (docs/aws-contract.md,
"Origin access control"). moto 5.2.1 has the five operations but leaves the
origin type out of every answer, never checks IfMatch, keeps the ETag on
update, answers a 500 for an unknown id on delete, and lets a distribution's
OAC be deleted. Here:

* Create: 201 with ETag and Location; a Name already used is 409
  OriginAccessControlAlreadyExists.
* Get / GetConfig: the config with its origin type; unknown id: 404
  NoSuchOriginAccessControl.
* Update / Delete: IfMatch missing 400 InvalidIfMatchVersion, stale 412
  PreconditionFailed; update issues a new ETag; delete of an OAC an origin
  uses is 409 OriginAccessControlInUse.
* List pages with MaxItems and Marker (NextMarker: the last item's Id).
"""

from typing import Any

from moto.cloudfront.exceptions import CloudFrontException, InvalidIfMatchVersion, NoSuchOriginAccessControl
from moto.cloudfront.models import CloudFrontBackend, OriginAccessControl, random_id
from moto.cloudfront.responses import CloudFrontResponse
from moto.core.responses import ActionResult, EmptyResult

from . import state
from .cloudfront_config import origin_access_control_ids
from .cloudfront_distributions import PreconditionFailed, list_page, stored_config


class OriginAccessControlAlreadyExists(CloudFrontException):
    def __init__(self) -> None:
        super().__init__("OriginAccessControlAlreadyExists", "An origin access control with the same name already exists.")


class OriginAccessControlInUse(CloudFrontException):
    def __init__(self) -> None:
        super().__init__(
            "OriginAccessControlInUse",
            "Cannot delete the origin access control because it's in use by one or more distributions.",
        )


def _config(oac: OriginAccessControl) -> dict[str, Any]:
    return {
        "Name": oac.name,
        "Description": oac.description or "",
        "SigningProtocol": oac.signing_protocol,
        "SigningBehavior": oac.signing_behavior,
        "OriginAccessControlOriginType": oac.origin_type,
    }


def _get(backend: CloudFrontBackend, oac_id: str) -> OriginAccessControl:
    oac = backend.origin_access_controls.get(oac_id)
    if oac is None:
        raise NoSuchOriginAccessControl
    return oac


def _check_if_match(if_match: Any, oac: OriginAccessControl) -> None:
    if not if_match:
        raise InvalidIfMatchVersion
    if if_match != oac.etag:
        raise PreconditionFailed


def _check_name_free(backend: CloudFrontBackend, name: Any, but: OriginAccessControl | None = None) -> None:
    if any(o.name == name and o is not but for o in backend.origin_access_controls.values()):
        raise OriginAccessControlAlreadyExists()


def _answer(oac: OriginAccessControl, **extra: Any) -> ActionResult:
    return ActionResult({"OriginAccessControl": {"Id": oac.id, "OriginAccessControlConfig": _config(oac)}, "ETag": oac.etag, **extra})


def create_origin_access_control(self: CloudFrontResponse) -> ActionResult:
    config = self._get_param("OriginAccessControlConfig", {}) or {}
    with state.lock:
        _check_name_free(self.backend, config.get("Name"))
        oac = self.backend.create_origin_access_control(config)
        return _answer(oac, Location=f"https://cloudfront.amazonaws.com/2020-05-31/origin-access-control/{oac.id}")


def get_origin_access_control(self: CloudFrontResponse) -> ActionResult:
    with state.lock:
        return _answer(_get(self.backend, self._get_param("Id")))


def get_origin_access_control_config(self: CloudFrontResponse) -> ActionResult:
    with state.lock:
        oac = _get(self.backend, self._get_param("Id"))
        return ActionResult({"OriginAccessControlConfig": _config(oac), "ETag": oac.etag})


def update_origin_access_control(self: CloudFrontResponse) -> ActionResult:
    config = self._get_param("OriginAccessControlConfig", {}) or {}
    with state.lock:
        oac = _get(self.backend, self._get_param("Id"))
        _check_if_match(self._get_param("IfMatch"), oac)
        _check_name_free(self.backend, config.get("Name"), but=oac)
        oac.update(config)
        if "Description" not in config:
            oac.description = ""  # an update replaces the whole config
        oac.etag = random_id()
        return _answer(oac)


def delete_origin_access_control(self: CloudFrontResponse) -> EmptyResult:
    with state.lock:
        backend = self.backend
        oac = _get(backend, self._get_param("Id"))
        _check_if_match(self._get_param("IfMatch"), oac)
        if any(oac.id in origin_access_control_ids(stored_config(d)) for d in backend.distributions.values()):
            raise OriginAccessControlInUse()
        del backend.origin_access_controls[oac.id]
        return EmptyResult()


def list_origin_access_controls(self: CloudFrontResponse) -> ActionResult:
    with state.lock:
        controls = list(self.backend.origin_access_controls.values())
        listing = list_page(controls, self._get_param("Marker"), self._get_param("MaxItems"), lambda o: o.id)
        listing["Items"] = [{"Id": o.id, **_config(o)} for o in listing["Items"]] if listing["Items"] else None
        return ActionResult({"OriginAccessControlList": listing})


def install() -> None:
    for fn in (
        create_origin_access_control,
        get_origin_access_control,
        get_origin_access_control_config,
        update_origin_access_control,
        delete_origin_access_control,
        list_origin_access_controls,
    ):
        setattr(CloudFrontResponse, fn.__name__, fn)
