# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""No device string of an rsc_events event becomes a template: in ansible-rulebook's rendering of action arguments,
nor in the playbook a rule runs with them, nor in two of them joined."""

import json
import sys

from conftest import BIN, COLLECTIONS, REPO_ROOT, print_rule, source, wait_until

# ansible-rulebook's own renderer of action arguments and ansible-core's own test for "this string is a template".
# The second is internal to ansible-core: these tests run in .venv-eda on the newest pinned core only, and an
# ImportError after a core upgrade means the test must find the function's new home, not be skipped.
from ansible_rulebook.util import substitute_variables
from ansible._internal._templating._jinja_bits import is_possibly_template  # pylint: disable=import-error

sys.path.insert(0, str(COLLECTIONS))
from ansible_collections.meinberg.lantime.plugins.module_utils import events  # noqa: E402 pylint: disable=wrong-import-position

START_TIMEOUT = 60
PLAYBOOK_TIMEOUT = 120
VAULT_HEADER = '$ANSIBLE_VAULT'


def hostile(marker_dir):
    """Device strings, each of which ran `touch <marker_dir>/<name>` on the controller before the fix."""
    def touch(name):
        return 'touch %s/%s' % (marker_dir, name)
    return {
        # ansible-rulebook reads the rendered value as a Python literal: the escapes become braces.
        'escaped': "'\\x7b\\x7b lookup(\"pipe\", \"%s\") \\x7d\\x7d'" % touch('escaped'),
        'named': "'\\N{LEFT CURLY BRACKET}\\N{LEFT CURLY BRACKET} lookup(\"pipe\", \"%s\") }}'" % touch('named'),
        # two fields that a rule joins: one ends with a brace, the other starts with one
        'split_head': 'gps180 {',
        'split_tail': "{ lookup('pipe', '%s') }}" % touch('split'),
        # ansible-core's template header: other delimiters, no brace at all
        'header': "#jinja2:variable_start_string:'[[', variable_end_string:']]'\n[[ lookup('pipe', '%s') ]]"
                  % touch('header'),
        # the plain forms
        'plain': "{{ lookup('pipe', '%s') }}" % touch('plain'),
        'block': "{%% if lookup('pipe', '%s') is string %%}x{%% endif %%}" % touch('block'),
    }


def scenario(strings):
    """The simulator's built-in chassis with the device strings in the RSC card and clock cards."""
    chassis = json.loads((REPO_ROOT / 'tests' / 'simulator' / 'default-chassis.json').read_text(encoding='utf-8'))
    slots = dict((slot['id'], slot) for slot in chassis['slots'])
    slots['rsc']['model'] = strings['escaped']
    slots['rsc']['serial-number'] = strings['plain']
    slots['rsc']['software-revision'] = strings['header']
    slots['rsc']['rsc']['last-switchover'] = strings['named']
    slots['clk1']['model'] = strings['split_head']
    slots['clk2']['model'] = strings['split_tail']
    return chassis


# Every device string of the event, as the rule refers to it.
FIELDS = {
    'escaped': 'event.lantime.rsc.model',
    'plain': 'event.lantime.rsc.serial_number',
    'header': 'event.lantime.rsc.software_revision',
    'named': 'event.lantime.rsc.last_switchover',
    'split_head': 'event.lantime.rsc.clocks.clk1.model',
    'split_tail': 'event.lantime.rsc.clocks.clk2.model',
}


def rendered_is_harmless(value):
    if isinstance(value, dict):
        return all(rendered_is_harmless(k) and rendered_is_harmless(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return all(rendered_is_harmless(item) for item in value)
    if isinstance(value, str):
        return not is_possibly_template(value) and VAULT_HEADER not in value
    return True


def test_ansible_rulebook_renders_no_template_from_any_field_or_pair(tmp_path):
    """ansible-rulebook's substitute_variables, as for run_playbook's extra_vars, over every field and every pair."""
    strings = hostile(tmp_path)
    rsc = {'slot_id': 'rsc', 'model': strings['escaped'], 'serial_number': strings['plain'],
           'software_revision': strings['header'], 'last_switchover': strings['named'],
           'clocks': {'clk1': {'model': strings['split_head']}, 'clk2': {'model': strings['split_tail']}},
           'alarms': [strings['block'], VAULT_HEADER + ';1.1;AES256\n6162']}
    event = events.make_event({'type': 'unreachable', 'slot': 'rsc', 'before': 'reachable', 'after': 'unreachable',
                               'error': strings['block']}, 'ims-a', 'http://127.0.0.1:1', rsc, 't', 'ims-a_rsc')
    fields = list(FIELDS.values()) + ['event.lantime.rsc.alarms[0]', 'event.lantime.rsc.alarms[1]',
                                      'event.lantime.error']
    templates = {}
    for first in fields:
        templates['%s alone' % first] = '{{ %s }}' % first
        for second in fields:
            templates['%s + %s' % (first, second)] = '{{ %s }}{{ %s }}' % (first, second)
            templates['%s + %s quoted' % (first, second)] = "'{{ %s }}{{ %s }}'" % (first, second)
    templates['the whole event'] = '{{ event.lantime }}'
    rendered = substitute_variables({'extra_vars': templates}, {'event': event})['extra_vars']
    bad = dict((name, value) for name, value in rendered.items() if not rendered_is_harmless(value))
    assert not bad
    # The text is still there to read. (ansible-rulebook took the quoted one for a Python string and dropped its
    # quotes: harmless now that it holds no escape.)
    assert rendered['event.lantime.rsc.model alone'] == \
        u'\uff3cx7b\uff3cx7b lookup("pipe", "touch %s/escaped") \uff3cx7d\uff3cx7d' % tmp_path


def playbook(path):
    """A playbook of a user: it puts what the rule passes, and the event itself, into a debug message and a file."""
    path.write_text(json.dumps([{
        'name': 'use the event', 'hosts': 'localhost', 'gather_facts': False,
        'tasks': [
            {'name': 'show it', 'ansible.builtin.debug': {
                'msg': '{{ escaped }} {{ joined }} {{ header }} {{ plain }} {{ named }} {{ error | default("") }} '
                       '{{ ansible_eda.event.lantime.rsc.software_revision }}'}},
            {'name': 'write it', 'ansible.builtin.copy': {
                'dest': '{{ out }}', 'mode': '0600',
                'content': '{{ {"escaped": escaped, "joined": joined, "header": header, "plain": plain, '
                           '"named": named, "error": error | default(""), '
                           '"event": ansible_eda.event.lantime} | to_json }}'}},
        ]}]), encoding='utf-8')
    return path


def rule(name, kind, out, play):
    extra = {
        'out': str(out),
        'escaped': '{{ %s }}' % FIELDS['escaped'],
        'joined': '{{ %s }}{{ %s }}' % (FIELDS['split_head'], FIELDS['split_tail']),
        'header': '{{ %s }}' % FIELDS['header'],
        'plain': '{{ %s }}' % FIELDS['plain'],
        'named': '{{ %s }}' % FIELDS['named'],
    }
    if kind == 'unreachable':
        extra['error'] = '{{ event.lantime.error }}'
    return {'name': name, 'condition': 'event.lantime.type == "%s"' % kind,
            'action': {'run_playbook': {'name': str(play), 'extra_vars': extra}}}


def test_a_rulebook_and_its_playbook_never_run_a_device_template(sims, rulebook, tmp_path):
    markers = tmp_path / 'markers'
    markers.mkdir()
    strings = hostile(markers)
    fixture = tmp_path / 'hostile-chassis.json'
    fixture.write_text(json.dumps(scenario(strings)), encoding='utf-8')
    sim = sims(1, '--fixture', str(fixture))
    play = playbook(tmp_path / 'use_event.yml')
    out_startup, out_unreachable = tmp_path / 'startup.json', tmp_path / 'unreachable.json'
    run = rulebook([{
        'name': 'hostile device', 'hosts': 'localhost', 'match_multiple_rules': True,
        'sources': [source(sim, ['ims-a'], interval=1, min_event_interval=0)],
        'rules': [print_rule(), rule('startup', 'startup', out_startup, play),
                  rule('unreachable', 'unreachable', out_unreachable, play)],
    }], inventory={'all': {'hosts': {'localhost': {
        'ansible_connection': 'local', 'ansible_python_interpreter': str(BIN / 'python')}}}})
    run.wait_for(START_TIMEOUT, 'the startup event', kind='startup')
    wait_until(lambda: out_startup.exists() and out_startup.stat().st_size > 0, PLAYBOOK_TIMEOUT,
               lambda: 'the playbook to write %s\n%s' % (out_startup, run.output[-6000:]))
    # A device that answers with a template in its error text.
    sim.inject(kind='status', status=503, body=strings['block'], count=1000)
    run.wait_for(START_TIMEOUT, 'the unreachable event', kind='unreachable')
    wait_until(lambda: out_unreachable.exists() and out_unreachable.stat().st_size > 0, PLAYBOOK_TIMEOUT,
               lambda: 'the playbook to write %s\n%s' % (out_unreachable, run.output[-6000:]))
    assert run.stop() in (0, 130, -2)

    assert sorted(path.name for path in markers.iterdir()) == [], run.output[-6000:]
    written = json.loads(out_startup.read_text(encoding='utf-8'))
    # The texts arrive readable, with every brace, backslash and # in its full-width form.
    assert written['plain'] == u"\uff5b\uff5b lookup('pipe', 'touch %s/plain') \uff5d\uff5d" % markers
    assert written['joined'] == u"gps180 \uff5b\uff5b lookup('pipe', 'touch %s/split') \uff5d\uff5d" % markers
    assert written['header'].startswith(u'\uff03jinja2:variable_start_string:')
    assert written['escaped'] == u'\uff3cx7b\uff3cx7b lookup("pipe", "touch %s/escaped") \uff3cx7d\uff3cx7d' % markers
    assert written['event']['rsc']['model'] == "'%s'" % written['escaped']
    error = json.loads(out_unreachable.read_text(encoding='utf-8'))['error']
    assert u"HTTP 503: \uff5b% if lookup('pipe', 'touch " + str(markers) + u"/block') is string %\uff5dx" in error, error
