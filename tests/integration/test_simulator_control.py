# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The /_sim/ control API: faults, latency, request log, settings, reset."""

import base64
import http.client
import json
import sys
import time
from pathlib import Path

import pytest
import requests

SIMULATOR_DIR = Path(__file__).resolve().parents[1] / "simulator"

RSC_CONFIG = "/api/configuration/chassis0/slots/rsc/module/rsc"


def get(sim, path, **kwargs):
    return requests.get(sim.url() + path, auth=sim.auth(), timeout=10, **kwargs)


def test_status_fault_for_the_next_n_requests(sim):
    faults = sim.inject(kind="status", status=503, count=2)["faults"]
    assert faults == [{"kind": "status", "count": 2, "status": 503}]
    first, second, third = (get(sim, "/api/status/chassis0") for dummy in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.json() == {"message": "simulated fault (HTTP 503)"}
    assert [r["status"] for r in sim.stats()["requests"]] == [503, 503, 200]
    assert sim.control("GET", "faults") == {"faults": []}


def test_status_fault_with_retry_after_and_text_body(sim):
    sim.inject(kind="status", status=502, retry_after=3, body="Bad Gateway from proxy")
    reply = get(sim, "/api/status")
    assert reply.status_code == 502
    assert reply.headers["Retry-After"] == "3"
    assert reply.headers["Content-Type"].startswith("text/plain")
    assert reply.text == "Bad Gateway from proxy"
    # a fault hits before authentication, like a proxy in front of the device
    sim.inject(kind="status", status=500)
    assert requests.get(sim.url() + "/api/status", timeout=10).status_code == 500


def test_fault_filters_by_method_and_path_prefix(sim):
    sim.inject(kind="status", status=500, method="post", path="/api/configuration", count=1)
    assert get(sim, "/api/configuration").status_code == 200
    assert get(sim, "/api/status").status_code == 200
    assert requests.post(sim.url() + "/api/status", auth=sim.auth(), json={}, timeout=10).status_code == 405
    reply = requests.post(sim.url() + RSC_CONFIG, auth=sim.auth(), json={"switch-mode": "manual"}, timeout=10)
    assert reply.status_code == 500
    # the faulted write did not reach the device
    assert get(sim, RSC_CONFIG).json()["data"]["switch-mode"] == "auto"
    assert requests.post(sim.url() + RSC_CONFIG, auth=sim.auth(), json={"switch-mode": "manual"}, timeout=10).status_code == 200


def test_drop_fault_closes_the_connection_without_reply(sim):
    sim.inject(kind="drop")
    with pytest.raises(requests.ConnectionError):
        get(sim, "/api/status")
    assert get(sim, "/api/status").status_code == 200
    assert sim.stats()["requests"] == [{"method": "GET", "path": "/api/status", "status": 0},
                                       {"method": "GET", "path": "/api/status", "status": 200}]


def test_delay_fault(sim):
    sim.inject(kind="delay", delay_ms=700)
    started = time.monotonic()
    assert get(sim, "/api/status/chassis0").status_code == 200
    assert time.monotonic() - started >= 0.69
    # The fault was for one request: none is left to delay the next one.
    assert sim.state()["faults"] == []
    assert get(sim, "/api/status/chassis0").status_code == 200
    with pytest.raises(requests.Timeout):
        sim.inject(kind="delay", delay_ms=1500)
        requests.get(sim.url() + "/api/status", auth=sim.auth(), timeout=0.5)


def test_malformed_fault_gives_invalid_json_with_status_200(sim):
    sim.inject(kind="malformed")
    reply = get(sim, "/api/status")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert int(reply.headers["Content-Length"]) == len(reply.content)
    with pytest.raises(ValueError):
        json.loads(reply.content)
    assert get(sim, "/api/status").json()["data"]["object-id"] == "status"


def test_truncated_fault_sends_less_than_content_length(sim):
    sim.inject(kind="truncated")
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        get(sim, "/api/status")
    # the same, seen at the HTTP level
    sim.inject(kind="truncated")
    host, port = sim.url().split("//", 1)[1].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    credentials = base64.b64encode(("%s:%s" % sim.auth()).encode("utf-8")).decode("ascii")
    connection.request("GET", "/api/status", headers={"Authorization": "Basic " + credentials})
    response = connection.getresponse()
    assert response.status == 200
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    connection.close()


def test_latency_setting_delays_every_api_reply(sim):
    sim.settings(latency_ms=300)
    for dummy in range(2):
        started = time.monotonic()
        assert get(sim, "/api/status/chassis0").status_code == 200
        assert time.monotonic() - started >= 0.29
    # Against a latency of 30 s, an answer within 10 s shows there was none, however busy the machine is.
    sim.settings(latency_ms=30000)
    started = time.monotonic()
    sim.stats()  # control calls are not delayed
    assert time.monotonic() - started < 10
    sim.settings(latency_ms=0)
    started = time.monotonic()
    assert get(sim, "/api/status/chassis0").status_code == 200  # times out after 10 s
    assert time.monotonic() - started < 10


def test_latency_from_the_command_line(simulator_factory):
    proc = simulator_factory("--no-tls", "--latency-ms", "250")
    started = time.monotonic()
    assert requests.get(proc.url() + "/api/status", auth=proc.auth(), timeout=10).status_code == 200
    assert time.monotonic() - started >= 0.24
    assert proc.state()["settings"]["latency-ms"] == 250


# The settings of the module-wide simulator as started (tests/integration/conftest.py's DEFAULT_OPTIONS).
START_SETTINGS = {"api-enabled": True, "latency-ms": 0, "settle-ms": 200, "token-ttl": 600, "stage-writes": False,
                  "unsaved-writes": False, "write-style": "post", "write-reply-headers": [], "write-reply-fields": {}}


def test_settings_are_validated_and_reported(sim):
    assert sim.settings() == START_SETTINGS
    assert sim.control("GET", "settings")["settle-ms"] == 200
    for body in ({"latency-ms": -1}, {"api-enabled": "no"}, {"token-ttl": 0}, {"colour": "red"}):
        with pytest.raises(Exception) as error:
            sim.control("POST", "settings", body)
        assert error.value.status == 400


def test_reset_restores_faults_stats_tokens_and_settings(sim):
    token = requests.put(sim.url() + "/api/get-token", auth=sim.auth(), timeout=10).json()["token"]
    sim.inject(kind="status", status=503, count=5)
    sim.settings(latency_ms=100, settle_ms=50)
    assert get(sim, "/api/status").status_code == 503
    sim.reset()
    state = sim.state()
    assert state["faults"] == [] and state["tokens"] == 0
    assert state["settings"] == START_SETTINGS
    assert sim.stats() == {"requests": [], "counts": {}}
    reply = requests.get(sim.url() + "/api/status", headers={"Authorization": "Bearer " + token}, timeout=10)
    assert reply.status_code == 401


def test_fault_list_and_clear(sim):
    sim.inject(kind="delay", delay_ms=10, count=3)
    sim.inject(kind="drop", path="/api/status/system")
    assert [f["kind"] for f in sim.control("GET", "faults")["faults"]] == ["delay", "drop"]
    assert sim.control("DELETE", "faults") == {"faults": []}
    assert get(sim, "/api/status/system").status_code == 200


def test_control_errors(sim):
    cases = [
        ("POST", "faults", {"kind": "explode"}, 400),
        ("POST", "faults", {"kind": "status", "status": 200}, 400),
        ("POST", "faults", {"kind": "status", "count": 0}, 400),
        ("POST", "faults", {"kind": "delay", "delay-ms": "slow"}, 400),
        ("POST", "faults", {"kind": "drop", "when": "now"}, 400),
        ("POST", "nothing", None, 404),
        ("GET", "reset", None, 405),
        ("PUT", "stats", None, 405),
    ]
    for method, path, body, status in cases:
        with pytest.raises(Exception) as error:
            sim.control(method, path, body)
        assert error.value.status == status, (method, path, body)
        assert "message" in json.loads(error.value.body)
    reply = requests.post(sim.url() + "/_sim/faults", data=b"[1,", timeout=10)
    assert reply.status_code == 400


def test_control_api_is_for_loopback_clients_only():
    sys.path.insert(0, str(SIMULATOR_DIR))
    try:
        import sim_api  # pylint: disable=import-outside-toplevel
    finally:
        sys.path.remove(str(SIMULATOR_DIR))
    assert sim_api.is_loopback("127.0.0.1") and sim_api.is_loopback("127.3.4.5")
    assert sim_api.is_loopback("::1") and sim_api.is_loopback("::ffff:127.0.0.1")
    assert not sim_api.is_loopback("192.0.2.10") and not sim_api.is_loopback("2001:db8::1")
    reply = sim_api.handle_control(None, "GET", "/_sim/stats", b"", "192.0.2.10")
    assert reply.status == 403
