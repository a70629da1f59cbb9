# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The simulator's REST API over real HTTP: envelope, addressing, writes, auth and error statuses."""

import re
import time

import requests

RSC_CONFIG = "/api/configuration/chassis0/slots/rsc/module/rsc"
RSC_STATUS = "/api/status/chassis0/slots/rsc/module/rsc"


def call(sim, method, path, user="admin", **kwargs):
    if user:
        kwargs.setdefault("auth", sim.auth(user))
    return requests.request(method, sim.url() + path, timeout=kwargs.pop("timeout", 10), **kwargs)


def kebab_violations(node, where=""):
    bad = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "API Version" and not re.match(r"^[a-z0-9][a-z0-9_.-]*$", key):
                bad.append(where + "/" + key)
            bad += kebab_violations(value, where + "/" + key)
    elif isinstance(node, list):
        for item in node:
            bad += kebab_violations(item, where + "[]")
    return bad


def event(status, object_id):
    return next(e for e in status["data"]["notification"]["events"] if e["object-id"] == object_id)


def test_status_envelope_of_the_default_chassis(sim):
    reply = call(sim, "GET", "/api/status")
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/json"
    doc = reply.json()
    assert list(doc) == ["system-information", "data", "changes", "links"]
    info = doc["system-information"]
    assert info["API Version"].startswith("LANTIME REST API V16.")
    assert info["version"] == "fw_7.08.004"
    assert info["model"] == "M3000"
    assert info["hostname"] == "ims.sim.example"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", info["time-stamp"])
    assert doc["changes"] == {"pending-changes": 0}
    assert doc["links"] == {"self": "https://localhost/api/status"}
    assert doc["data"]["object-id"] == "status"
    assert kebab_violations(doc) == []
    slots = doc["data"]["chassis0"]["slots"]
    assert [s["object-id"] for s in slots] == ["pwr1", "pwr2", "cpu", "clk1", "clk2", "rsc", "io1", "io2", "io3", "io4"]
    assert all(s["object-id"] == s["slot-id"] for s in slots)
    by_id = {s["object-id"]: s for s in slots}
    assert [by_id[i]["slot-type"] for i in ("pwr1", "clk2", "rsc", "cpu", "io4")] == ["pwr", "clk", "rsc", "cpu", "io"]
    assert "module" not in by_id["io3"] and "module" not in by_id["io4"]
    assert "info" not in by_id["pwr2"]["module"]
    assert by_id["io1"]["module"]["info"]["model"] == "liu"
    assert by_id["io2"]["module"]["info"]["model"] == "rel1000"
    assert by_id["cpu"]["module"]["info"]["serial-number"] == "N/A"
    assert by_id["clk2"]["module"]["info"]["serial-number"].endswith("  ")
    assert by_id["clk1"]["module"]["sync-status"]["clock-status"]["clock"] == "synchronized"
    assert by_id["rsc"]["module"]["info"]["model"] == "rsc180"
    assert by_id["rsc"]["module"]["rsc"] == {
        "switch-mode": "auto", "selected-clock": "clk1",
        "front-panel": {"mode-switch": "auto", "clock-switch": "clk1"}, "outputs-enabled": True,
        "clocks": [{"object-id": "clk1", "time-sync": True}, {"object-id": "clk2", "time-sync": True}],
        "time-limit-error": False, "watchdog-ok": True, "access-control-override": False,
        "switchover-count": 0, "last-switchover": "never"}
    assert event(doc, "device-configuration-changed")["triggered"] == 0
    assert isinstance(doc["data"]["system"]["last-config-change"], float)


def test_sub_path_reads_address_members_by_object_id(sim):
    slot = call(sim, "GET", "/api/status/chassis0/slots/rsc").json()
    assert list(slot) == ["system-information", "data", "changes", "links"]
    assert slot["data"]["object-id"] == "rsc"
    assert slot["links"]["self"] == "https://localhost/api/status/chassis0/slots/rsc"
    block = call(sim, "GET", RSC_STATUS).json()["data"]
    assert block["selected-clock"] == "clk1"
    assert call(sim, "GET", "/api/status/system/sync-status").json()["data"]["reference"] == "clk1-gps"
    assert call(sim, "GET", "/api/status/chassis0/slots/rsc/").json()["data"]["object-id"] == "rsc"
    assert call(sim, "GET", "/api/status/chassis0/slots/io3?raw").json()["data"] == {
        "object-id": "io3", "slot-id": "io3", "slot-type": "io", "slot-position": "0,8,1", "slot-orientation": "vertical"}
    assert call(sim, "GET", "/api/status/rest-api/api-version").json()["data"] == "16.03.004"


def test_unknown_paths_are_404_with_a_json_message(sim):
    for path in ("/api/status/nothing", "/api/status/chassis0/slots/io9", "/api/status/chassis0/slots/io3/module",
                 "/api/configuration/chassis0/slots/nothing", "/api/nothing", "/api"):
        reply = call(sim, "GET", path)
        assert reply.status_code == 404, path
        assert reply.headers["Content-Type"] == "application/json"
        assert "message" in reply.json()
    assert call(sim, "GET", "/index.html", user=None).status_code == 404


def test_configuration_tree(sim):
    doc = call(sim, "GET", "/api/configuration").json()
    assert list(doc) == ["system-information", "data", "changes", "links"]
    assert doc["data"]["object-id"] == "configuration"
    slots = {s["object-id"]: s for s in doc["data"]["chassis0"]["slots"]}
    assert slots["rsc"]["module"] == {"rsc": {"switch-mode": "auto", "selected-clock": "clk1"}}
    assert slots["clk1"]["module"] == {}
    assert call(sim, "GET", RSC_CONFIG).json()["data"] == {"switch-mode": "auto", "selected-clock": "clk1"}
    assert call(sim, "GET", RSC_CONFIG + "/switch-mode").json()["data"] == "auto"


def test_accepted_write_applies_config_at_once_and_status_after_settle(sim):
    before = call(sim, "GET", "/api/status").json()
    reply = call(sim, "POST", RSC_CONFIG, json={"switch-mode": "manual", "selected-clock": "clk2"})
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/json"
    body = reply.json()
    assert body["data"] == {"switch-mode": "manual", "selected-clock": "clk2"}
    assert body["changes"] == {"pending-changes": 0}
    assert body["links"]["self"] == "https://localhost" + RSC_CONFIG
    assert call(sim, "GET", RSC_CONFIG).json()["data"] == {"switch-mode": "manual", "selected-clock": "clk2"}
    after = call(sim, "GET", "/api/status").json()
    block = after["data"]["chassis0"]["slots"][5]["module"]["rsc"]
    assert (block["switch-mode"], block["selected-clock"]) == ("auto", "clk1")  # not settled yet
    assert after["data"]["system"]["last-config-change"] > before["data"]["system"]["last-config-change"]
    changed = event(after, "device-configuration-changed")
    assert changed["triggered"] == 1
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", changed["last-triggered"])
    assert after["changes"] == {"pending-changes": 0}
    time.sleep(0.3)
    block = call(sim, "GET", RSC_STATUS).json()["data"]
    assert (block["switch-mode"], block["selected-clock"], block["switchover-count"]) == ("manual", "clk2", 1)


def test_rejected_writes_are_400_and_change_nothing(sim):
    cases = [
        ({"switch-mode": "automatic"}, "switch-mode"),
        ({"selected-clock": "clk3"}, "selected-clock"),
        ({"mode": "auto"}, "unknown key"),
        (["switch-mode", "auto"], "JSON object"),
        ("auto", "JSON object"),
    ]
    for body, words in cases:
        reply = call(sim, "POST", RSC_CONFIG, json=body)
        assert reply.status_code == 400, body
        assert reply.headers["Content-Type"] == "application/json"
        assert words in reply.json()["message"]
    reply = call(sim, "POST", RSC_CONFIG, data=b"{not json", headers={"Content-Type": "application/json"})
    assert reply.status_code == 400
    assert reply.json() == {"message": "body is not valid JSON"}
    assert call(sim, "GET", RSC_CONFIG).json()["data"] == {"switch-mode": "auto", "selected-clock": "clk1"}
    assert event(call(sim, "GET", "/api/status").json(), "device-configuration-changed")["triggered"] == 0


def test_wrong_methods_are_405_and_unknown_write_paths_404(sim):
    assert call(sim, "POST", "/api/status", json={}).status_code == 405
    assert call(sim, "POST", "/api/status/chassis0/slots/rsc/module/rsc", json={}).status_code == 405
    not_writable = call(sim, "POST", "/api/configuration/chassis0/slots/rsc", json={"switch-mode": "manual"})
    assert not_writable.status_code == 405
    assert not_writable.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert "message" in not_writable.json()
    for method in ("PUT", "DELETE", "PATCH"):
        reply = call(sim, method, RSC_CONFIG, json={"switch-mode": "manual"})
        assert reply.status_code == 405, method
        assert reply.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert call(sim, "GET", "/api/get-token").status_code == 405
    assert call(sim, "POST", "/api/configuration/chassis0/slots/nothing/module/rsc", json={}).status_code == 404
    assert call(sim, "GET", RSC_CONFIG).json()["data"]["switch-mode"] == "auto"


def test_bad_credentials_are_401_with_a_basic_challenge(sim):
    attempts = [
        {},
        {"auth": ("admin", "wrong")},
        {"auth": ("nobody", "Adm1n-Secret")},
        {"headers": {"Authorization": "Basic not-base64!"}},
        {"headers": {"Authorization": "Bearer 00FF"}},
        {"headers": {"Authorization": "Digest username=admin"}},
    ]
    for kwargs in attempts:
        reply = call(sim, "GET", "/api/status", user=None, **kwargs)
        assert reply.status_code == 401, kwargs
        assert reply.headers["WWW-Authenticate"] == 'Basic realm="api"'
        assert "message" in reply.json()
    assert call(sim, "POST", RSC_CONFIG, user=None, json={"switch-mode": "manual"}).status_code == 401


def test_info_user_reads_but_may_not_write(sim):
    assert call(sim, "GET", "/api/status", user="viewer").status_code == 200
    assert call(sim, "GET", RSC_CONFIG, user="viewer").status_code == 200
    reply = call(sim, "POST", RSC_CONFIG, user="viewer", json={"switch-mode": "manual"})
    assert reply.status_code == 403
    assert reply.headers["Content-Type"] == "application/json"
    assert "viewer" in reply.json()["message"]
    assert call(sim, "GET", RSC_CONFIG).json()["data"]["switch-mode"] == "auto"


def test_token_from_get_token_works_as_bearer(sim):
    reply = call(sim, "PUT", "/api/get-token")
    assert reply.status_code == 200
    token = reply.json()["token"]
    assert re.match(r"^[0-9A-F]{64}$", token)
    bearer = {"Authorization": "Bearer " + token}
    assert call(sim, "GET", "/api/status/chassis0", user=None, headers=bearer).status_code == 200
    assert call(sim, "POST", RSC_CONFIG, user=None, headers=bearer, json={"switch-mode": "auto"}).status_code == 200
    assert call(sim, "PUT", "/api/get-token", user=None, headers=bearer).status_code == 401
    assert call(sim, "PUT", "/api/get-token", user=None).status_code == 401
    assert call(sim, "PUT", "/api/get-token", user=None, auth=("admin", "nope")).status_code == 401
    viewer = {"Authorization": "Bearer " + call(sim, "PUT", "/api/get-token", user="viewer").json()["token"]}
    assert call(sim, "GET", "/api/status", user=None, headers=viewer).status_code == 200
    assert call(sim, "POST", RSC_CONFIG, user=None, headers=viewer, json={"switch-mode": "auto"}).status_code == 403


def test_tokens_expire_after_the_ttl(sim):
    sim.settings(token_ttl=0.5)
    token = call(sim, "PUT", "/api/get-token").json()["token"]
    bearer = {"Authorization": "Bearer " + token}
    assert call(sim, "GET", "/api/status/chassis0", user=None, headers=bearer).status_code == 200
    time.sleep(0.6)
    reply = call(sim, "GET", "/api/status/chassis0", user=None, headers=bearer)
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"] == 'Basic realm="api"'
    assert "expired" in reply.json()["message"]


def test_expire_all_tokens_from_the_control_api(sim):
    bearer = {"Authorization": "Bearer " + call(sim, "PUT", "/api/get-token").json()["token"]}
    assert sim.expire_tokens() == {"expired": 1}
    assert call(sim, "GET", "/api/status", user=None, headers=bearer).status_code == 401
    fresh = {"Authorization": "Bearer " + call(sim, "PUT", "/api/get-token").json()["token"]}
    assert call(sim, "GET", "/api/status", user=None, headers=fresh).status_code == 200


def test_api_disabled_answers_403_text_before_auth(sim):
    sim.settings(api_enabled=False)
    for method, path, user in (("GET", "/api/status", None), ("GET", "/api/status", "admin"),
                               ("PUT", "/api/get-token", "admin"), ("POST", RSC_CONFIG, "admin"), ("GET", "/api/nothing", None)):
        reply = call(sim, method, path, user=user, json={} if method == "POST" else None)
        assert reply.status_code == 403, path
        assert reply.headers["Content-Type"].startswith("text/plain")
        assert reply.text.strip() == "REST API is disabled"
    assert sim.state()["settings"]["api-enabled"] is False
    sim.settings(api_enabled=True)
    assert call(sim, "GET", "/api/status").status_code == 200


def test_api_disabled_from_the_command_line(simulator_factory):
    proc = simulator_factory("--no-tls", "--api-disabled")
    reply = requests.get(proc.url() + "/api/status", auth=("admin", "admin"), timeout=10)
    assert reply.status_code == 403
    assert reply.text.strip() == "REST API is disabled"
    assert "default user admin" in proc.stderr_text()


def test_every_request_is_logged_including_401_and_not_control_calls(sim):
    call(sim, "GET", "/api/status/chassis0?raw")
    call(sim, "GET", "/api/status", user=None)
    call(sim, "POST", RSC_CONFIG, json={"switch-mode": "auto"})
    call(sim, "GET", "/api/status/chassis0")
    stats = sim.stats()
    assert stats["requests"] == [
        {"method": "GET", "path": "/api/status/chassis0", "status": 200},
        {"method": "GET", "path": "/api/status", "status": 401},
        {"method": "POST", "path": RSC_CONFIG, "status": 200},
        {"method": "GET", "path": "/api/status/chassis0", "status": 200},
    ]
    assert stats["counts"] == {"GET /api/status/chassis0": 2, "GET /api/status": 1, "POST " + RSC_CONFIG: 1}


def test_keep_alive_connection_serves_many_requests(sim):
    with requests.Session() as session:
        session.auth = sim.auth()
        for dummy in range(20):
            assert session.get(sim.url() + "/api/status/chassis0", timeout=10).status_code == 200
        assert session.post(sim.url() + RSC_CONFIG, json={"switch-mode": "auto"}, timeout=10).status_code == 200
        assert session.get(sim.url() + "/api/nothing", timeout=10).status_code == 404
        assert session.get(sim.url() + "/api/status", timeout=10).status_code == 200
    assert sim.stats()["counts"]["GET /api/status/chassis0"] == 20
