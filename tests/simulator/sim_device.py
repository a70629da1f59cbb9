# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""One simulated chassis: its documents, RSC model, tokens, faults, settings and request log.

Every public method takes the device lock itself, except those documented as
"caller holds the lock"; sim_api holds the lock for a whole API request.
"""

import collections
import re
import secrets
import threading
import time

from sim_fixtures import Chassis, derive_identity, find_rsc_slot, slots_of
from sim_model import RscModel, utc_stamp

FAULT_KINDS = ("status", "drop", "delay", "malformed", "truncated")
MAX_LOGGED_REQUESTS = 100000
TOKEN_MIN_API_MAJOR = 16


class Options:
    """Settings shared by all devices of one simulator process (from the command line)."""

    def __init__(self, users, api_enabled=True, latency_ms=0, settle_ms=300, token_ttl=600.0, stage_writes=False,
                 write_style="post", unsaved_writes=False):
        self.users = users  # name -> (password, level)
        self.settings = {"api-enabled": api_enabled, "latency-ms": latency_ms,
                         "settle-ms": settle_ms, "token-ttl": token_ttl, "stage-writes": stage_writes,
                         "unsaved-writes": unsaved_writes,
                         # the one write style the RSC configuration object takes (sim_api.WRITE_STYLES); the
                         # write-reply-* settings add headers and top-level fields to a write's 200 reply
                         "write-style": write_style, "write-reply-headers": [], "write-reply-fields": {}}


class Device:
    def __init__(self, index, chassis_text, options):
        """``chassis_text`` is the fixture shared by all devices; device ``index`` derives its identity from it."""
        self.index = index
        self.url = None
        self.options = options
        self.lock = threading.RLock()
        self._chassis_text = chassis_text
        # Counts resets: a request that arrived before a reset belongs to the old device and must
        # neither show in the new stats nor be answered (a restarted device drops it too).
        self.generation = 0
        self.reset()

    # --- life cycle ---------------------------------------------------------------------------

    def reset(self):
        """Back to the state the device started with (model, faults, stats, tokens, settings)."""
        with self.lock:
            self.generation += 1
            chassis = Chassis.from_text(self._chassis_text)
            derive_identity(chassis.status, self.index)
            self.status = chassis.status
            self.live_clock = chassis.live_clock
            self.started = time.monotonic()
            system = self._system()
            uptime = system.get("uptime") if system else None
            self.base_uptime = uptime if isinstance(uptime, (int, float)) and not isinstance(uptime, bool) else 0.0
            self.rsc_slot = find_rsc_slot(self.status)
            self.rsc = None
            if self.rsc_slot is not None:
                remote = chassis.configuration.get(self.rsc_slot.get("object-id"), {}).get("rsc")
                self.rsc = RscModel(self.rsc_slot["module"]["rsc"], remote)
            self.config_data = self._configuration_tree(chassis.configuration, chassis.config_tree)
            self.settings = dict(self.options.settings)
            # staged configuration: the RSC writes held back (stage-writes) and a count of changes made by others
            self.staged_writes = []
            # applied writes the device holds unsaved (unsaved-writes): counted in pending-changes until applied
            self.unsaved_writes = 0
            changes = self.status.get("changes")
            initial = changes.get("pending-changes") if isinstance(changes, dict) else None
            # a document that already holds staged changes keeps them, as changes made by others
            self.foreign_staged = initial if isinstance(initial, int) and not isinstance(initial, bool) and initial > 0 else 0
            self.faults = []
            self.requests = collections.deque(maxlen=MAX_LOGGED_REQUESTS)
            self.counts = collections.Counter()
            self.tokens = {}

    def api_major(self):
        """The REST API major version the document reports (data.rest-api, else system-information), or None."""
        rest = self.status.get("data", {}).get("rest-api")
        text = rest.get("api-version") if isinstance(rest, dict) else None
        if not isinstance(text, str):
            info = self.status.get("system-information")
            text = info.get("API Version") if isinstance(info, dict) else None
        match = re.search(r"(\d+)\.\d+", text) if isinstance(text, str) else None
        return int(match.group(1)) if match else None

    def tokens_supported(self):
        """Bearer tokens exist from LTOS 7.08 (REST API 16); a document without a version gets them."""
        major = self.api_major()
        return major is None or major >= TOKEN_MIN_API_MAJOR

    @property
    def serial(self):
        return self.status.get("system-information", {}).get("serial-number")

    @property
    def hostname(self):
        return self.status.get("system-information", {}).get("hostname")

    def _system(self):
        system = self.status.get("data", {}).get("system")
        return system if isinstance(system, dict) else None

    def _configuration_tree(self, configuration, captured=None):
        if isinstance(captured, dict):
            return self._captured_tree(captured)
        slots = []
        for slot in slots_of(self.status):
            slot_id = slot.get("object-id")
            if self.rsc is not None and slot is self.rsc_slot:
                module = {"rsc": self.rsc.config}
            else:
                module = configuration.get(slot_id, {})
            slots.append({"object-id": slot_id, "slot-id": slot.get("slot-id", slot_id), "module": module})
        return {"object-id": "configuration", "chassis0": {"slots": slots}}

    def _captured_tree(self, tree):
        """A captured configuration tree as it is, with the RSC card's settings from the live model."""
        tree = dict(tree)
        tree.setdefault("object-id", "configuration")
        if self.rsc is None:
            return tree
        chassis = tree.get("chassis0")
        chassis = dict(chassis) if isinstance(chassis, dict) else {}
        slots = [dict(slot) if isinstance(slot, dict) else slot for slot in chassis.get("slots") or []]
        slot_id = self.rsc_slot.get("object-id")
        entry = next((slot for slot in slots if isinstance(slot, dict) and slot.get("object-id") == slot_id), None)
        if entry is None:
            entry = {"object-id": slot_id, "slot-id": self.rsc_slot.get("slot-id", slot_id)}
            slots.append(entry)
        module = dict(entry.get("module")) if isinstance(entry.get("module"), dict) else {}
        module["rsc"] = self.rsc.config
        entry["module"] = module
        chassis["slots"] = slots
        tree["chassis0"] = chassis
        return tree

    # --- reading (caller holds the lock) ------------------------------------------------------

    def refresh(self):
        """Bring the documents up to date: due RSC writes and, for scenarios, the clock fields."""
        now = time.monotonic()
        if self.rsc is not None and self.rsc.tick(now):
            self._render_rsc()
        if self.live_clock:
            stamp = utc_stamp()
            info = self.status.get("system-information")
            if isinstance(info, dict):
                info["time-stamp"] = stamp
            system = self._system()
            if system is not None:
                system["uptime"] = self.uptime()
                system["current-time"] = stamp + ".000000000 UTC"
                system["current-time-iso"] = stamp + ".000Z"

    def uptime(self):
        return round(self.base_uptime + time.monotonic() - self.started, 2)

    def lookup(self, tree, segments):
        """Walk a tree by path segments; list members are addressed by object-id. Returns (found, value)."""
        node = self.status.get("data") if tree == "status" else self.config_data
        for segment in segments:
            if isinstance(node, dict) and segment in node:
                node = node[segment]
            elif isinstance(node, list):
                matches = [item for item in node if isinstance(item, dict) and item.get("object-id") == segment]
                if not matches:
                    return False, None
                node = matches[0]
            else:
                return False, None
        return True, node

    def rsc_config_path(self):
        """Path segments of the one writable configuration object, or None without an RSC."""
        if self.rsc is None:
            return None
        return ["chassis0", "slots", str(self.rsc_slot.get("object-id")), "module", "rsc"]

    # --- writing (caller holds the lock) ------------------------------------------------------

    def write_rsc(self, changes):
        """Validate and store an RSC configuration write. Returns (error text or None, new configuration).

        With the setting stage-writes, an accepted write is held staged: pending-changes goes up, the configuration
        and the status stay as they are until apply_staged(). With unsaved-writes, it is applied as usual and also
        counted in pending-changes (applied, not yet saved) until apply_staged()."""
        error = self.rsc.validate(changes)
        if error:
            return error, None
        if changes and self.settings.get("stage-writes"):
            self.staged_writes.append(dict(changes))
            self._show_pending()
            return None, dict(self.rsc.config)
        if changes:
            self.rsc.write(changes, time.monotonic(), self.settings["settle-ms"] / 1000.0)
            self._render_rsc()
            self._config_changed()
            if self.settings.get("unsaved-writes"):
                self.unsaved_writes += 1
                self._show_pending()
        return None, dict(self.rsc.config)

    def _show_pending(self):
        """The envelope's changes.pending-changes: the staged writes and the changes staged by others (caller holds
        the lock)."""
        count = self._pending_count()
        changes = self.status.get("changes")
        if not isinstance(changes, dict):
            if not count:
                return  # a document without the key keeps its shape until something is staged
            changes = self.status["changes"] = {}
        changes["pending-changes"] = count

    def stage_foreign(self, count):
        """Pretend someone else staged ``count`` configuration changes (0 clears them)."""
        with self.lock:
            self.refresh()
            self.foreign_staged = count
            self._show_pending()
            return self._pending_count()

    def _pending_count(self):
        return len(self.staged_writes) + self.foreign_staged + self.unsaved_writes

    def apply_staged(self):
        """Apply every staged change, as the device's apply command would: staged RSC writes then settle as usual."""
        with self.lock:
            self.refresh()
            applied = self._pending_count()
            writes, self.staged_writes, self.foreign_staged, self.unsaved_writes = self.staged_writes, [], 0, 0
            for changes in writes:
                self.rsc.write(changes, time.monotonic(), self.settings["settle-ms"] / 1000.0)
            if writes:
                self._render_rsc()
            if applied:
                self._config_changed()
            self._show_pending()
            return applied

    def _config_changed(self):
        system = self._system()
        if system is not None:
            # the device reports the uptime at which the change happened
            system["last-config-change"] = self.uptime()
            if "uptime" in system:
                system["uptime"] = system["last-config-change"]
        self._trigger_event("device-configuration-changed", True)

    def _trigger_event(self, object_id, triggered):
        events = self.status.get("data", {}).get("notification", {}).get("events")
        for event in events if isinstance(events, list) else []:
            if isinstance(event, dict) and event.get("object-id") == object_id:
                # keep the document's own spelling: real devices send 0/1, some documents true/false
                event["triggered"] = triggered if isinstance(event.get("triggered"), bool) else int(triggered)
                if triggered:
                    event["last-triggered"] = utc_stamp()

    def _render_rsc(self):
        """Copy the model's state into the status document."""
        if self.rsc is None:
            return
        self.rsc_slot["module"]["rsc"].update(self.rsc.status_fields())
        for clock, time_sync in self.rsc.sync.items():
            self._set_clock_word(clock, time_sync)
        system = self._system()
        sync_status = system.get("sync-status") if system else None
        if isinstance(sync_status, dict):
            reference = sync_status.get("reference")
            if isinstance(reference, str) and re.match(r"^clk\d+-", reference):
                sync_status["reference"] = self.rsc.selected + "-" + reference.split("-", 1)[1]
            clock_status = sync_status.get("clock-status")
            if isinstance(clock_status, dict) and "clock" in clock_status:
                _update_clock_word(clock_status, self.rsc.sync.get(self.rsc.selected, False))
        for slot in slots_of(self.status):
            sync = _slot_sync_status(slot)
            if sync is not None and sync.get("clock-idx") in ("selected", "secondary"):
                sync["clock-idx"] = "selected" if slot.get("object-id") == self.rsc.selected else "secondary"

    def _set_clock_word(self, clock, time_sync):
        for slot in slots_of(self.status):
            sync = _slot_sync_status(slot)
            if slot.get("object-id") == clock and sync is not None:
                _update_clock_word(sync.setdefault("clock-status", {}), time_sync)

    # --- control (each takes the lock) --------------------------------------------------------

    def known_clocks(self):
        clocks = [slot.get("object-id") for slot in slots_of(self.status) if slot.get("slot-type") == "clk"]
        if self.rsc is not None:
            clocks += [clock for clock in self.rsc.clock_ids if clock not in clocks]
        return clocks

    def set_clock(self, clock, time_sync):
        with self.lock:
            self.refresh()
            match = re.match(r"^clk(\d+)$", clock)
            if match:
                number = match.group(1)
                self._trigger_event("refclock-%s-sync" % number, time_sync)
                self._trigger_event("refclock-%s-not-sync" % number, not time_sync)
            if self.rsc is not None and clock in self.rsc.clock_ids:
                self.rsc.set_sync(clock, time_sync)
                self._render_rsc()
            else:
                self._set_clock_word(clock, time_sync)

    def set_front_panel(self, mode_switch=None, clock_switch=None):
        with self.lock:
            self.refresh()
            self.rsc.set_panel(mode_switch, clock_switch)
            self._render_rsc()

    def state(self):
        with self.lock:
            self.refresh()
            return {
                "index": self.index, "url": self.url, "serial": self.serial, "hostname": self.hostname,
                "settings": dict(self.settings), "tokens": len(self.tokens), "faults": [dict(f) for f in self.faults],
                "uptime": self.uptime(),
                "rsc": self.rsc.state(time.monotonic()) if self.rsc is not None else None,
                "staged": {"writes": [dict(changes) for changes in self.staged_writes], "foreign": self.foreign_staged,
                           "unsaved": self.unsaved_writes, "pending-changes": self._pending_count()},
            }

    def update_settings(self, values):
        with self.lock:
            self.settings.update(values)
            return dict(self.settings)

    # --- tokens -------------------------------------------------------------------------------

    def issue_token(self, user, level):
        with self.lock:
            token = secrets.token_hex(32).upper()
            self.tokens[token] = (user, level, time.monotonic())
            return token

    def token_user(self, token):
        """(user, level) for a valid token, else None. The TTL in force now decides, so lowering it expires old tokens."""
        with self.lock:
            entry = self.tokens.get(token)
            if entry is None:
                return None
            if time.monotonic() - entry[2] >= float(self.settings["token-ttl"]):
                del self.tokens[token]
                return None
            return entry[0], entry[1]

    def expire_tokens(self):
        with self.lock:
            count = len(self.tokens)
            self.tokens.clear()
            return count

    # --- faults and request log -------------------------------------------------------------

    def add_fault(self, fault):
        with self.lock:
            self.faults.append(fault)
            return [dict(f) for f in self.faults]

    def clear_faults(self):
        with self.lock:
            self.faults.clear()

    def list_faults(self):
        with self.lock:
            return [dict(f) for f in self.faults]

    def take_fault(self, method, path):
        """The first queued fault matching this request, with its count used up by one; or None."""
        with self.lock:
            for fault in self.faults:
                if fault.get("method") and fault["method"] != method:
                    continue
                if fault.get("path") and not path.startswith(fault["path"]):
                    continue
                fault["count"] -= 1
                if fault["count"] <= 0:
                    self.faults.remove(fault)
                return dict(fault)
            return None

    def record(self, method, path, status, generation):
        """Log a request received in ``generation``; False (nothing logged) when a reset came since."""
        with self.lock:
            if generation != self.generation:
                return False
            self.requests.append({"method": method, "path": path, "status": status})
            self.counts["%s %s" % (method, path)] += 1
            return True

    def stats(self):
        with self.lock:
            return {"requests": list(self.requests), "counts": dict(self.counts)}


def _slot_sync_status(slot):
    module = slot.get("module")
    sync = module.get("sync-status") if isinstance(module, dict) else None
    return sync if isinstance(sync, dict) else None


def _update_clock_word(clock_status, time_sync):
    """Set clock-status.clock when it disagrees with time_sync (a word such as "holdover" stays while unsynced)."""
    if (clock_status.get("clock") == "synchronized") != bool(time_sync):
        clock_status["clock"] = "synchronized" if time_sync else "not-synchronized"
