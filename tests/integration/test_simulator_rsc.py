# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The RSC card model over real HTTP: failover, hold, manual pinning, front panel, settle delay."""

import re
import time

import requests

RSC_CONFIG = "/api/configuration/chassis0/slots/rsc/module/rsc"
RSC_STATUS = "/api/status/chassis0/slots/rsc/module/rsc"
SETTLE = 0.2  # the module simulator's --settle-ms


def rsc(sim):
    reply = requests.get(sim.url() + RSC_STATUS, auth=sim.auth(), timeout=10)
    assert reply.status_code == 200
    return reply.json()["data"]


def write(sim, **changes):
    reply = requests.post(sim.url() + RSC_CONFIG, auth=sim.auth(), json={k.replace("_", "-"): v for k, v in changes.items()}, timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]


def settled(sim):
    time.sleep(SETTLE + 0.1)
    return rsc(sim)


def short(block):
    return block["switch-mode"], block["selected-clock"], block["switchover-count"]


def sync_of(block):
    return {clock["object-id"]: clock["time-sync"] for clock in block["clocks"]}


def test_auto_fails_over_at_once_and_never_switches_back(sim):
    sim.set_clock("clk1", False)
    block = rsc(sim)  # no settle delay for a failover
    assert short(block) == ("auto", "clk2", 1)
    assert sync_of(block) == {"clk1": False, "clk2": True}
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", block["last-switchover"])
    sim.set_clock("clk1", True)
    time.sleep(SETTLE + 0.1)
    assert short(rsc(sim)) == ("auto", "clk2", 1)  # non-revertive
    sim.set_clock("clk2", False)
    assert short(rsc(sim)) == ("auto", "clk1", 2)


def test_failover_shows_in_clock_slots_system_status_and_configuration(sim):
    sim.set_clock("clk1", False)
    status = requests.get(sim.url() + "/api/status", auth=sim.auth(), timeout=10).json()["data"]
    slots = {slot["object-id"]: slot for slot in status["chassis0"]["slots"]}
    assert slots["clk1"]["module"]["sync-status"]["clock-status"]["clock"] == "not-synchronized"
    assert slots["clk2"]["module"]["sync-status"]["clock-status"]["clock"] == "synchronized"
    assert status["system"]["sync-status"]["reference"] == "clk2-gps"
    events = {event["object-id"]: event for event in status["notification"]["events"]}
    assert events["refclock-1-not-sync"]["triggered"] == 1
    assert events["refclock-1-sync"]["triggered"] == 0
    # a clock event is not a configuration change
    assert events["device-configuration-changed"]["triggered"] == 0
    config = requests.get(sim.url() + RSC_CONFIG, auth=sim.auth(), timeout=10).json()["data"]
    assert config == {"switch-mode": "auto", "selected-clock": "clk2"}


def test_both_clocks_unsynchronized_holds(sim):
    sim.set_clock("clk1", False)
    sim.set_clock("clk2", False)
    block = rsc(sim)
    assert short(block) == ("auto", "clk2", 1)
    assert block["outputs-enabled"] is True
    assert sync_of(block) == {"clk1": False, "clk2": False}
    time.sleep(SETTLE + 0.1)
    assert short(rsc(sim)) == ("auto", "clk2", 1)
    sim.set_clock("clk1", True)  # the clock in use is still unsynced, the other is back: switch
    assert short(rsc(sim)) == ("auto", "clk1", 2)


def test_manual_pins_the_selected_clock(sim):
    write(sim, switch_mode="manual", selected_clock="clk1")
    assert short(settled(sim)) == ("manual", "clk1", 0)
    sim.set_clock("clk1", False)
    time.sleep(SETTLE + 0.1)
    block = rsc(sim)
    assert short(block) == ("manual", "clk1", 0)
    assert sync_of(block)["clk1"] is False
    write(sim, selected_clock="clk2")
    assert short(settled(sim)) == ("manual", "clk2", 1)
    sim.set_clock("clk1", True)
    sim.set_clock("clk2", False)
    assert short(settled(sim)) == ("manual", "clk2", 1)


def test_manual_may_pin_an_unsynchronized_clock(sim):
    sim.set_clock("clk2", False)
    write(sim, switch_mode="manual", selected_clock="clk2")
    assert short(settled(sim)) == ("manual", "clk2", 1)


def test_selecting_an_unsynchronized_clock_in_auto_is_undone_at_once(sim):
    sim.set_clock("clk2", False)
    assert write(sim, selected_clock="clk2") == {"switch-mode": "auto", "selected-clock": "clk2"}
    block = settled(sim)
    assert short(block) == ("auto", "clk1", 2)  # switched, then the auto logic switched back


def test_selected_clock_write_in_auto_is_a_one_time_switchover(sim):
    write(sim, selected_clock="clk2")
    assert short(settled(sim)) == ("auto", "clk2", 1)
    sim.set_clock("clk2", False)
    assert short(rsc(sim)) == ("auto", "clk1", 2)  # auto logic carries on


def test_switch_mode_manual_alone_pins_the_clock_in_use(sim):
    sim.set_clock("clk1", False)
    sim.set_clock("clk1", True)
    assert short(rsc(sim)) == ("auto", "clk2", 1)
    assert write(sim, switch_mode="manual") == {"switch-mode": "manual", "selected-clock": "clk2"}
    assert short(settled(sim)) == ("manual", "clk2", 1)


def test_back_to_auto_fails_over_if_the_pinned_clock_is_unsynchronized(sim):
    write(sim, switch_mode="manual", selected_clock="clk1")
    time.sleep(SETTLE + 0.1)
    sim.set_clock("clk1", False)
    assert short(rsc(sim)) == ("manual", "clk1", 0)
    write(sim, switch_mode="auto")
    assert short(settled(sim)) == ("auto", "clk2", 1)


def test_settle_delay_before_a_write_shows(sim):
    sim.settings(settle_ms=1000)
    started = time.monotonic()
    write(sim, selected_clock="clk2")
    pending = sim.state()["rsc"]["pending-writes"]
    # A busy machine may take longer than the settle delay to ask; only a state read within it must show the write.
    if time.monotonic() - started < 1.0:
        assert pending[0]["changes"] == {"selected-clock": "clk2"}
    seen = None
    while time.monotonic() - started < 30:
        if rsc(sim)["selected-clock"] == "clk2":
            seen = time.monotonic() - started
            break
        time.sleep(0.02)
    assert seen is not None
    assert seen >= 1.0
    assert sim.state()["rsc"]["pending-writes"] == []


def test_front_panel_manual_overrides_remote_settings(sim):
    state = sim.set_front_panel(mode_switch="manual", clock_switch="clk2")
    assert state["rsc"]["effective"] == {"switch-mode": "manual", "selected-clock": "clk2"}
    block = rsc(sim)  # a switch position shows at once
    assert short(block) == ("manual", "clk2", 1)
    assert block["front-panel"] == {"mode-switch": "manual", "clock-switch": "clk2"}
    # remote settings are stored but have no effect
    write(sim, switch_mode="manual", selected_clock="clk1")
    assert short(settled(sim)) == ("manual", "clk2", 1)
    config = requests.get(sim.url() + RSC_CONFIG, auth=sim.auth(), timeout=10).json()["data"]
    assert config == {"switch-mode": "manual", "selected-clock": "clk1"}
    # no failover while the panel says manual
    sim.set_clock("clk2", False)
    assert short(rsc(sim)) == ("manual", "clk2", 1)
    sim.set_front_panel(clock_switch="clk1")
    assert short(rsc(sim)) == ("manual", "clk1", 2)
    # panel back to auto: the stored remote settings take effect (manual, clk1)
    sim.set_front_panel(mode_switch="auto")
    block = rsc(sim)
    assert short(block) == ("manual", "clk1", 2)
    assert block["front-panel"] == {"mode-switch": "auto", "clock-switch": "clk1"}


def test_front_panel_back_to_auto_runs_the_auto_logic(sim):
    sim.set_front_panel(mode_switch="manual", clock_switch="clk2")
    sim.set_clock("clk2", False)
    assert short(rsc(sim)) == ("manual", "clk2", 1)
    sim.set_front_panel(mode_switch="auto")
    assert short(rsc(sim)) == ("auto", "clk1", 2)


def test_clock_switch_alone_does_nothing_in_auto(sim):
    sim.set_front_panel(clock_switch="clk2")
    block = rsc(sim)
    assert short(block) == ("auto", "clk1", 0)
    assert block["front-panel"] == {"mode-switch": "auto", "clock-switch": "clk2"}


def test_state_and_reset(sim):
    sim.set_clock("clk1", False)
    write(sim, switch_mode="manual")
    state = sim.state()
    assert state["serial"] == "052311004712"
    assert state["rsc"]["time-sync"] == {"clk1": False, "clk2": True}
    assert state["rsc"]["configuration"] == {"switch-mode": "manual", "selected-clock": "clk2"}
    assert sim.reset() == {"reset": True}
    assert short(rsc(sim)) == ("auto", "clk1", 0)
    assert rsc(sim)["last-switchover"] == "never"
    assert sim.state()["rsc"]["time-sync"] == {"clk1": True, "clk2": True}


def test_control_calls_validate_their_input(sim):
    for body in ({"clock": "clk9", "time-sync": False}, {"clock": "clk1", "time-sync": "no"}, {"clock": "clk1"}):
        reply = requests.post(sim.url() + "/_sim/clock", json=body, timeout=10)
        assert reply.status_code == 400, body
        assert "message" in reply.json()
    for body in ({"mode-switch": "remote"}, {"clock-switch": "clk3"}, {}, {"mode": "auto"}):
        assert requests.post(sim.url() + "/_sim/front-panel", json=body, timeout=10).status_code == 400, body
    assert short(rsc(sim)) == ("auto", "clk1", 0)
