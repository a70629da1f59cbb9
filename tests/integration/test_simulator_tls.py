# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""HTTPS with the simulator's own CA, a given certificate, and plain HTTP."""

import base64
import json
import signal
import ssl
import sys
import urllib.request
from pathlib import Path

import pytest
import requests

SIMULATOR_DIR = Path(__file__).resolve().parents[1] / "simulator"


def test_https_by_default_with_a_generated_ca(simulator_factory):
    proc = simulator_factory()
    url = proc.url()
    assert url.startswith("https://127.0.0.1:")
    assert Path(proc.ca_cert).is_file()
    assert requests.get(url + "/api/status", auth=("admin", "admin"), verify=proc.ca_cert, timeout=10).status_code == 200
    localhost = url.replace("127.0.0.1", "localhost")
    assert requests.get(localhost + "/api/status", auth=("admin", "admin"), verify=proc.ca_cert, timeout=10).status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(url + "/api/status", auth=("admin", "admin"), verify=True, timeout=10)


def test_generated_chain_passes_strict_x509_verification(simulator_factory):
    proc = simulator_factory()
    context = ssl.create_default_context(cafile=proc.ca_cert)
    # what Python 3.13 turns on by default
    context.verify_flags |= ssl.VERIFY_X509_STRICT | getattr(ssl, "VERIFY_X509_PARTIAL_CHAIN", 0)
    request = urllib.request.Request(proc.url() + "/api/get-token", method="PUT",
                                     headers={"Authorization": "Basic " + base64.b64encode(b"admin:admin").decode("ascii")})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    with opener.open(request, timeout=10) as reply:
        assert len(json.loads(reply.read())["token"]) == 64


def test_stop_removes_the_temporary_certificates(simulator_factory):
    proc = simulator_factory()
    ca_cert = Path(proc.ca_cert)
    assert ca_cert.is_file()
    assert proc.stop() == 0
    assert not ca_cert.exists()
    assert not ca_cert.parent.exists()


def test_given_certificate_is_served(simulator_factory, tmp_path):
    sys.path.insert(0, str(SIMULATOR_DIR))
    try:
        import sim_tls  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.remove(str(SIMULATOR_DIR))
    ca_cert, cert, key = sim_tls.make_certificates(str(tmp_path))
    proc = simulator_factory("--cert", cert, "--key", key)
    assert proc.ca_cert is None
    assert requests.get(proc.url() + "/api/status", auth=("admin", "admin"), verify=ca_cert, timeout=10).status_code == 200
    assert proc.stats()["counts"] == {"GET /api/status": 1}


def test_plain_http_and_the_startup_output(simulator_factory):
    proc = simulator_factory("--no-tls", "--devices", "2")
    assert proc.ca_cert is None
    assert all(device["url"].startswith("http://127.0.0.1:") for device in proc.devices)
    assert requests.get(proc.url(1) + "/api/status", auth=("admin", "admin"), timeout=10).status_code == 200
    assert json.loads(proc.stdout_text()) == proc.ready
    assert "admin" in proc.stderr_text()
    assert proc.stop(signal.SIGINT) == 0
