# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The collection as AWX and AAP run it: a job through ansible-runner, an inventory source as AWX imports it.

The private data directory is laid out as AWX lays out a job's: ``project/`` (the project's checkout, with a
one-line playbook that imports meinberg.lantime.drift_check), ``inventory/`` (the inventory source),
``env/envvars`` (what a credential injects) and the collection in ``requirements_collections/``, which
``env/envvars`` names in ANSIBLE_COLLECTIONS_PATH as AWX does for the collections of a project's
``collections/requirements.yml``.
"""

import json

import pytest
import yaml

from conftest import BIN, PASSWORD, USERNAME, VIEWER_PASSWORD


@pytest.fixture
def job_dir(project, sim, tmp_path):
    """A private data directory for ansible-runner, with the collection installed from the tarball."""
    if not (BIN / 'ansible-runner').exists():
        pytest.fail('ansible-runner is not in %s (tests/requirements.txt pins it)' % BIN)
    root = tmp_path / 'job'
    (root / 'project').mkdir(parents=True)
    (root / 'inventory').mkdir()
    (root / 'env').mkdir()
    installed = project.run('ansible-galaxy', 'collection', 'install', str(project.tarball), '-p',
                            str(root / 'requirements_collections'), cwd=tmp_path)
    assert installed.returncode == 0, installed.output
    (root / 'project' / 'lantime_drift_check.yml').write_text(
        '- name: LANTIME drift check\n  ansible.builtin.import_playbook: meinberg.lantime.drift_check\n',
        encoding='utf-8')
    source = json.loads((project.inventory / 'lantime.ims.yml').read_text(encoding='utf-8'))
    for key in ('username', 'password', 'ca_path'):
        source.pop(key)    # from the credential's environment, as in AWX
    (root / 'inventory' / 'lantime.ims.yml').write_text(yaml.safe_dump(source), encoding='utf-8')
    (root / 'env' / 'envvars').write_text(yaml.safe_dump({
        'LANTIME_USERNAME': USERNAME, 'LANTIME_PASSWORD': PASSWORD, 'LANTIME_CA_PATH': str(project.ca),
        'ANSIBLE_COLLECTIONS_PATH': str(root / 'requirements_collections')}), encoding='utf-8')
    return root


def run_job(project, job_dir, ident):
    result = project.run('ansible-runner', 'run', str(job_dir), '-p', 'lantime_drift_check.yml', '--ident', ident,
                         cwd=job_dir.parent)
    artifacts = job_dir / 'artifacts' / ident
    everything = result.output + (artifacts / 'stdout').read_text(encoding='utf-8')
    for event in sorted((artifacts / 'job_events').glob('*.json')):
        everything += event.read_text(encoding='utf-8')
    assert PASSWORD not in everything and VIEWER_PASSWORD not in everything
    return result, artifacts


def test_drift_check_job_through_ansible_runner(project, sim, job_dir):
    compliant, artifacts = run_job(project, job_dir, 'compliant')
    assert compliant.returncode == 0, compliant.output[-4000:]
    assert (artifacts / 'rc').read_text(encoding='utf-8').strip() == '0'
    assert (artifacts / 'status').read_text(encoding='utf-8').strip() == 'successful'
    assert 'ims-a_rsc' in (artifacts / 'stdout').read_text(encoding='utf-8')
    stats = [json.loads(path.read_text(encoding='utf-8')) for path in (artifacts / 'job_events').glob('*.json')]
    assert any(event.get('event') == 'playbook_on_stats' for event in stats)
    # The job's working directory is project/: drift_check's default report directory is there.
    assert json.loads((job_dir / 'project' / 'lantime-reports' / 'drift-check.json').read_text(encoding='utf-8'))['passed']

    sim.set_front_panel(device=1, mode_switch='manual')
    drifted, artifacts = run_job(project, job_dir, 'drifted')
    assert drifted.returncode == 2, drifted.output[-4000:]
    assert (artifacts / 'rc').read_text(encoding='utf-8').strip() == '2'
    assert (artifacts / 'status').read_text(encoding='utf-8').strip() == 'failed'
    failed = {json.loads(path.read_text(encoding='utf-8')).get('event_data', {}).get('host')
              for path in (artifacts / 'job_events').glob('*.json')
              if json.loads(path.read_text(encoding='utf-8')).get('event') == 'runner_on_failed'}
    assert 'localhost' in failed, failed


def unsafe(value):
    return isinstance(value, dict) and set(value) == {'__ansible_unsafe'}


def test_inventory_export_as_awx_imports_it(project, sim):
    """What the plugin sets itself is plain; what the device reported stays marked unsafe."""
    result = project.run('ansible-inventory', '-i', 'inventory/lantime.ims.yml', '--list', '--export')
    assert result.returncode == 0, result.output
    data = json.loads(result.stdout)
    # The password the project keeps in group_vars/all.yml is the project's own variable; the plugin adds none.
    assert VIEWER_PASSWORD not in result.output
    hostvars = data['_meta']['hostvars']
    assert set(hostvars) >= {'ims-a_rsc', 'ims-b_rsc', 'ims-a_clk1'}, sorted(hostvars)
    rsc = hostvars['ims-a_rsc']
    plain = {key: rsc[key] for key in ('ansible_connection', 'lantime_host', 'lantime_chassis', 'lantime_slot_id')}
    assert plain == {'ansible_connection': 'local', 'lantime_host': sim.url(0), 'lantime_chassis': 'ims-a',
                     'lantime_slot_id': 'rsc'}, plain
    for group, body in data.items():
        for child in body.get('children', []) + body.get('hosts', []):
            assert isinstance(child, str), (group, child)
    assert 'lantime_rsc' in data['all']['children'] or 'lantime_rsc' in data
    # From the device: its serial numbers, model and firmware are not trusted as templates.
    for key in ('lantime_model', 'lantime_serial_number', 'lantime_firmware'):
        assert unsafe(rsc[key]), (key, rsc[key])
