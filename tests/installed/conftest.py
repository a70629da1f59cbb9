# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The collection as a user installs and runs it: from its tarball, in a project of the user's own.

Fixtures:

* ``project`` (session) -- builds the tarball, installs it with ``ansible-galaxy collection install -p`` into a new
  project directory outside the repository, and writes the project's files: ``ansible.cfg`` (only
  ``collections_path = ./collections``), ``inventory/lantime.ims.yml``, ``inventory/group_vars/all.yml`` (credentials
  and ``lantime_ca_path``) and ``pki/`` (a CA and the server certificate the simulator serves). Every command runs
  with a scrubbed environment: no ``ANSIBLE_*`` or ``LANTIME_*``, ``HOME`` in a temporary directory, ``PATH`` from
  the virtual environment running pytest; never with the repository's ``ansible.cfg`` or ``.collections``.
* ``simulator`` (module) -- the simulator of the installed collection (``<project>/collections/.../tests/simulator``)
  with two chassis over HTTPS; their addresses go into the project's inventory file.
* ``sim`` -- that simulator after a reset of both chassis; the project's output directories are emptied.
"""

import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / 'tests' / 'utils'))
from suite_helpers import load_simulator_process  # noqa: E402 pylint: disable=wrong-import-position
# The tree the tarball is built from: the repository, or another checkout of it (INSTALLED_SOURCE=DIR).
SOURCE = Path(os.environ.get('INSTALLED_SOURCE') or REPO_ROOT)
BIN = Path(sys.executable).parent
USERNAME = 'ops'
PASSWORD = 'Inst4lled-S3cret'
VIEWER = 'monitor'
VIEWER_PASSWORD = 'V1ew-0nly-Pass'
CHASSIS = ('ims-a', 'ims-b')
COMMAND_TIMEOUT = 300


class InstalledSimulator(load_simulator_process('lantime_installed_integration_conftest')):
    """The simulator started from the installed collection, serving the project's certificate."""

    def __init__(self, project, *options, workdir):
        super().__init__(*options, workdir=workdir)
        self.project = project

    def start(self):
        command = [sys.executable, str(self.project.simulator_dir), *self.options, '--ready-file', str(self.ready_file)]
        deadline = time.monotonic() + self.start_timeout
        with open(self.stdout_path, 'wb') as stdout, open(self.stderr_path, 'wb') as stderr:
            self.process = subprocess.Popen(command, cwd=str(self.project.root), env=self.project.env(),  # pylint: disable=consider-using-with
                                            stdout=stdout, stderr=stderr)
        while not self.ready_file.exists():
            if self.process.poll() is not None:
                raise RuntimeError('simulator exited with %s: %s' % (self.process.returncode, self.stderr_text()))
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError('simulator not ready: %s' % self.stderr_text())
            time.sleep(0.02)
        self.ready = json.loads(self.ready_file.read_text(encoding='utf-8'))
        import urllib.request  # pylint: disable=import-outside-toplevel
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                   urllib.request.HTTPSHandler(context=self.ssl_context()))
        return self

    def ssl_context(self):
        return ssl.create_default_context(cafile=str(self.project.ca))

    def reset_all(self):
        for device in range(len(self.devices)):
            self.reset(device)

    def rsc(self, device=0):
        """The card's effective mode and clock, as the simulator holds them."""
        model = self.state(device)['rsc']
        return model['effective']['switch-mode'], model['effective']['selected-clock']


class Project:
    """A user's Ansible project with the collection installed from its tarball."""

    def __init__(self, root, home, tarball):
        self.root = Path(root)
        self.home = Path(home)
        self.tarball = Path(tarball)
        self.collection = self.root / 'collections' / 'ansible_collections' / 'meinberg' / 'lantime'
        self.simulator_dir = self.collection / 'tests' / 'simulator'
        self.inventory = self.root / 'inventory'
        self.ca = self.root / 'pki' / 'ca.pem'

    def env(self, **extra):
        """The environment of a user's shell: no ANSIBLE_* or LANTIME_*, a HOME of its own."""
        environ = {key: value for key, value in os.environ.items()
                   if not key.startswith(('ANSIBLE_', 'LANTIME_', 'PYTEST_', 'VIRTUAL_ENV'))}
        environ.update({'HOME': str(self.home), 'PATH': '%s%s%s' % (BIN, os.pathsep, '/usr/local/bin:/usr/bin:/bin'),
                        'PWD': str(self.root)})
        environ.update({key: str(value) for key, value in extra.items()})
        return environ

    def run(self, *command, cwd=None, env=None, timeout=COMMAND_TIMEOUT):
        """Run a command of the project (argv[0] from the venv's bin) and return the CompletedProcess."""
        cwd = Path(cwd or self.root)
        environ = self.env(**(env or {}))
        environ['PWD'] = str(cwd)
        argv = [str(BIN / command[0]) if (BIN / command[0]).exists() else command[0], *command[1:]]
        result = subprocess.run(argv, cwd=str(cwd), env=environ, capture_output=True, text=True, timeout=timeout,
                                check=False)
        result.output = result.stdout + result.stderr
        return result

    def write_inventory(self, devices):
        """inventory/lantime.ims.yml for the simulator's chassis (the CA path is absolute: see docs/events.md)."""
        chassis = [{'name': name, 'host': device['url']} for name, device in zip(CHASSIS, devices)]
        source = {'plugin': 'meinberg.lantime.ims', 'chassis': chassis, 'username': VIEWER, 'password': VIEWER_PASSWORD,
                  'ca_path': str(self.ca), 'slot_types': ['rsc', 'clk'], 'retries': 0}
        (self.inventory / 'lantime.ims.yml').write_text(json.dumps(source, indent=1) + '\n', encoding='utf-8')


def _check(result, what):
    if result.returncode:
        raise RuntimeError('%s failed (rc %s):\n%s' % (what, result.returncode, result.output[-4000:]))
    return result


@pytest.fixture(scope='session')
def project(tmp_path_factory):
    base = tmp_path_factory.mktemp('installed')
    home = base / 'home'
    home.mkdir()
    dist = base / 'dist'
    root = base / 'project'
    (root / 'inventory' / 'group_vars').mkdir(parents=True)
    (root / 'pki').mkdir()
    (root / 'ansible.cfg').write_text('[defaults]\ncollections_path = ./collections\n', encoding='utf-8')
    maker = Project(root, home, dist / 'none.tar.gz')
    built = _check(maker.run('ansible-galaxy', 'collection', 'build', '--output-path', str(dist), str(SOURCE),
                             cwd=base), 'ansible-galaxy collection build')
    tarballs = sorted(dist.glob('meinberg-lantime-*.tar.gz'))
    assert len(tarballs) == 1, built.output
    with tarfile.open(tarballs[0]) as tar:
        assert 'tests/simulator/__main__.py' in tar.getnames(), 'the tarball does not ship the simulator'
    proj = Project(root, home, tarballs[0])
    _check(proj.run('ansible-galaxy', 'collection', 'install', str(proj.tarball), '-p', 'collections'),
           'ansible-galaxy collection install')
    assert (proj.simulator_dir / '__main__.py').is_file()
    # The CA and the server certificate, made by the installed simulator's own helper.
    _check(proj.run(sys.executable, '-c', 'import sys; sys.path.insert(0, sys.argv[1]); import sim_tls; '
                    'sim_tls.make_certificates(sys.argv[2])', str(proj.simulator_dir), str(root / 'pki')),
           'making the certificates')
    (root / 'inventory' / 'group_vars' / 'all.yml').write_text(
        '# read by the role, the playbooks and the modules\n'
        'lantime_username: %s\nlantime_password: %s\nlantime_ca_path: %s\n' % (USERNAME, PASSWORD, proj.ca),
        encoding='utf-8')
    return proj


@pytest.fixture(scope='module')
def simulator(project, tmp_path_factory):
    process = InstalledSimulator(project, '--devices', str(len(CHASSIS)), '--cert', project.root / 'pki' / 'server.pem',
                                 '--key', project.root / 'pki' / 'server.key',
                                 '--user', '%s:%s:admin' % (USERNAME, PASSWORD),
                                 '--user', '%s:%s:info' % (VIEWER, VIEWER_PASSWORD), '--settle-ms', '100',
                                 workdir=tmp_path_factory.mktemp('simulator'))
    process.start()
    assert all(device['url'].startswith('https://') for device in process.devices)
    project.write_inventory(process.devices)
    yield process
    process.stop(signal.SIGTERM)


# What a test may leave in the project; removed before each test.
OUTPUTS = ('report.json', 'out', 'lantime-reports', 'lantime-captures', 'captures', 'sub', 'reports', 'site.yml')


@pytest.fixture
def sim(simulator, project):
    simulator.reset_all()
    for name in OUTPUTS:
        path = project.root / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    return simulator
