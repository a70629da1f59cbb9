# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Start the device simulator (tests/simulator) as a subprocess for integration tests.

Fixtures:

* ``simulator_factory`` -- call it with simulator command-line options to start a
  simulator; every simulator it started is stopped (SIGTERM) after the test.
* ``simulator`` -- one module-wide simulator: one device, plain HTTP, users
  ``admin``/``Adm1n-Secret`` (admin) and ``viewer``/``V1ew-Secret`` (info), settle 200 ms.
* ``sim`` -- the module-wide simulator after ``POST /_sim/reset``.
"""

import base64
import json
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SIMULATOR_DIR = REPO_ROOT / "tests" / "simulator"
FIXTURES_DIR = SIMULATOR_DIR / "fixtures"
SHARED_PAYLOADS = REPO_ROOT.parent / "shared" / "reference" / "payloads"
# The hostile device (tests/hostile) for the tests of odd and malicious replies.
sys.path.insert(0, str(REPO_ROOT / "tests" / "hostile"))

DEFAULT_OPTIONS = ("--no-tls", "--user", "admin:Adm1n-Secret:admin", "--user", "viewer:V1ew-Secret:info", "--settle-ms", "200")


class SimulatorError(Exception):
    """A control call answered with an error status."""

    def __init__(self, status, body):
        super().__init__("simulator answered %s: %s" % (status, body))
        self.status = status
        self.body = body


def _kebab(values):
    return {key.replace("_", "-"): value for key, value in values.items()}


class SimulatorProcess:
    """One running ``python3 tests/simulator`` process and its devices."""

    def __init__(self, *options, workdir=None, start_timeout=60.0):
        self.options = [str(option) for option in options]
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="lantime-simtest-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ready_file = self.workdir / "ready.json"
        self.stdout_path = self.workdir / "stdout.txt"
        self.stderr_path = self.workdir / "stderr.txt"
        self.start_timeout = start_timeout
        self.process = None
        self.ready = None
        self.start_seconds = None
        self.users = self._users()
        self._opener = None

    def _users(self):
        users = {}
        for flag, value in zip(self.options, self.options[1:]):
            if flag == "--user":
                name, rest = value.split(":", 1)
                password, level = rest.rsplit(":", 1)
                users[name] = {"password": password, "level": level}
        return users or {"admin": {"password": "admin", "level": "admin"}}

    def start(self):
        command = [sys.executable, str(SIMULATOR_DIR), *self.options, "--ready-file", str(self.ready_file)]
        started = time.monotonic()
        with open(self.stdout_path, "wb") as stdout, open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(command, cwd=str(REPO_ROOT), stdout=stdout, stderr=stderr)  # pylint: disable=consider-using-with
        deadline = started + self.start_timeout
        while not self.ready_file.exists():
            if self.process.poll() is not None:
                raise RuntimeError("simulator exited with %s: %s" % (self.process.returncode, self.stderr_text()))
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("simulator not ready after %.0f s: %s" % (self.start_timeout, self.stderr_text()))
            time.sleep(0.02)
        self.start_seconds = time.monotonic() - started
        self.ready = json.loads(self.ready_file.read_text(encoding="utf-8"))
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=self.ssl_context()))
        return self

    def stop(self, sig=signal.SIGTERM, timeout=15.0):
        """Stop the process (SIGTERM by default) and return its exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return self.process.returncode

    def stderr_text(self):
        return self.stderr_path.read_text(encoding="utf-8", errors="replace") if self.stderr_path.exists() else ""

    def stdout_text(self):
        return self.stdout_path.read_text(encoding="utf-8", errors="replace") if self.stdout_path.exists() else ""

    # --- what the ready file says -------------------------------------------------------------

    @property
    def devices(self):
        return self.ready["devices"]

    @property
    def ca_cert(self):
        return self.ready.get("ca_cert")

    def url(self, i=0):
        return self.devices[i]["url"]

    def auth(self, name="admin"):
        """(user, password) of a configured user, for Basic auth."""
        return name, self.users[name]["password"]

    def ssl_context(self):
        """Trusts the simulator's CA; verification off when the simulator serves a given certificate."""
        if self.ca_cert:
            return ssl.create_default_context(cafile=self.ca_cert)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context

    # --- control API --------------------------------------------------------------------------

    def control(self, method, path, body=None, device=0):
        """Call the control API (path below /_sim/) and return the decoded JSON reply."""
        url = self.url(device) + "/_sim/" + path.lstrip("/")
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with self._opener.open(request, timeout=30) as reply:
                return json.loads(reply.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise SimulatorError(exc.code, exc.read().decode("utf-8", "replace")) from None

    def set_clock(self, clock, time_sync, device=0):
        return self.control("POST", "clock", {"clock": clock, "time-sync": time_sync}, device)

    def set_front_panel(self, device=0, **switches):
        return self.control("POST", "front-panel", _kebab(switches), device)

    def inject(self, device=0, **fault):
        return self.control("POST", "faults", _kebab(fault), device)

    def faults(self, device=0):
        """The faults still queued on a device; a request takes its fault when it arrives, before any delay."""
        return self.control("GET", "faults", None, device)["faults"]

    def settings(self, device=0, **values):
        return self.control("POST", "settings", _kebab(values), device)

    def state(self, device=0):
        return self.control("GET", "state", None, device)

    def stats(self, device=0):
        return self.control("GET", "stats", None, device)

    def token(self, name="admin", device=0):
        """A bearer token for a configured user, from the device's PUT /api/get-token."""
        user, password = self.auth(name)
        basic = base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")
        request = urllib.request.Request(self.url(device) + "/api/get-token", method="PUT", headers={"Authorization": "Basic " + basic})
        with self._opener.open(request, timeout=30) as reply:
            return json.loads(reply.read())["token"]

    def expire_tokens(self, device=0):
        return self.control("POST", "tokens/expire", None, device)

    def reset(self, device=0):
        return self.control("POST", "reset", None, device)


@pytest.fixture
def simulator_factory(tmp_path):
    """Start simulators with given CLI options: ``simulator_factory("--devices", "3", "--no-tls")``."""
    started = []

    def start(*options, start_timeout=60.0):
        process = SimulatorProcess(*options, workdir=tmp_path / ("sim%d" % len(started)), start_timeout=start_timeout)
        started.append(process)
        return process.start()

    yield start
    for process in started:
        process.stop()


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    process = SimulatorProcess(*DEFAULT_OPTIONS, workdir=tmp_path_factory.mktemp("simulator"))
    process.start()
    yield process
    process.stop()


@pytest.fixture
def sim(simulator):
    simulator.reset()
    return simulator
