"""python3 -m emulator --port N [--host H] [--deploy-seconds S] [--nat-seconds S] [--kvs-seconds S] [--not-found-after-create-seconds S] [--faults JSON] [--iam]"""

import argparse
import json
import os
import signal
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m emulator", description="ackless local AWS emulator (moto + extensions)")
    parser.add_argument("--port", "-p", type=int, required=True)
    parser.add_argument("--host", "-H", default="127.0.0.1")
    parser.add_argument("--deploy-seconds", type=float, default=0.0, help="CloudFront InProgress -> Deployed time")
    parser.add_argument("--nat-seconds", type=float, default=0.0, help="NAT pending/deleting transition time")
    parser.add_argument("--kvs-seconds", type=float, default=0.0, help="CloudFront KeyValueStore PROVISIONING -> READY time")
    parser.add_argument(
        "--not-found-after-create-seconds",
        type=float,
        default=0.0,
        help="reads of a new NAT gateway, distribution or function answer NotFound for this long after its create",
    )
    parser.add_argument(
        "--faults",
        metavar="JSON",
        help='fault injection config, as for POST /ackless/faults, e.g. \'{"seed": 1, "throttle": 0.15, "drop": 0.03}\'',
    )
    parser.add_argument(
        "--iam",
        action="store_true",
        help="enforce IAM: check every AWS call against the caller's IAM policies (keys of IAM users; key id 'testing' is the account root)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    if min(args.deploy_seconds, args.nat_seconds, args.kvs_seconds, args.not_found_after_create_seconds) < 0:
        parser.error("transition times must be >= 0")
    fault_config = None
    if args.faults:
        from . import faults

        try:
            fault_config = json.loads(args.faults)
            if not isinstance(fault_config, dict):
                raise ValueError("must be a JSON object")
            faults.normalize(fault_config)
        except ValueError as e:
            parser.error(f"--faults: {e}")

    os.environ.setdefault("MOTO_PORT", str(args.port))

    import logging

    from werkzeug.serving import make_server

    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from . import create_app, state

    state.config["deploySeconds"] = args.deploy_seconds
    state.config["natSeconds"] = args.nat_seconds
    state.config["kvsSeconds"] = args.kvs_seconds
    state.config["notFoundAfterCreateSeconds"] = args.not_found_after_create_seconds
    if args.iam:
        from . import iam

        iam.start_enforce = True
        state.config["iamEnforce"] = True
    from . import faults

    if fault_config is not None:
        faults.set_config(fault_config)
    # What POST /ackless/reset {"settings": true} puts back.
    state.remember_start_config()
    faults.remember_start_config()

    server = make_server(args.host, args.port, create_app(), threaded=True)
    stopping = threading.Event()

    def stop(signum, frame):  # type: ignore[no-untyped-def]
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    host = args.host if ":" not in args.host else f"[{args.host}]"
    print(f"emulator listening on http://{host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
