# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Chassis fixtures: real-format documents, the project's own fixtures, scenarios, many devices."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "simulator" / "fixtures"
SHARED_PAYLOADS = REPO_ROOT.parent / "shared" / "reference" / "payloads"
PROJECT_FIXTURES = ("m600-gnss.status.json", "m300-dcf77.status.json", "ims-m3000-rsc.status.json")


def get(proc, path, device=0):
    reply = requests.get(proc.url(device) + path, auth=proc.auth(), timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", PROJECT_FIXTURES)
def test_project_fixture_is_served_unchanged(simulator_factory, name):
    proc = simulator_factory("--no-tls", "--fixture", FIXTURES / name)
    assert get(proc, "/api/status") == load(FIXTURES / name)
    document = load(FIXTURES / name)
    assert proc.devices[0]["serial"] == document["system-information"]["serial-number"]
    assert proc.devices[0]["hostname"] == document["system-information"]["hostname"]


def test_project_fixtures_have_the_odd_real_world_values():
    m600, m300, ims = (load(FIXTURES / name) for name in PROJECT_FIXTURES)
    for doc in (m600, m300, ims):
        assert list(doc) == ["system-information", "data", "changes", "links"]
        slots = {slot["object-id"]: slot for slot in doc["data"]["chassis0"]["slots"]}
        assert "info" not in slots["pwr2"]["module"]
        assert slots["cpu"]["module"]["info"]["serial-number"] == "N/A"
    assert m600["data"]["chassis0"]["slots"][3] == {"object-id": "clk2", "slot-id": "clk2", "slot-type": "clk",
                                                    "slot-position": "0,3,1", "slot-orientation": "vertical"}
    assert m300["system-information"]["API Version"] == "LANTIME REST API V10.21.016"
    positions = [slot["slot-position"] for slot in m300["data"]["chassis0"]["slots"]]
    assert positions != sorted(positions)
    assert any(slot["module"]["info"]["serial-number"].endswith(" ") for slot in m300["data"]["chassis0"]["slots"]
               if "info" in slot.get("module", {}))
    assert any("rsc" in slot.get("module", {}) for slot in ims["data"]["chassis0"]["slots"])


@pytest.mark.skipif(not SHARED_PAYLOADS.is_dir(), reason="../shared/reference/payloads is not present")
@pytest.mark.parametrize("name", ["m600-gps.status.json", "m300-dcf77.status.json"])
def test_real_payload_round_trips(simulator_factory, name):
    proc = simulator_factory("--no-tls", "--fixture", SHARED_PAYLOADS / name)
    assert get(proc, "/api/status") == load(SHARED_PAYLOADS / name)
    slot = get(proc, "/api/status/chassis0/slots/clk1")["data"]
    assert slot["object-id"] == "clk1"


def test_real_format_rsc_document_becomes_a_live_device(simulator_factory):
    proc = simulator_factory("--no-tls", "--fixture", FIXTURES / "ims-m3000-rsc.status.json", "--settle-ms", "100")
    block = get(proc, "/api/status/chassis0/slots/rsc/module/rsc")["data"]
    assert (block["switch-mode"], block["selected-clock"], block["switchover-count"]) == ("auto", "clk2", 3)
    assert get(proc, "/api/configuration/chassis0/slots/rsc/module/rsc")["data"] == {"switch-mode": "auto", "selected-clock": "clk2"}
    proc.set_clock("clk2", False)
    status = get(proc, "/api/status")["data"]
    slots = {slot["object-id"]: slot for slot in status["chassis0"]["slots"]}
    block = slots["rsc"]["module"]["rsc"]
    assert (block["selected-clock"], block["switchover-count"]) == ("clk1", 4)
    assert slots["clk1"]["module"]["sync-status"]["clock-idx"] == "selected"
    assert slots["clk2"]["module"]["sync-status"]["clock-idx"] == "secondary"
    assert slots["clk2"]["module"]["sync-status"]["clock-status"]["clock"] == "not-synchronized"
    assert status["system"]["sync-status"]["reference"] == "clk1-gps"
    # unknown slot types and cards pass through untouched
    assert slots["io4"]["module"]["vsg"] == {"genlock": "not-locked"}
    assert "module" not in slots["esi1"]


def test_device_without_rsc_serves_configuration_but_no_rsc_writes(simulator_factory):
    proc = simulator_factory("--no-tls", "--fixture", FIXTURES / "m600-gnss.status.json")
    config = get(proc, "/api/configuration")["data"]
    assert config["object-id"] == "configuration"
    assert all(slot["module"] == {} for slot in config["chassis0"]["slots"])
    reply = requests.post(proc.url() + "/api/configuration/chassis0/slots/rsc/module/rsc", auth=proc.auth(),
                          json={"switch-mode": "manual"}, timeout=10)
    assert reply.status_code == 404
    with pytest.raises(Exception) as error:
        proc.set_front_panel(mode_switch="manual")
    assert error.value.status == 409
    proc.set_clock("clk1", False)
    clk1 = get(proc, "/api/status/chassis0/slots/clk1")["data"]
    assert clk1["module"]["sync-status"]["clock-status"]["clock"] == "not-synchronized"


def test_many_devices_from_a_fixture_get_their_own_identity(simulator_factory):
    proc = simulator_factory("--no-tls", "--fixture", FIXTURES / "m300-dcf77.status.json", "--devices", "3")
    original = load(FIXTURES / "m300-dcf77.status.json")
    assert get(proc, "/api/status", 0) == original
    docs = [get(proc, "/api/status", i) for i in range(3)]
    serials = [doc["system-information"]["serial-number"] for doc in docs]
    hostnames = [doc["system-information"]["hostname"] for doc in docs]
    assert len(set(serials)) == 3 and len(set(hostnames)) == 3
    assert hostnames[1] == "dcf-clock-0001.office.example.org"
    assert [d["serial"] for d in proc.devices] == serials
    assert len({d["url"] for d in proc.devices}) == 3
    clocks = [doc["data"]["chassis0"]["slots"][3]["module"]["info"]["serial-number"] for doc in docs]
    assert len(set(clocks)) == 3
    assert all(serial.endswith("    ") and len(serial) == len(clocks[0]) for serial in clocks)
    for doc in docs:  # system and chassis serial stay equal, unknown markers stay
        assert doc["data"]["chassis0"]["serial-number"] == doc["system-information"]["serial-number"]
        assert doc["data"]["chassis0"]["slots"][2]["module"]["info"]["serial-number"] == "N/A"


def test_default_chassis_copies_are_independent(simulator_factory):
    proc = simulator_factory("--no-tls", "--devices", "2", "--settle-ms", "0")
    assert [d["hostname"] for d in proc.devices] == ["ims.sim.example", "ims-0001.sim.example"]
    proc.set_clock("clk1", False, device=1)
    assert get(proc, "/api/status/chassis0/slots/rsc/module/rsc", 0)["data"]["selected-clock"] == "clk1"
    assert get(proc, "/api/status/chassis0/slots/rsc/module/rsc", 1)["data"]["selected-clock"] == "clk2"
    assert proc.stats(0)["requests"] == [{"method": "GET", "path": "/api/status/chassis0/slots/rsc/module/rsc", "status": 200}]


def test_scenario_format_with_passthrough(simulator_factory, tmp_path):
    scenario = {
        "format": "lantime-sim-scenario/1",
        "model": "M1000",
        "hostname": "edge.sim.example",
        "serial-number": "0099887766  ",
        "firmware": "fw_7.06.020",
        "api-version": "10.30.001",
        "network": {"ports": []},
        "slots": [
            {"id": "clk2", "model": "pzf180", "time-sync": False},
            {"id": "clk1", "model": "gns181", "serial-number": "N/A"},
            {"id": "rsc", "model": "rsc2000",
             "rsc": {"switch-mode": "manual", "selected-clock": "clk2", "front-panel": {"mode-switch": "auto"}, "watchdog-ok": False}},
            {"id": "io9", "type": "xyz", "model": "mystery", "colour": "teal", "module": {"mystery": {"level": 3}}},
            {"id": "mri1"},
        ],
    }
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    proc = simulator_factory("--no-tls", "--fixture", path)
    doc = get(proc, "/api/status")
    assert doc["system-information"]["API Version"] == "LANTIME REST API V10.30.001"
    assert doc["system-information"]["serial-number"] == "0099887766  "
    assert doc["data"]["network"] == {"ports": []}
    slots = {slot["object-id"]: slot for slot in doc["data"]["chassis0"]["slots"]}
    assert [s["object-id"] for s in doc["data"]["chassis0"]["slots"]] == ["clk2", "clk1", "rsc", "io9", "mri1"]
    assert slots["io9"]["slot-type"] == "xyz" and slots["io9"]["colour"] == "teal"
    assert slots["io9"]["module"]["mystery"] == {"level": 3}
    assert slots["mri1"]["slot-type"] == "mri" and "module" not in slots["mri1"]
    block = slots["rsc"]["module"]["rsc"]
    assert (block["switch-mode"], block["selected-clock"], block["watchdog-ok"]) == ("manual", "clk2", False)
    assert block["clocks"] == [{"object-id": "clk2", "time-sync": False}, {"object-id": "clk1", "time-sync": True}]
    assert slots["clk2"]["module"]["sync-status"]["clock-status"]["clock"] == "not-synchronized"
    assert doc["data"]["system"]["sync-status"]["reference"] == "clk2-pzf"
    proc.set_front_panel(mode_switch="manual", clock_switch="clk1")
    assert get(proc, "/api/status/chassis0/slots/rsc/module/rsc")["data"]["selected-clock"] == "clk1"


def test_bad_fixture_stops_the_simulator_with_a_message(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "something-else"}', encoding="utf-8")
    result = subprocess.run([sys.executable, str(REPO_ROOT / "tests" / "simulator"), "--no-tls", "--fixture", str(path)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "scenario" in result.stderr
