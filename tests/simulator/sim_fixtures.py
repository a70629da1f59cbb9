# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Load a chassis from a JSON file: a real-format status document or a scenario.

Whatever the input, the result is a :class:`Chassis`: a complete ``/api/status``
document in the device's own format, plus the per-slot configuration that
``/api/configuration`` serves. Everything the loader does not know passes through.
"""

import json
import os
import re

from sim_model import utc_stamp

SCENARIO_FORMAT = "lantime-sim-scenario/1"
# A capture written by the collection's capture playbook (meinberg.lantime.capture): served as is.
CAPTURE_FORMAT = "meinberg.lantime-capture/1"
DEFAULT_SCENARIO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "default-chassis.json")

SCENARIO_KEYS = {"format", "model", "hostname", "serial-number", "firmware", "api-version", "uptime",
                 "chassis", "system", "events", "slots"}
SLOT_KEYS = {"id", "type", "position", "orientation", "model", "serial-number", "software-revision",
             "firmware-image", "sensors", "time-sync", "rsc", "configuration", "module"}
UNKNOWN_VALUES = {"", "N/A", "UNKNOWN", "-", "NONE", "NULL"}

# Events of the built-in chassis: (object-id, type, triggered).
DEFAULT_EVENTS = (
    ("normal-operation", "info", 1),
    ("ntp-not-sync", "error", 0),
    ("ntp-sync", "info", 1),
    ("system-reboot", "action", 0),
    ("refclock-1-not-responding", "critical", 0),
    ("refclock-1-not-sync", "error", 0),
    ("refclock-1-sync", "info", 1),
    ("refclock-2-not-responding", "critical", 0),
    ("refclock-2-not-sync", "error", 0),
    ("refclock-2-sync", "info", 1),
    ("antenna-faulty", "error", 0),
    ("device-configuration-changed", "action", 0),
    ("network-link-down", "error", 0),
    ("network-link-up", "info", 1),
    ("self-signed-https-certificate-in-use", "warning", 1),
)


class FixtureError(ValueError):
    """The fixture file cannot be turned into a chassis."""


class Chassis:
    """What one simulated device is built from."""

    def __init__(self, status, configuration=None, live_clock=False, config_tree=None):
        self.status = status
        # slot id -> content of that slot's "module" in the configuration tree
        self.configuration = configuration or {}
        # scenario devices move time-stamp, uptime and current-time; real documents stay byte-stable
        self.live_clock = live_clock
        # a captured configuration tree (the data of GET /api/configuration), served as it is but for the RSC settings
        self.config_tree = config_tree

    def to_text(self):
        return json.dumps({"status": self.status, "configuration": self.configuration, "live": self.live_clock,
                           "config-tree": self.config_tree})

    @classmethod
    def from_text(cls, text):
        raw = json.loads(text)
        return cls(raw["status"], raw["configuration"], raw["live"], raw.get("config-tree"))


def load_fixture(path=None):
    """Load a chassis from ``path`` (default: the built-in IMS scenario)."""
    path = path or DEFAULT_SCENARIO
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as exc:
        raise FixtureError("cannot read fixture %s: %s" % (path, exc)) from exc
    return chassis_from_document(document)


def chassis_from_document(document):
    if isinstance(document, dict) and "system-information" in document and "data" in document:
        if not isinstance(document["system-information"], dict) or not isinstance(document["data"], dict):
            raise FixtureError("system-information and data must be JSON objects")
        return Chassis(document, rsc_configuration(document))
    if isinstance(document, dict) and document.get("format") == SCENARIO_FORMAT:
        return from_scenario(document)
    if isinstance(document, dict) and document.get("format") == CAPTURE_FORMAT:
        return from_capture(document)
    raise FixtureError("not a status document (system-information + data), a %s scenario nor a %s capture"
                       % (SCENARIO_FORMAT, CAPTURE_FORMAT))


def from_capture(capture):
    """A chassis from a capture file: its status document as it is, its configuration tree when it has one."""
    status = capture.get("status")
    if not (isinstance(status, dict) and isinstance(status.get("system-information"), dict)
            and isinstance(status.get("data"), dict)):
        raise FixtureError("the capture holds no status document (status with system-information and data)")
    configuration = rsc_configuration(status)
    tree = capture.get("configuration")
    tree = tree.get("data") if isinstance(tree, dict) and isinstance(tree.get("data"), dict) else tree
    if not isinstance(tree, dict):
        return Chassis(status, configuration)
    rsc_slot = find_rsc_slot(status)
    chassis = tree.get("chassis0")
    for slot in chassis.get("slots", []) if isinstance(chassis, dict) and isinstance(chassis.get("slots"), list) else []:
        module = slot.get("module") if isinstance(slot, dict) else None
        remote = module.get("rsc") if isinstance(module, dict) else None
        if rsc_slot is not None and slot.get("object-id") == rsc_slot.get("object-id") and isinstance(remote, dict):
            given = {key: remote[key] for key in ("switch-mode", "selected-clock") if isinstance(remote.get(key), str)}
            configuration.setdefault(slot.get("object-id"), {"rsc": {}})["rsc"].update(given)
    return Chassis(status, configuration, config_tree=tree)


def slots_of(status):
    chassis = status.get("data", {}).get("chassis0")
    if isinstance(chassis, dict) and isinstance(chassis.get("slots"), list):
        return [slot for slot in chassis["slots"] if isinstance(slot, dict)]
    return []


def find_rsc_slot(status):
    """Return the first slot whose module holds an ``rsc`` block, or None."""
    for slot in slots_of(status):
        module = slot.get("module")
        if isinstance(module, dict) and isinstance(module.get("rsc"), dict):
            return slot
    return None


def rsc_configuration(status):
    """Remote RSC settings of a real-format document: taken from its status block."""
    slot = find_rsc_slot(status)
    if slot is None:
        return {}
    block = slot["module"]["rsc"]
    return {slot.get("object-id"): {"rsc": {"switch-mode": block.get("switch-mode", "auto"),
                                            "selected-clock": block.get("selected-clock", "clk1")}}}


# --- scenario format -------------------------------------------------------------------------


def from_scenario(scenario):
    specs = scenario.get("slots")
    if not isinstance(specs, list):
        raise FixtureError("scenario needs a list of slots")
    seen = set()
    for spec in specs:
        if not isinstance(spec, dict) or not isinstance(spec.get("id"), str) or not spec["id"]:
            raise FixtureError("every scenario slot needs a string id: %r" % (spec,))
        if spec["id"] in seen:
            raise FixtureError("duplicate slot id %r" % spec["id"])
        seen.add(spec["id"])

    slots = [_scenario_slot(spec, index) for index, spec in enumerate(specs)]
    clocks = [{"object-id": slot["object-id"], "time-sync": _spec_time_sync(spec) if "module" in slot else False}
              for slot, spec in zip(slots, specs) if slot["slot-type"] == "clk"]
    configuration = {}
    selected = None
    for slot, spec in zip(slots, specs):
        if "rsc" in spec or (slot["slot-type"] == "rsc" and "module" in slot):
            remote, block = _rsc_block(spec, clocks)
            slot.setdefault("module", {})["rsc"] = block
            configuration[slot["object-id"]] = {"rsc": remote}
            selected = selected or block["selected-clock"]
        elif isinstance(spec.get("configuration"), dict):
            configuration[slot["object-id"]] = spec["configuration"]
    _mark_clock_idx(slots, selected)
    status = _scenario_document(scenario, slots, selected)
    return Chassis(status, configuration, live_clock=True)


def _spec_time_sync(spec):
    return bool(spec.get("time-sync", True))


def _scenario_slot(spec, index):
    slot_id = spec["id"]
    slot_type = spec.get("type") or re.sub(r"\d", "", slot_id)
    slot = {"object-id": slot_id, "slot-id": slot_id, "slot-type": slot_type,
            "slot-position": spec.get("position", "0,%d,1" % index),
            "slot-orientation": spec.get("orientation", "vertical")}
    module = _scenario_module(spec, slot_type)
    if module is not None:
        slot["module"] = module
    slot.update({key: value for key, value in spec.items() if key not in SLOT_KEYS})
    return slot


def _scenario_module(spec, slot_type):
    if "model" not in spec and "module" not in spec:
        return None
    module = {}
    if "model" in spec:
        info = {"model": spec["model"], "serial-number": spec.get("serial-number", ""),
                "software-revision": spec.get("software-revision", "")}
        if "firmware-image" in spec:
            info["firmware-image"] = spec["firmware-image"]
        info["sensors"] = spec.get("sensors", {"temperature-1": 38.0})
        module["info"] = info
        if slot_type == "clk":
            module["sync-status"] = {
                "clock-idx": "selected", "osc-type": "ocxo-hq", "est-time-quality": "less-than-100ns",
                "clock-status": {"clock": _clock_word(_spec_time_sync(spec)), "oscillator": "warmed-up"}}
    module.update(spec.get("module") or {})
    return module


def _rsc_block(spec, clocks):
    given = dict(spec.get("rsc") or {})
    clock_ids = [clock["object-id"] for clock in clocks] or ["clk1", "clk2"]
    remote = {"switch-mode": given.pop("switch-mode", "auto"), "selected-clock": given.pop("selected-clock", clock_ids[0])}
    panel = {"mode-switch": "auto", "clock-switch": remote["selected-clock"]}
    panel.update(given.pop("front-panel", {}))
    if panel["mode-switch"] == "manual":
        mode, selected = "manual", panel["clock-switch"]
    else:
        mode, selected = remote["switch-mode"], remote["selected-clock"]
    block = {"switch-mode": mode, "selected-clock": selected, "front-panel": panel, "outputs-enabled": True,
             "clocks": clocks or [{"object-id": cid, "time-sync": False} for cid in clock_ids],
             "time-limit-error": False, "watchdog-ok": True, "access-control-override": False,
             "switchover-count": 0, "last-switchover": "never"}
    block.update(given)
    return remote, block


def _mark_clock_idx(slots, selected):
    """With two clocks, the one the RSC feeds to the backplane is 'selected'; the other is 'secondary' (assumed)."""
    if selected is None:
        return
    for slot in slots:
        sync_status = slot.get("module", {}).get("sync-status") if slot["slot-type"] == "clk" else None
        if isinstance(sync_status, dict) and "clock-idx" in sync_status:
            sync_status["clock-idx"] = "selected" if slot["object-id"] == selected else "secondary"


def _clock_word(time_sync):
    return "synchronized" if time_sync else "not-synchronized"


def _reference(slots, selected):
    """System reference name like 'clk1-gps': slot id plus the letters of the clock's model."""
    for slot in slots:
        if slot["slot-type"] == "clk" and (selected is None or slot["object-id"] == selected):
            model = slot.get("module", {}).get("info", {}).get("model", "")
            match = re.match(r"[a-z]+", str(model))
            return "%s-%s" % (slot["object-id"], match.group(0) if match else "unknown"), slot
    return "none", None


def _scenario_document(scenario, slots, selected):
    model = scenario.get("model", "M3000")
    serial = scenario.get("serial-number", "")
    firmware = scenario.get("firmware", "fw_7.08.004")
    api_version = scenario.get("api-version", "16.03.004")
    uptime = float(scenario.get("uptime", 3600.0))
    reference, ref_slot = _reference(slots, selected)
    ref_clock = "not-synchronized"
    if ref_slot is not None:
        ref_clock = ref_slot.get("module", {}).get("sync-status", {}).get("clock-status", {}).get("clock", ref_clock)
    now = utc_stamp()
    system = {
        "uptime": uptime,
        "current-time": now + ".000000000 UTC",
        "current-time-iso": now + ".000Z",
        "cpuload": "0.21 0.25 0.27 1/112 3321",
        "memory": "1003520 kB total memory, 712004 kB free (70 %)",
        "last-config-change": round(uptime - 3000.0, 2) if uptime > 3000 else 0.0,
        "sync-status": {
            "reference": reference, "ref-type": reference.split("-", 1)[-1], "clock-idx": 0,
            "osc-type": "ocxo-hq", "est-time-quality": "less-than-100ns",
            "leapsecond-announced": False, "leapsecond-date": "",
            "clock-status": {"clock": ref_clock, "oscillator": "warmed-up", "antenna": "connected"},
            "holdover-status": {"time-offset": 0, "time-elapsed": 0, "tfom-out": 0}},
    }
    system.update(scenario.get("system") or {})
    events = scenario.get("events")
    if not isinstance(events, list):
        events = [{"object-id": oid, "type": kind, "triggered": triggered, "last-triggered": "never" if not triggered else now}
                  for oid, kind, triggered in DEFAULT_EVENTS]
    chassis = {"model": model, "serial-number": serial, "backplane-revision": "V12", "firmware-image": firmware,
               "slot-layout": "1,%d" % len(slots), "slots": slots}
    chassis.update({key: value for key, value in (scenario.get("chassis") or {}).items() if key != "slots"})
    data = {"object-id": "status", "rest-api": {"api-version": api_version}, "system": system,
            "notification": {"events": events}, "chassis0": chassis}
    data.update({key: value for key, value in scenario.items() if key not in SCENARIO_KEYS})
    return {
        "system-information": {"API Version": "LANTIME REST API V" + api_version, "version": firmware,
                               "serial-number": serial, "hostname": scenario.get("hostname", "ims.sim.example"),
                               "time-stamp": now, "model": model},
        "data": data,
        "changes": {"pending-changes": 0},
        "links": {"self": "https://localhost/api/status"},
    }


# --- many devices ----------------------------------------------------------------------------


def derive_identity(status, index):
    """Give device ``index`` (>= 1) its own serial numbers and hostname; device 0 keeps the fixture's.

    The same original serial maps to the same new one inside a device (the system and chassis
    serials are often equal); trailing spaces and unknown markers such as "N/A" are kept.
    """
    if index == 0:
        return
    mapping = {}

    def derive(value):
        if not isinstance(value, str):
            return value
        core = value.rstrip()
        if core.upper() in UNKNOWN_VALUES:
            return value
        if core not in mapping:
            tail = "%05d%02d" % (index, len(mapping))
            mapping[core] = (core[:-len(tail)] if len(core) > len(tail) else core) + tail
        return mapping[core] + value[len(core):]

    info = status.get("system-information")
    if isinstance(info, dict):
        info["serial-number"] = derive(info.get("serial-number"))
        info["hostname"] = derive_hostname(info.get("hostname"), index)
    chassis = status.get("data", {}).get("chassis0")
    if isinstance(chassis, dict) and "serial-number" in chassis:
        chassis["serial-number"] = derive(chassis["serial-number"])
    for slot in slots_of(status):
        module_info = slot.get("module", {}).get("info") if isinstance(slot.get("module"), dict) else None
        if isinstance(module_info, dict) and "serial-number" in module_info:
            module_info["serial-number"] = derive(module_info["serial-number"])


def derive_hostname(hostname, index):
    if not isinstance(hostname, str) or not hostname:
        return "sim-%04d" % index
    first, dot, rest = hostname.partition(".")
    return "%s-%04d%s%s" % (first, index, dot, rest)
