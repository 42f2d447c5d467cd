"""ackless local AWS emulator: moto 5.2.1 plus the behaviours in aws-contract.md."""

_installed = False


def install() -> None:
    """Patch moto (idempotent). Must run before the server handles its first request."""
    global _installed
    if _installed:
        return
    import os

    from . import (
        cloudformation,
        cloudformation_tags,
        cloudfront_distributions,
        cloudfront_function_test,
        cloudfront_functions,
        cloudfront_kvs,
        cloudfront_oac,
        consistency,
        ec2_nat,
        faults,
        iam,
        tags,
    )

    # ACKLESS_EMULATOR_DISABLE=cloudformation,cfn-tags,tags,distributions,oac,functions,function-test,kvs,nat,consistency,faults,iam
    # turns extensions off
    # (to check that the contract tests fail without them).
    disabled = {x.strip() for x in os.environ.get("ACKLESS_EMULATOR_DISABLE", "").split(",") if x.strip()}
    modules = {
        # patches nothing in moto: lets the front (control.py) inject faults
        "faults": faults,
        # patches nothing in moto either: lets the front check IAM when iamEnforce is on
        "iam": iam,
        "cloudformation": cloudformation,
        "cfn-tags": cloudformation_tags,
        "tags": tags,
        "distributions": cloudfront_distributions,
        "oac": cloudfront_oac,
        "functions": cloudfront_functions,
        "function-test": cloudfront_function_test,
        "kvs": cloudfront_kvs,
        "nat": ec2_nat,
        # last: it wraps the handlers the others installed
        "consistency": consistency,
    }
    for name, module in modules.items():
        if name not in disabled:
            module.install()
    _installed = True


def create_app():  # type: ignore[no-untyped-def]
    install()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from .control import EmulatorApp

    return EmulatorApp(DomainDispatcherApplication(create_backend_app))
