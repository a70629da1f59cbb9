# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Behaviour model of the IMS RSC (Redundant Switch Control) card.

The model knows nothing about HTTP or JSON documents. It keeps three layers of
state, as the API contract (section 4) describes them:

* the remote configuration (what ``GET /api/configuration`` shows, changed at
  once by a write),
* the configuration the card has taken over (a write reaches the card only
  after the settle delay),
* the physical front-panel switches, which win over both.
"""

import datetime

MODES = ("auto", "manual")


def utc_stamp(moment=None):
    """Return a UTC time stamp in the device's format, YYYY-MM-DDThh:mm:ss."""
    moment = moment or datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


class RscModel:
    """Live state of one RSC card, seeded from its status block."""

    def __init__(self, block, configuration=None):
        clocks = [clock for clock in block.get("clocks") or [] if isinstance(clock, dict) and clock.get("object-id")]
        clocks = clocks or [{"object-id": "clk1"}, {"object-id": "clk2"}]
        self.clock_ids = [str(clock.get("object-id")) for clock in clocks]
        self.sync = {str(clock.get("object-id")): bool(clock.get("time-sync")) for clock in clocks}
        self.selected = block.get("selected-clock") or self.clock_ids[0]
        panel = block.get("front-panel") or {}
        self.panel_mode = panel.get("mode-switch", "auto")
        self.panel_clock = panel.get("clock-switch", self.selected)
        seed = {"switch-mode": block.get("switch-mode", "auto"), "selected-clock": self.selected}
        seed.update(configuration or {})
        self.config = dict(seed)
        self.applied = dict(seed)
        # A card may have no clock selected (selected-clock "none"): its outputs are then off until a clock is selected.
        self.outputs_enabled = block.get("outputs-enabled", True)
        self._reports_outputs = "outputs-enabled" in block
        self.switchover_count = block.get("switchover-count", 0)
        self.last_switchover = block.get("last-switchover", "never")
        self.pending = []

    @property
    def effective_mode(self):
        if self.panel_mode == "manual":
            return "manual"
        return self.applied.get("switch-mode", "auto")

    def validate(self, changes):
        """Return an error text for a configuration write, or None when it is acceptable."""
        if not isinstance(changes, dict):
            return "body must be a JSON object"
        for key, value in changes.items():
            if key == "switch-mode":
                if value not in MODES:
                    return "invalid value for switch-mode: %r (expected one of %s)" % (value, ", ".join(MODES))
            elif key == "selected-clock":
                if value not in self.clock_ids:
                    return "invalid value for selected-clock: %r (expected one of %s)" % (value, ", ".join(self.clock_ids))
            else:
                return "unknown key: %r" % (key,)
        return None

    def write(self, changes, now, settle):
        """Store a validated write; the card takes it over after ``settle`` seconds."""
        self.config.update(changes)
        self.pending.append((now + settle, dict(changes)))
        self.pending.sort(key=lambda item: item[0])
        self.tick(now)

    def tick(self, now):
        """Hand every write whose settle time has passed over to the card."""
        changed = False
        while self.pending and self.pending[0][0] <= now:
            _due, changes = self.pending.pop(0)
            self._apply(changes)
            changed = True
        return changed

    def set_sync(self, clock, time_sync):
        self.sync[clock] = bool(time_sync)
        self._auto()

    def set_panel(self, mode_switch=None, clock_switch=None):
        was_manual = self.panel_mode == "manual"
        if mode_switch is not None:
            self.panel_mode = mode_switch
        if clock_switch is not None:
            self.panel_clock = clock_switch
        if self.panel_mode == "manual":
            self._switch(self.panel_clock)
        elif was_manual:
            self._follow_remote_settings()

    def _apply(self, changes):
        self.applied.update(changes)
        if self.panel_mode == "manual":
            # The physical switch wins: the setting is stored but has no effect.
            return
        if self.applied.get("switch-mode") == "manual":
            self._switch(self.applied["selected-clock"])
            return
        if "selected-clock" in changes:
            # In auto mode a selected-clock write is a one-time switchover request.
            self._switch(changes["selected-clock"])
        self._auto()

    def _follow_remote_settings(self):
        if self.applied.get("switch-mode") == "manual":
            self._switch(self.applied["selected-clock"])
        else:
            self._auto()

    def _auto(self):
        """Non-revertive failover: leave the clock in use only when it lost sync and another has it."""
        if self.effective_mode != "auto" or self.sync.get(self.selected):
            return
        for clock in self.clock_ids:
            if clock != self.selected and self.sync.get(clock):
                self._switch(clock)
                return

    def _switch(self, clock):
        if clock != self.selected:
            if self.selected not in self.clock_ids and clock in self.clock_ids:
                self.outputs_enabled = True
            self.selected = clock
            self.switchover_count += 1
            self.last_switchover = utc_stamp()
        if self.effective_mode == "auto":
            # In auto mode the stored selection follows the clock in use, so a later
            # write of only switch-mode=manual pins the current clock, not a stale one.
            self.config["selected-clock"] = clock
            self.applied["selected-clock"] = clock

    def status_fields(self):
        """The fields of the status block that this model owns."""
        fields = {
            "switch-mode": self.effective_mode,
            "selected-clock": self.selected,
            "front-panel": {"mode-switch": self.panel_mode, "clock-switch": self.panel_clock},
            "clocks": [{"object-id": clock, "time-sync": self.sync.get(clock, False)} for clock in self.clock_ids],
            "switchover-count": self.switchover_count,
            "last-switchover": self.last_switchover,
        }
        if self._reports_outputs:
            fields["outputs-enabled"] = self.outputs_enabled
        return fields

    def state(self, now):
        """Debug view of the whole model (for GET /_sim/state)."""
        return {
            "effective": {"switch-mode": self.effective_mode, "selected-clock": self.selected},
            "configuration": dict(self.config),
            "applied-configuration": dict(self.applied),
            "front-panel": {"mode-switch": self.panel_mode, "clock-switch": self.panel_clock},
            "time-sync": dict(self.sync),
            "switchover-count": self.switchover_count,
            "last-switchover": self.last_switchover,
            "pending-writes": [{"due-in-ms": max(0, round((due - now) * 1000)), "changes": changes} for due, changes in self.pending],
        }
