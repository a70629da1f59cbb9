# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Storm control of meinberg.lantime.rsc_events (min_event_interval) through the real ansible-rulebook."""

from conftest import print_rule, source, wait_until
from test_rsc_events import get_count, started

WINDOW = 8
TOGGLES = 12
FLAP_TIMEOUT = 120


def polled_twice(sim, device):
    """Wait for two more answered polls: the second one began after whatever the test just changed."""
    answered = get_count(sim, device, 200)
    wait_until(lambda: get_count(sim, device, 200) >= answered + 2, 30, 'two more polls of device %d' % device)


def total(events):
    return sum(event['lantime']['count'] for event in events)


def test_a_flapping_chassis_is_bounded_and_counted_while_a_quiet_one_reports_at_once(sims, rulebook):
    sim = sims(2)
    names = ['ims-flap', 'ims-quiet']
    run = rulebook([{'name': 'RSC storm', 'hosts': 'all',
                     'sources': [source(sim, names, interval=1, min_event_interval=WINDOW)],
                     'rules': [print_rule()]}])
    started(run, names)

    # Pinned at the front panel, then its clock switch flipped back and forth: a switchover at every flip, each
    # one seen by a poll.
    sim.set_front_panel(mode_switch='manual', clock_switch='clk1', device=0)
    polled_twice(sim, 0)
    clock = 'clk1'
    for flip in range(TOGGLES):
        clock = 'clk2' if clock == 'clk1' else 'clk1'
        sim.set_front_panel(clock_switch=clock, device=0)
        polled_twice(sim, 0)
        if flip == TOGGLES // 2:
            # Meanwhile one change on the quiet chassis. Its events must come from the next poll: the API is switched
            # off after two polls, so an event held back would come only after the `unreachable` that follows.
            sim.set_clock('clk2', False, device=1)
            polled_twice(sim, 1)
            sim.settings(api_enabled=False, device=1)

    run.wait_for(30, 'ims-quiet unreachable', kind='unreachable', chassis='ims-quiet')
    quiet = [(e['lantime']['type'], e['lantime']['count']) for e in run.events(chassis='ims-quiet')]
    assert quiet[:5] == [('startup', 1), ('sync_lost', 1), ('failover_ready_changed', 1), ('alarm_raised', 1),
                         ('unreachable', 1)], quiet

    # What was held leaves when its interval ends: every flip is counted exactly once.
    wait_until(lambda: total(run.events('switchover', 'ims-flap')) >= TOGGLES, FLAP_TIMEOUT,
               lambda: 'all %d switchovers counted: %s' % (TOGGLES, run.events('switchover', 'ims-flap')))
    panel_changes = TOGGLES + 1  # the mode switch to manual, then every flip of the clock switch
    wait_until(lambda: total(run.events('front_panel_changed', 'ims-flap')) >= panel_changes, FLAP_TIMEOUT,
               lambda: 'all front-panel changes counted: %s' % run.events('front_panel_changed', 'ims-flap'))
    # A few more polls, so that a late or repeated event would show.
    polled_twice(sim, 0)
    polled_twice(sim, 0)

    switchovers = [e['lantime'] for e in run.events('switchover', 'ims-flap')]
    panels = [e['lantime'] for e in run.events('front_panel_changed', 'ims-flap')]
    assert total(run.events('switchover', 'ims-flap')) == TOGGLES
    assert total(run.events('front_panel_changed', 'ims-flap')) == panel_changes
    # Bounded: the first flip at once, then at most one event per window, instead of one per flip.
    assert switchovers[0]['count'] == 1 and 2 <= len(switchovers) <= TOGGLES // 2, switchovers
    assert len(panels) <= TOGGLES // 2 + 1, panels
    # Each held event covers the flips after the one before it, and carries the latest state.
    for earlier, later in zip(switchovers, switchovers[1:]):
        assert earlier['time'] < later['first_time'] <= later['time'], (earlier, later)
    last = switchovers[-1]
    assert last['after'] == clock and last['rsc']['selected_clock'] == clock
    assert last['rsc']['switchover_count'] == TOGGLES  # the card's own counter agrees with the counts
    # No other kind of event repeated: the mode change, the alarm and failover_ready changed once.
    kinds = [e['lantime']['type'] for e in run.events(chassis='ims-flap')]
    assert sorted(set(kinds)) == sorted(['startup', 'front_panel_changed', 'mode_changed', 'failover_ready_changed',
                                         'alarm_raised', 'switchover']), kinds
    once = ('startup', 'mode_changed', 'failover_ready_changed', 'alarm_raised')
    assert all(kinds.count(kind) == 1 for kind in once), kinds
    assert run.stop() in (0, 130, -2)
