# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Meinberg LANTIME IMS device simulator: ``python3 tests/simulator [options]`` from the repo root.

See docs/simulator.md for the command line, the scenario format and the control API.
"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from sim_device import Device, Options  # noqa: E402
from sim_fixtures import FixtureError, load_fixture  # noqa: E402
from sim_server import Server, raise_file_limit  # noqa: E402
from sim_tls import TlsError, make_certificates, server_context  # noqa: E402

LEVELS = ("info", "admin")


def parse_listen(value):
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError("expected HOST:PORT, got %r" % value)
    return host.strip("[]") or "127.0.0.1", int(port)


def parse_user(value):
    name, sep, rest = value.partition(":")
    password, sep2, level = rest.rpartition(":")
    if not (sep and sep2 and name) or level not in LEVELS:
        raise argparse.ArgumentTypeError("expected NAME:PASSWORD:LEVEL with LEVEL one of %s" % ", ".join(LEVELS))
    return name, password, level


def positive_int(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def non_negative(value):
    number = float(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return int(number) if number.is_integer() else number


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python3 tests/simulator", description="Simulated Meinberg LANTIME IMS chassis (LTOS REST API).")
    parser.add_argument("--listen", type=parse_listen, default=("127.0.0.1", 0), metavar="HOST:PORT",
                        help="address of device 0; PORT 0 gives every device a free port, else device i gets PORT+i")
    parser.add_argument("--devices", type=positive_int, default=1, metavar="N", help="number of simulated chassis")
    parser.add_argument("--fixture", metavar="PATH", help="chassis JSON: a real /api/status document, a scenario, or a capture file of the capture playbook")
    parser.add_argument("--tls", action=argparse.BooleanOptionalAction, default=True, help="serve HTTPS (default) or plain HTTP")
    parser.add_argument("--cert", metavar="FILE", help="PEM certificate to serve instead of a generated one")
    parser.add_argument("--key", metavar="FILE", help="PEM private key for --cert")
    parser.add_argument("--user", type=parse_user, action="append", default=[], metavar="NAME:PASSWORD:LEVEL",
                        help="API user, LEVEL info or admin (repeatable; default admin:admin:admin)")
    parser.add_argument("--latency-ms", type=non_negative, default=0, metavar="MS", help="delay added to every API response")
    parser.add_argument("--settle-ms", type=non_negative, default=300, metavar="MS", help="time before a configuration write shows in the status")
    parser.add_argument("--token-ttl", type=non_negative, default=600, metavar="SECONDS", help="lifetime of API tokens")
    parser.add_argument("--stage-writes", action="store_true",
                        help="hold every accepted configuration write staged (pending-changes goes up, the status does not change) until POST /_sim/apply")
    parser.add_argument("--unsaved-writes", action="store_true",
                        help="apply every accepted configuration write as usual but count it in pending-changes "
                        "(applied, not yet saved) until POST /_sim/apply")
    parser.add_argument("--write-style", choices=("post", "put", "put-parameters"), default="post",
                        help="how the RSC configuration object takes a write: POST of the keys (default), PUT of the keys, "
                        "or PUT of {\"parameters\": {...}}; other methods get 405 with an Allow header")
    parser.add_argument("--api-disabled", action="store_true", help="start with the REST API switched off (every /api path answers 403)")
    parser.add_argument("--ready-file", metavar="PATH", help="write the device list here (atomically) once every device listens")
    args = parser.parse_args(argv)
    if bool(args.cert) != bool(args.key):
        parser.error("--cert and --key go together")
    if args.token_ttl <= 0:
        parser.error("--token-ttl must be positive")
    return args


def build_devices(args, options):
    text = load_fixture(args.fixture).to_text()
    return [Device(index, text, options) for index in range(args.devices)]


def write_ready(path, ready):
    temporary = "%s.%d.tmp" % (path, os.getpid())
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(ready, handle, indent=1)
    os.replace(temporary, path)


def run(args, workdir):
    users = {name: (password, level) for name, password, level in args.user}
    if not users:
        users = {"admin": ("admin", "admin")}
        sys.stderr.write("no --user given: default user admin, password admin, level admin\n")
    options = Options(users, api_enabled=not args.api_disabled, latency_ms=args.latency_ms,
                      settle_ms=args.settle_ms, token_ttl=args.token_ttl, stage_writes=args.stage_writes,
                      write_style=args.write_style, unsaved_writes=args.unsaved_writes)
    raise_file_limit()
    devices = build_devices(args, options)
    context, ca_cert = None, None
    if args.tls:
        cert, key = args.cert, args.key
        if not cert:
            ca_cert, cert, key = make_certificates(workdir)
        context = server_context(cert, key)
    host, port = args.listen
    server = Server(devices, host, port, context)
    try:
        ready = {"devices": [{"url": dev.url, "serial": dev.serial, "hostname": dev.hostname} for dev in devices],
                 "ca_cert": ca_cert}
        if args.ready_file:
            write_ready(args.ready_file, ready)
        sys.stdout.write(json.dumps(ready) + "\n")
        sys.stdout.flush()
        signal.signal(signal.SIGTERM, lambda _signum, _frame: server.wake())
        signal.signal(signal.SIGINT, lambda _signum, _frame: server.wake())
        server.serve_forever()
    finally:
        server.close()


def _exit_now(_signum, _frame):
    raise SystemExit(0)


def main(argv=None):
    args = parse_args(argv)
    if args.ready_file and os.path.exists(args.ready_file):
        os.remove(args.ready_file)  # a stale file must not look like a ready simulator
    # until the server loop runs, a stop signal ends the process through the cleanup below
    signal.signal(signal.SIGTERM, _exit_now)
    signal.signal(signal.SIGINT, _exit_now)
    workdir = tempfile.mkdtemp(prefix="lantime-sim-")
    try:
        run(args, workdir)
    except (FixtureError, TlsError, OSError) as exc:
        sys.stderr.write("simulator: %s\n" % exc)
        return 2
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
