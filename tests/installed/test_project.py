# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The installed collection from a user's project: the CLIs a user runs, what the user sees.

Every command runs in the project directory (conftest.py) with the collection installed from its tarball, the
project's own ansible.cfg, the inventory directory with group_vars, and HTTPS checked against the project's CA.
"""

import csv
import json
import shutil
import tempfile

from conftest import PASSWORD, VIEWER_PASSWORD


def no_secret(result):
    assert PASSWORD not in result.output
    assert VIEWER_PASSWORD not in result.output
    return result


def recap(result, host):
    """The PLAY RECAP counters of one host, as a dict."""
    for line in result.stdout.splitlines():
        if line.startswith(host + ' ') and 'ok=' in line:
            return {key: int(value) for key, value in (part.split('=') for part in line.split(':', 1)[1].split())}
    raise AssertionError('no recap line for %s in:\n%s' % (host, result.output[-3000:]))


def test_the_project_uses_the_installed_tarball(project, sim):
    """ansible-galaxy lists the collection in the project's ./collections, nowhere else."""
    result = project.run('ansible-galaxy', 'collection', 'list', 'meinberg.lantime', '--format', 'json')
    assert result.returncode == 0, result.output
    listing = json.loads(result.stdout)
    assert list(listing) == [str(project.root / 'collections' / 'ansible_collections')], listing
    assert list(listing.values())[0]['meinberg.lantime']['version'] == json.loads(
        (project.collection / 'MANIFEST.json').read_text(encoding='utf-8'))['collection_info']['version']


def test_inventory_graph(project, sim):
    result = no_secret(project.run('ansible-inventory', '-i', 'inventory', '--graph', 'lantime_rsc'))
    assert result.returncode == 0, result.output
    assert '@lantime_rsc:' in result.stdout
    assert '|--ims-a_rsc' in result.stdout and '|--ims-b_rsc' in result.stdout
    assert '[WARNING]' not in result.output, result.output

    listed = json.loads(project.run('ansible-inventory', '-i', 'inventory', '--host', 'ims-a_rsc').stdout)
    # group_vars/all.yml of the inventory directory reach the hosts of the plugin's source.
    assert listed['lantime_ca_path'] == str(project.ca)
    assert listed['lantime_host'] == sim.url(0)


def test_adhoc_rsc_info(project, sim):
    result = no_secret(project.run('ansible', '-i', 'inventory', 'lantime_rsc', '-m', 'meinberg.lantime.rsc_info'))
    assert result.returncode == 0, result.output
    assert 'ims-a_rsc | SUCCESS' in result.stdout and 'ims-b_rsc | SUCCESS' in result.stdout
    assert result.stdout.count('"selected_clock": "clk1"') == 2, result.stdout
    # Over HTTPS with the project's CA: no warning about certificates or plain HTTP.
    assert '[WARNING]' not in result.output, result.output


def test_demo_story_check_diff_change_and_back(project, sim):
    """The README's story: read, see what a change would do, make it, undo it."""
    change = ('ansible', '-i', 'inventory', 'ims-a_rsc', '-m', 'meinberg.lantime.rsc',
              '-a', 'switch_mode=manual selected_clock=clk2')
    checked = no_secret(project.run(*change, '--check', '--diff'))
    assert checked.returncode == 0, checked.output
    assert 'ims-a_rsc | CHANGED' in checked.stdout, checked.stdout
    assert 'manual' in checked.stdout and 'clk2' in checked.stdout
    assert sim.rsc(0) == ('auto', 'clk1'), 'check mode wrote to the card'

    changed = no_secret(project.run(*change))
    assert changed.returncode == 0, changed.output
    assert 'ims-a_rsc | CHANGED' in changed.stdout
    assert sim.rsc(0) == ('manual', 'clk2')
    assert sim.rsc(1) == ('auto', 'clk1'), 'the other chassis was touched'

    again = project.run(*change)
    assert again.returncode == 0 and 'ims-a_rsc | SUCCESS' in again.stdout, again.output

    back = no_secret(project.run('ansible', '-i', 'inventory', 'ims-a_rsc', '-m', 'meinberg.lantime.rsc',
                                 '-a', 'switch_mode=auto selected_clock=clk1'))
    assert back.returncode == 0 and 'ims-a_rsc | CHANGED' in back.stdout, back.output
    assert sim.rsc(0) == ('auto', 'clk1')


def test_rsc_facts_relative_reports_land_in_the_working_directory(project, sim):
    result = no_secret(project.run('ansible-playbook', '-i', 'inventory', 'meinberg.lantime.rsc_facts',
                                   '-e', 'rsc_facts_json=report.json', '-e', 'rsc_facts_csv=out/report.csv'))
    assert result.returncode == 0, result.output
    assert 'ims-a_rsc' in result.stdout and 'ims-b_rsc' in result.stdout
    # Relative to where the user ran the command, never to the installed playbook's directory.
    assert not (project.collection / 'playbooks' / 'report.json').exists()
    assert not (project.collection / 'playbooks' / 'out').exists()
    report = json.loads((project.root / 'report.json').read_text(encoding='utf-8'))
    text = json.dumps(report)
    assert 'ims-a_rsc' in text and 'ims-b_rsc' in text
    with open(project.root / 'out' / 'report.csv', encoding='utf-8', newline='') as handle:
        rows = list(csv.reader(handle))
    assert sorted(row[0] for row in rows[1:]) == ['ims-a_rsc', 'ims-b_rsc'], rows


def test_drift_check_exit_codes_and_reports(project, sim):
    compliant = no_secret(project.run('ansible-playbook', '-i', 'inventory', 'meinberg.lantime.drift_check'))
    assert compliant.returncode == 0, compliant.output
    report = json.loads((project.root / 'lantime-reports' / 'drift-check.json').read_text(encoding='utf-8'))
    assert report['passed'] is True, report
    assert (project.root / 'lantime-reports' / 'drift-check.junit.xml').is_file()
    assert not (project.collection / 'playbooks' / 'lantime-reports').exists()

    sim.set_front_panel(device=1, mode_switch='manual')
    drifted = no_secret(project.run('ansible-playbook', '-i', 'inventory', 'meinberg.lantime.drift_check',
                                    '-e', 'drift_check_report_dir=reports/drift'))
    assert drifted.returncode == 2, drifted.output
    assert 'ims-b_rsc' in drifted.stdout
    report = json.loads((project.root / 'reports' / 'drift' / 'drift-check.json').read_text(encoding='utf-8'))
    assert report['passed'] is False
    status = {host['host']: host['status'] for host in report['hosts']}
    assert status['ims-a_rsc'] == 'compliant' and status['ims-b_rsc'] in ('drift', 'refused'), report
    assert not (project.collection / 'playbooks' / 'reports').exists()


def test_fleet_rollout_brings_a_drifted_card_back(project, sim):
    pinned = project.run('ansible', '-i', 'inventory', 'ims-b_rsc', '-m', 'meinberg.lantime.rsc',
                         '-a', 'switch_mode=manual selected_clock=clk2')
    assert pinned.returncode == 0 and sim.rsc(1) == ('manual', 'clk2'), pinned.output

    planned = no_secret(project.run('ansible-playbook', '-i', 'inventory', 'meinberg.lantime.fleet_rollout', '--check'))
    assert planned.returncode == 0, planned.output
    assert sim.rsc(1) == ('manual', 'clk2'), 'a rollout in check mode wrote to the card'

    rolled = no_secret(project.run('ansible-playbook', '-i', 'inventory', 'meinberg.lantime.fleet_rollout'))
    assert rolled.returncode == 0, rolled.output
    assert recap(rolled, 'ims-b_rsc')['changed'] >= 1 and recap(rolled, 'ims-b_rsc')['failed'] == 0
    assert recap(rolled, 'ims-a_rsc')['failed'] == 0
    assert sim.rsc(1)[0] == 'auto' and sim.rsc(0) == ('auto', 'clk1')


def test_api_check_adhoc_and_capture_with_a_relative_directory(project, sim):
    checked = no_secret(project.run('ansible', '-i', 'inventory', 'ims-a_rsc', '-m', 'meinberg.lantime.api_check'))
    assert checked.returncode == 0, checked.output
    assert 'ims-a_rsc | SUCCESS' in checked.stdout and '"verdict"' in checked.stdout, checked.stdout

    captured = no_secret(project.run('ansible-playbook', '-i', 'inventory', 'meinberg.lantime.capture',
                                     '-e', 'capture_dir=captures'))
    assert captured.returncode == 0, captured.output
    files = sorted(path.name for path in (project.root / 'captures').iterdir())
    assert files == ['ims-a.json', 'ims-b.json'], files
    assert not (project.collection / 'playbooks' / 'captures').exists()
    capture = (project.root / 'captures' / 'ims-a.json').read_text(encoding='utf-8')
    assert PASSWORD not in capture and json.loads(capture)


def test_the_role_in_a_playbook_of_the_users_own(project, sim):
    (project.root / 'site.yml').write_text(
        '- name: Pin every RSC card to clk1\n'
        '  hosts: lantime_rsc\n'
        '  gather_facts: false\n'
        '  roles:\n'
        '    - role: meinberg.lantime.rsc\n'
        '      vars:\n'
        '        rsc_switch_mode: manual\n'
        '        rsc_selected_clock: clk1\n', encoding='utf-8')
    first = no_secret(project.run('ansible-playbook', '-i', 'inventory', 'site.yml'))
    assert first.returncode == 0, first.output
    assert sim.rsc(0) == ('manual', 'clk1') and sim.rsc(1) == ('manual', 'clk1')
    assert recap(first, 'ims-a_rsc')['changed'] >= 1

    second = no_secret(project.run('ansible-playbook', '-i', 'inventory', 'site.yml'))
    assert second.returncode == 0, second.output
    assert recap(second, 'ims-a_rsc')['changed'] == 0 and recap(second, 'ims-b_rsc')['changed'] == 0


def test_the_demo_playbook_as_docs_simulator_md_tells_installed_users(project, tmp_path):
    """docs/simulator.md, "without a checkout": find the simulator with ansible-galaxy, start it as the guide does
    (plain HTTP, user ops), write sim.ims.yml, then `ansible-playbook -i sim.ims.yml "$SIM/demo.yml"`."""
    from conftest import InstalledSimulator  # pylint: disable=import-outside-toplevel
    process = InstalledSimulator(project, '--no-tls', '--user', 'ops:S3cret-pass:admin', '--settle-ms', '100',
                                 workdir=tmp_path / 'simulator')
    process.start()
    tmp = None
    try:
        inventory = tmp_path / 'sim.ims.yml'
        inventory.write_text('plugin: meinberg.lantime.ims\nchassis:\n  - name: sim\n    host: %s\nusername: ops\n'
                             'password: S3cret-pass\n' % process.devices[0]['url'], encoding='utf-8')
        script = ('set -eo pipefail\n'
                  'COLLECTIONS=$(ansible-galaxy collection list meinberg.lantime --format json \\\n'
                  '  | python3 -c \'import json, sys; print(next(iter(json.load(sys.stdin))))\')\n'
                  'SIM=$COLLECTIONS/meinberg/lantime/tests/simulator\n'
                  'ansible-playbook -i %s "$SIM/demo.yml"\n' % inventory)
        # A short TMPDIR of its own (the demo's reports go there; ansible-core puts a socket there too).
        tmp = tempfile.mkdtemp(prefix='demo-')
        result = project.run('bash', '-c', script, env={'LANTIME_USERNAME': 'ops', 'LANTIME_PASSWORD': 'S3cret-pass',
                                                        'TMPDIR': tmp, 'NO_COLOR': '1'})
    finally:
        process.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    assert result.returncode == 0, result.output[-6000:]
    output = result.output
    assert 'S3cret-pass' not in output
    recap = output[output.rindex('PLAY RECAP'):]
    assert 'sim_rsc' in recap and 'failed=0' in recap and 'failed=1' not in recap, output[-6000:]
    # What the story shows: the facts table, the drift check's verdict, and the card failing over on its own after
    # the clock in use lost sync.
    assert 'PLAY [Read every RSC card]' in output and 'PLAY [Demo 5/5: a clock failure' in output, output[-6000:]
    flat = ' '.join(output.split())
    assert 'sim_rsc: clk1 lost sync, the card switched to clk2 on its own' in flat, output[-6000:]
