# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Internal to meinberg.lantime, not a public API: every rule about the RSC card, in one place.

What weakens redundancy (alarms), whether the card would fail over (failover_ready), which values the safety rules
need and the card did not report, what a change may and may not do (the refusals, plan_change), what a write's
read-backs mean, and the words of the results: the outcome of an rsc task and the status a record and every report
shows for it. Pure functions of the facts (facts.py) and the task's request: no request, no Ansible, no role.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.meinberg.lantime.plugins.module_utils import api_map as m
from ansible_collections.meinberg.lantime.plugins.module_utils import facts

# -- the vocabulary of results ----------------------------------------------------------------------------------------
# The value of switch_mode and selected_clock that leaves the setting alone, so that a policy can say so.
ANY = 'any'
# The rsc task's outcome -> the record's status (check mode finds drift; a run fixes it).
# A staged change: the device accepted the write but holds it staged (changes.pending-changes went up) and the card
# does not show it; it takes effect only once applied on the device.
STAGED = 'staged'
OUTCOME_STATUS = {'compliant': 'compliant', 'would_change': 'drift', 'changed': 'changed', STAGED: STAGED}
# A failed task keeps these outcomes as its status; any other failure is 'failed'.
FAILURE_STATUSES = ('refused', 'unreadable', STAGED)
# The statuses of the reports: good, bad, and the cards rsc_facts could not read. A staged change is bad: the card
# does not run it yet, and a rollout stops there.
GOOD_STATUSES = ('ok', 'compliant')
BAD_STATUSES = ('refused', 'unreadable', STAGED, 'failed')
UNREAD_STATUSES = ('unreadable', 'failed')
# The statuses that need a look (the table shows them in capitals).
NEEDS_A_LOOK = ('drift',) + BAD_STATUSES
NOT_TOUCHED = 'not touched'
NO_RESULT = 'no result'
# The options a refusal may tell the user to set (record.py names the role's variable instead, through the role).
FAILOVER_OPTION = 'require_failover_ready'
FORCE_OPTION = 'force'


def record_status(result, has_policy):
    """The status a record shows for an rsc result: ok (a read), compliant, drift, changed, refused, unreadable, failed."""
    if not result.get('failed'):
        return OUTCOME_STATUS.get(result.get('outcome'), 'failed') if has_policy else 'ok'
    # A failure before any read (invalid options, an address refused) has no outcome: nothing was read or written.
    outcome = result.get('outcome', 'unreadable')
    return outcome if outcome in FAILURE_STATUSES else 'failed'


def asked_state(params):
    """The state the task asks for: switch_mode and selected_clock, None where not managed."""
    return dict((key, None if params.get(key) == ANY else params.get(key)) for key in ('switch_mode', 'selected_clock'))


def managed(rsc):
    """The two settings the rsc module manages, as the card shows them in effect."""
    return {'switch_mode': rsc['switch_mode'], 'selected_clock': rsc['selected_clock']}


def shows(rsc, switch_mode=None, selected_clock=None):
    """True when the card shows every setting that was asked for."""
    return ((switch_mode is None or rsc['switch_mode'] == switch_mode)
            and (selected_clock is None or rsc['selected_clock'] == selected_clock))


def shows_text(asked):
    return ', '.join('%s=%s' % (key, value) for key, value in sorted(asked.items()) if value is not None)


def desired_text(asked):
    return 'switch_mode=%s, selected_clock=%s' % (asked['switch_mode'] or ANY, asked['selected_clock'] or ANY)


# -- what the card's state means ----------------------------------------------------------------------------------------
SOURCE_WORDS = {
    facts.SOURCE_RSC: 'the RSC card says',
    facts.SOURCE_REFERENCE: 'the system sync-status reference says',
    facts.SOURCE_CLOCK_IDX: "the clock slots' clock-idx says",
}


def assess(card):
    """The RSC facts rsc_info returns: the card's state (facts.card_facts()) with its alarms and failover_ready added."""
    card['alarms'] = rsc_alarms(card)
    card['failover_ready'] = failover_ready(card)
    return card


def conflict_text(rsc):
    """"the RSC card says clk1, the system sync-status reference says clk2" for the sources that name a clock."""
    said = rsc.get('selected_clock_evidence') or {}
    return ', '.join('%s %s' % (SOURCE_WORDS[source], 'no clock' if said[source] == facts.NO_CLOCK else said[source])
                     for source in (facts.SOURCE_RSC, facts.SOURCE_REFERENCE, facts.SOURCE_CLOCK_IDX)
                     if said.get(source))


def unknown_safety_state(rsc):
    """The values the safety rules need that the card did not report usably (empty when all are known)."""
    unknown = []
    if rsc['switch_mode'] is None:
        unknown.append('switch mode')
    if rsc['selected_clock'] is None and not rsc.get('no_clock_selected'):
        unknown.append('selected clock')
    if rsc['front_panel']['mode_switch'] is None:
        unknown.append('front-panel mode switch')
    for clock_id in m.CLOCK_IDS:
        if rsc['clocks'][clock_id]['time_sync'] is None:
            unknown.append('%s sync state' % clock_id)
    return unknown


def other_clock(clock_id):
    return m.CLOCK_IDS[1] if clock_id == m.CLOCK_IDS[0] else m.CLOCK_IDS[0]


def failover_ready(rsc):
    """True when the card would fail over right now if the clock in use lost sync."""
    standby = rsc['clocks'].get(other_clock(rsc['selected_clock'])) if rsc['selected_clock'] in m.CLOCK_IDS else None
    return bool(rsc['switch_mode'] == m.MODE_AUTO
                and rsc['front_panel']['mode_switch'] == m.MODE_AUTO
                and standby is not None and standby['time_sync'] is True and standby['fitted'] is not False
                and rsc['outputs_enabled'] is not False
                and not rsc.get('no_clock_selected') and not rsc.get('selected_clock_conflict'))


def rsc_alarms(rsc):
    """One short string per condition that weakens redundancy."""
    alarms = []
    if rsc['front_panel']['mode_switch'] == m.MODE_MANUAL:
        alarms.append('front-panel mode switch on manual: remote settings have no effect, no failover')
    elif rsc['switch_mode'] == m.MODE_MANUAL:
        alarms.append('manual mode: no failover')
    if rsc.get('no_clock_selected'):
        alarms.append('no clock selected: the RSC card feeds no clock to the backplane (outputs disabled)')
    if rsc.get('selected_clock_conflict'):
        alarms.append('selected clock disagrees: %s; which clock feeds the chassis is uncertain' % conflict_text(rsc))
    for clock_id in m.CLOCK_IDS:
        clock = rsc['clocks'][clock_id]
        if clock['fitted'] is False:
            alarms.append('%s slot empty' % clock_id)
        elif clock['time_sync'] is None:
            alarms.append('%s sync state unknown' % clock_id)
        elif not clock['time_sync']:
            alarms.append('%s not synchronized' % clock_id)
    for what in ('switch mode', 'selected clock', 'front-panel mode switch'):
        if what in unknown_safety_state(rsc):
            alarms.append('%s unknown (the card did not report it usably)' % what)
    return alarms + _card_alarms(rsc)


def _card_alarms(rsc):
    alarms = []
    if rsc['outputs_enabled'] is False and not rsc.get('no_clock_selected'):
        alarms.append('outputs disabled')
    if rsc['watchdog_ok'] is False:
        alarms.append('watchdog expired')
    if rsc['access_control_override']:
        alarms.append('access control override on')
    if rsc['time_limit_error']:
        alarms.append('time limit error')
    return alarms


def redundancy_problems(rsc):
    """Why the card could not fail over right now, in words for a refusal (empty when both clocks and the card are fine).

    The refusal's words for the conditions rsc_alarms() words as alarms; a sync state that is not known counts as
    not synchronized here.
    """
    problems = []
    for clock_id in m.CLOCK_IDS:
        clock = rsc['clocks'][clock_id]
        if clock['fitted'] is False:
            problems.append('%s slot is empty' % clock_id)
        elif clock['time_sync'] is not True:
            problems.append('%s is not synchronized' % clock_id)
    if rsc['outputs_enabled'] is False:
        problems.append("the card's outputs are disabled")
    if rsc['watchdog_ok'] is False:
        problems.append("the card's watchdog expired")
    if rsc['time_limit_error'] is True:
        problems.append('the card reports a time limit error')
    if rsc['front_panel']['mode_switch'] == m.MODE_MANUAL:
        problems.append('the front-panel mode switch is on Manual, so remote settings take no effect; move it to Auto '
                        'on site')
    return problems


# -- what a change may do ---------------------------------------------------------------------------------------------
class Refusal(Exception):
    """A requested change that must not be made; the text says why and what to do.

    option: the task option that would allow it (FAILOVER_OPTION or FORCE_OPTION), when the refusal says to set it.
    """

    def __init__(self, text, option=None):
        super(Refusal, self).__init__(text)
        self.option = option


def plan(current, asked, force=False, require_failover_ready=False, pending_changes=None):
    """What the rsc task writes: plan_change(), the staged changes the chassis holds (pending_changes, from the same
    read), then the require_failover_ready pre-flight check.

    Returns (changes, predicted, warnings); raises Refusal.
    """
    changes, predicted, warnings = plan_change(current, force=force, **asked)
    if changes:
        warnings = foreign_staged_warnings(pending_changes, force) + warnings
    problems = redundancy_problems(current) if changes and require_failover_ready else []
    if problems:
        before = managed(current)
        raise Refusal(
            '%s. The card is at switch_mode=%s, selected_clock=%s and should go to %s, but with '
            'require_failover_ready a chassis is changed only while both clocks are synchronized and the card is '
            'healthy. Fix that on the chassis (check the clock\'s antenna or reference input with '
            'meinberg.lantime.rsc_info) and run again; to change it anyway, for example to pin the good clock while '
            'the other is repaired, set require_failover_ready=false'
            % ('; '.join(problems), before['switch_mode'], before['selected_clock'], desired_text(asked)),
            option=FAILOVER_OPTION)
    return changes, predicted, warnings


def plan_change(current, switch_mode=None, selected_clock=None, force=False):
    """Decide what to write, before anything is written.

    current is the card's state (rsc facts). Returns (changes, predicted, warnings): changes holds only the
    settings that differ (snake_case keys); predicted is the managed state expected afterwards.
    Raises Refusal when the change is unsafe or cannot take effect.
    """
    before = managed(current)
    asked = {'switch_mode': switch_mode, 'selected_clock': selected_clock}
    changes = dict((key, value) for key, value in asked.items() if value is not None and value != before[key])
    predicted = dict(before)
    predicted.update(changes)
    # Checked whether or not anything differs: such a card is never compliant, whatever the request.
    warnings = _selection_warnings(current, selected_clock, force)
    if not changes:
        return changes, predicted, warnings
    warnings += _unknown_state_warnings(current, force)
    _refuse_front_panel_manual(current)
    warnings += _target_clock_warnings(current, changes, predicted, force)
    if predicted['switch_mode'] == m.MODE_MANUAL:
        warnings.append('manual mode: failover is off while it lasts; if %s loses sync the card will not switch '
                        'to the other clock' % predicted['selected_clock'])
    return changes, predicted, warnings


def _selection_warnings(current, selected_clock, force):
    """No clock selected, or sources that disagree on the clock: refused unless forced, then a warning."""
    warnings = []
    if current.get('no_clock_selected'):
        if not (force and selected_clock):
            raise Refusal('the card has no clock selected: it feeds no clock to the backplane and its outputs are '
                          'disabled. Find out why on site (both clocks unsynchronized, the watchdog, a front-panel or '
                          'display-menu action) with meinberg.lantime.rsc_info. To feed a clock again, ask for '
                          'selected_clock (clk1 or clk2) with force=true; a request without selected_clock cannot be '
                          'made while no clock is selected', option=FORCE_OPTION)
        warnings.append('the card had no clock selected; selecting %s with force=true turns its signal on for every '
                        'output card' % selected_clock)
    if current.get('selected_clock_conflict'):
        if not force:
            raise Refusal('the sources disagree on which clock feeds the chassis: %s. Check the RSC card and the clock '
                          'modules on site or in the web interface (the chassis status and each clock module\'s sync '
                          'status) before changing anything; set force=true only once you know which clock is in use'
                          % conflict_text(current), option=FORCE_OPTION)
        warnings.append('the sources disagree on which clock feeds the chassis (%s); going on because force=true'
                        % conflict_text(current))
    return warnings


def foreign_staged_warnings(pending_changes, force):
    """A chassis that holds staged changes this task did not make: refused unless forced, then a warning."""
    if not pending_changes:
        return []
    if not force:
        raise Refusal('the chassis holds %s that this task did not make (changes.pending-changes is %d); applying '
                      'ours could apply them too, and our write could stay staged behind them. Find out whose they '
                      'are and apply or discard them on the device (the LTOS web interface); set force=true only if '
                      'applying them with ours is acceptable' % (_staged_changes(pending_changes), pending_changes),
                      option=FORCE_OPTION)
    return ['the chassis holds %s that this task did not make; writing anyway because force=true: applying this change '
            'on the device may apply those too' % _staged_changes(pending_changes)]


def _staged_changes(count):
    return '%d staged configuration change%s' % (count, '' if count == 1 else 's')


def _unknown_state_warnings(current, force):
    unknown = unknown_safety_state(current)
    if unknown and not force:
        raise Refusal('the card did not report its %s usably, so the safety rules cannot be checked. Read the card '
                      'with meinberg.lantime.rsc_info and check it on site; set force=true only if you have checked '
                      'that the change is safe' % ', '.join(unknown), option=FORCE_OPTION)
    if unknown:
        return ['the card did not report its %s usably; writing anyway because force=true' % ', '.join(unknown)]
    return []


def _refuse_front_panel_manual(current):
    panel = current['front_panel']
    if panel['mode_switch'] == m.MODE_MANUAL:
        raise Refusal('the front-panel mode switch is on Manual, so the clock switch (%s) decides and remote '
                      'settings would be stored but not take effect. Move the front-panel mode switch to Auto on '
                      'site, or ask for switch_mode=manual and selected_clock=%s, which the switches already set'
                      % (panel['clock_switch'], panel['clock_switch']))


def _target_clock_warnings(current, changes, predicted, force):
    """The clock the card will use: refused when empty or (unless forced) unsynchronized; auto mode's fallback."""
    target = predicted['selected_clock']
    clock = current['clocks'].get(target) if target else None
    warnings = []
    if 'selected_clock' in changes:
        if clock['fitted'] is False:
            raise Refusal('the %s slot is empty: there is no clock module to switch to. Fit a clock module in %s '
                          'first' % (target, target))
        if clock['time_sync'] is not True:
            if not force:
                raise Refusal('%s is not synchronized: switching to it would feed the outputs from a free-running '
                              'clock. Wait until %s is synchronized, or set force=true if you accept that'
                              % (target, target), option=FORCE_OPTION)
            warnings.append('%s is not synchronized and force=true: the outputs follow a free-running clock%s'
                            % (target, ', and in auto mode the card switches back at once when the other clock is '
                               'synchronized' if predicted['switch_mode'] == m.MODE_AUTO else ''))
    elif predicted['switch_mode'] == m.MODE_AUTO and clock and clock['time_sync'] is False:
        other = other_clock(target)
        if current['clocks'][other]['time_sync'] is True:
            warnings.append('%s is not synchronized: in auto mode the card will switch to %s at once' % (target, other))
            predicted['selected_clock'] = other
    return warnings


# -- the rsc task's decisions, one value each -------------------------------------------------------------------------
def decide(current, params, where, pending_changes=None):
    """Everything the rsc task decides before it writes, from the card's state and the task's options.

    Returns asked and before (the managed settings), drift, changes and predicted (what plan() allows), warnings
    (prefixed with where), refusal and refusal_option (a refusal's text and the option it names, or None),
    weakened (the warning for the card as read, or None) and pending_before (the chassis' staged changes as read).
    """
    asked = asked_state(params)
    before = managed(current)
    drift = not shows(current, **asked)
    decision = dict(asked=asked, before=before, drift=drift, changes={}, predicted=before, warnings=[], refusal=None,
                    refusal_option=None, weakened=weakened_warning(where, current, drift, asked),
                    pending_before=pending_changes)
    if not any(asked.values()):  # nothing asked: a read, with none of the refusals that guard a change
        return decision
    try:
        changes, predicted, warnings = plan(current, asked, force=params['force'],
                                            require_failover_ready=params['require_failover_ready'],
                                            pending_changes=pending_changes)
    except Refusal as exc:
        decision.update(refusal=str(exc), refusal_option=exc.option)
        return decision
    decision.update(changes=changes, predicted=predicted, warnings=['%s: %s' % (where, text) for text in warnings])
    return decision


def pending_rose(applied, pending_before):
    """True when the reads after a write report more staged changes than the read before it."""
    after = applied.get('pending_changes')
    return isinstance(after, int) and not isinstance(after, bool) and after > (pending_before or 0)


def is_staged(applied, pending_before):
    """True when a write the device accepted and the card does not show went into the chassis' staged changes:
    pending-changes went up. A write refused or unanswered is never staged, whoever raised the count meanwhile."""
    return (not applied['shown'] and applied['seen'] is not None and not applied.get('write_refused')
            and not applied.get('write_error') and pending_rose(applied, pending_before))


def after_write(applied, decision, where, wait, require_failover_ready, allow_staged=False):
    """What the read-backs of a write (rsc_card.apply_change()) mean: outcome changed, staged or failed, the failure's
    msg (None for a staged change the task allows), the warnings, and the managed state seen after it (None when the
    card could not be read back)."""
    seen = applied['seen']
    verdict = {'outcome': 'failed', 'msg': None, 'warnings': [], 'after': managed(seen) if seen is not None else None}
    if is_staged(applied, decision.get('pending_before')):
        verdict['outcome'] = STAGED
        text = staged_text(where, applied, decision)
        if allow_staged:
            verdict['warnings'].append(text)
        else:
            verdict['msg'] = text + ' To accept a staged change as the result, set allow_staged=true.'
        return verdict
    if not applied['shown']:
        verdict['msg'] = (unread_after_write(where, applied, wait) if seen is None
                          else not_shown(where, applied, decision['asked'], wait))
        return verdict
    if applied['write_error']:
        verdict['warnings'].append('%s: the write got no proper reply (%s), but the card shows the asked state'
                                   % (where, applied['write_error']))
    if pending_rose(applied, decision.get('pending_before')):
        verdict['warnings'].append(unsaved_text(where, applied, decision))
    verdict['msg'] = not_failover_ready(where, seen, decision['asked']) if require_failover_ready else None
    if verdict['msg'] is None:
        verdict['outcome'] = 'changed'
        weakened = weakened_warning(where, seen, decision['drift'], decision['asked'])
        verdict['warnings'] += [weakened] if weakened else []
    return verdict


# -- what the results say ---------------------------------------------------------------------------------------------
def weakened_warning(where, rsc, drift, asked):
    """The warning for a card whose redundancy is weakened (it reports alarms), or None."""
    if not rsc.get('alarms'):
        return None
    # A read (nothing asked, as rsc_facts does) has no desired state to speak of.
    settled = not drift and any(value is not None for value in asked.values())
    return '%s: redundancy is weakened: %s.%s' % (
        where, '; '.join(rsc['alarms']),
        ' The card already has the desired state (%s), so nothing is changed.' % desired_text(asked) if settled else '')


def not_failover_ready(where, seen, asked):
    """After a change shown in auto mode: why the card would still not fail over (require_failover_ready), or None."""
    if seen['switch_mode'] != m.MODE_AUTO or seen['failover_ready']:
        return None
    return ('%s: the card is now at %s in auto mode, but it would not fail over: %s. Redundancy is not restored. Fix '
            'the cause on the chassis (see meinberg.lantime.rsc_info); the change itself stays in place.'
            % (where, desired_text(asked), '; '.join(seen['alarms']) or 'no alarm reported'))


def staged_text(where, applied, decision):
    """A write the device staged: what the card shows, the pending-changes count and how to apply it."""
    return ('%s: the device accepted the write but staged it, not applied: the card still shows %s, and the chassis '
            'holds %s (changes.pending-changes was %s before the write). The change takes effect only once '
            'applied: %s.'
            % (where, managed(applied['seen']), _staged_changes(applied['pending_changes']),
               decision.get('pending_before') if decision.get('pending_before') is not None else 'not reported',
               m.APPLY_STAGED_HINT))


def unsaved_text(where, applied, decision):
    """A write the card shows while the chassis' staged changes went up: applied, but perhaps not saved."""
    return ('%s: the change is applied (the card shows it), but the chassis now holds %s (changes.pending-changes was '
            '%s before the write): the device may hold it unsaved, not yet its startup configuration. To keep it, %s. '
            'Until then the next change is refused as staged changes this task did not make, unless force=true.'
            % (where, _staged_changes(applied['pending_changes']),
               decision.get('pending_before') if decision.get('pending_before') is not None else 'not reported',
               m.APPLY_STAGED_HINT))


def unread_after_write(where, applied, wait):
    """The card could not be read back after the write."""
    write_error = applied['write_error']
    return ('%s: the write was sent%s, but the card could not be read back within %d s (%s). The change may or may not '
            'have been applied: check the device with meinberg.lantime.rsc_info and run the task again.'
            % (where, ' (%s)' % write_error if write_error else '', wait, applied['read_error']))


def not_shown(where, applied, asked, wait):
    """The card was read back but does not show what was asked: what happened, by the write's reply."""
    write_error, state = applied['write_error'], managed(applied['seen'])
    if applied['write_refused'] and not applied['changed']:
        return ('%s: the device refused the write (%s); the card read back still shows %s: nothing was changed.'
                % (where, write_error, state))
    if write_error and not applied['changed']:
        return ('%s: the write got no proper reply (%s), and within %d s the card still shows %s: the change was not '
                'applied. Check the device and run the task again.' % (where, write_error, wait, state))
    if write_error:
        return ('%s: the write got no proper reply (%s) and within %d s the card did not show the asked state %s; it '
                'shows %s. Part of the change was applied: check the device and run the task again.'
                % (where, write_error, wait, shows_text(asked), state))
    return ('%s: the device accepted the write, but within %d s the card did not show the asked state %s; it shows '
            '%s. In auto mode the card switches back at once when the selected clock is not synchronized and the '
            'other is; check the clocks with meinberg.lantime.rsc_info, and raise wait_timeout if the card is only '
            'slow.' % (where, wait, shows_text(asked), state))
