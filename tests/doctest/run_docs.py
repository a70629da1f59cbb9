# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""Run the fenced blocks of README.md and docs/*.md as a user would, against the device simulator.

Which blocks run
  ``sh``, ``bash``, ``shell``: the block is a bash script (``set -eo pipefail``); it must exit 0.
  ``console``: the lines starting with ``$ `` (and their ``\\`` continuations) are the script; the rest is output.
  ``yaml``, ``yml``: parsed with Ansible's YAML loader (``!vault`` and ``!unsafe`` included); a playbook (a list of
      plays with ``hosts`` or ``import_playbook``) also passes ``ansible-playbook --syntax-check``. With a ``file``
      marker the block is written to that file of the page's project instead, for the blocks after it.
  ``text``, ``json``: output and payload examples; never run.
  No language, or any other one: fails, unless the block is marked ``skip``, so that no new block is left out unseen.

Markers: HTML comments on the lines right above the opening fence (same indentation or none), invisible when the
Markdown is rendered. A block may carry several:
  ``<!-- doctest: skip — REASON -->``          not run; the reason is required and shows as the skip reason.
  ``<!-- doctest: file PATH -->``              a YAML block is written to PATH (relative) in the page's project.
  ``<!-- doctest: substitute OLD=NEW ... -->`` replace the text OLD by NEW in the block before it runs (shell-quoted
      pairs, split at the last ``=``; each OLD must occur). ``$NAME`` in NEW is one of the page variables below.
  ``<!-- doctest: env NAME=VALUE -->``         export NAME (``$NAME`` page variables expand in VALUE) from this
      block on, for what the guide assumes the reader has set.
  ``<!-- doctest: expect-rc N -->``            the block must exit with N (a drift check that finds drift: 2).

Each page runs in a working directory of its own (a user's Ansible project), in the order of the page:
  * ``ansible.cfg`` with ``collections_path`` at the repository's ``.collections`` link tree;
  * ``inventory/lantime.ims.yml``: the getting-started inventory (chassis ``ims1`` to ``ims4``, credentials and CA
    from the environment), so pages that assume it find it;
  * links ``tests``, ``playbooks`` and ``.venv`` to the repository, for the blocks run "from a clone";
  * a simulator with four chassis over HTTPS and one over plain HTTP, users ``admin``, ``ansible`` and ``ops``
    (admin level) and ``monitor`` (info), all with the password ``$SIM_PASSWORD``;
  * environment: ``PATH`` with ``.venv/bin`` first, ``HOME`` and ``TMPDIR`` in the page's directory, no ``ANSIBLE_*``
    from outside, ``LANTIME_USERNAME=admin``, ``LANTIME_PASSWORD``, ``LANTIME_CA_PATH`` (the simulator's CA) as after
    getting-started's credentials section, ``ANSIBLE_VAULT_PASSWORD_FILE`` so vault commands do not prompt,
    ``ANSIBLE_HOST_PATTERN_MISMATCH=error`` so that a command whose host pattern matches no host fails the block.
  Shell variables and exports a block sets are kept for the next blocks of the page; background jobs live until
  the page ends.

Page variables (for ``substitute`` and ``env``): ``SIM_URL1`` .. ``SIM_URL4`` (``https://127.0.0.1:PORT``),
``SIM1`` .. ``SIM4`` (``127.0.0.1:PORT``), ``SIM_CA``, ``SIM_PASSWORD``, ``HTTP_SIM_URL``, ``HTTP_SIM``,
``PAGE_TMP`` (a scratch directory of the page, for what a guide puts in ``/tmp``), ``FREE_PORT`` (a port nothing
listens on when the page starts), ``PROJECT`` (the page's project directory).

``python tests/doctest/run_docs.py`` lists every block and what would happen to it.
"""

import os
import re
import shlex
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGES = ("README.md", "docs/*.md")

SHELL = {"sh", "bash", "shell", "console"}
YAML = {"yaml", "yml"}
OUTPUT = {"text", "json"}

FENCE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")
MARKER = re.compile(r"^\s*<!--\s*doctest:\s*(?P<body>.*?)\s*-->\s*$")
SKIP = re.compile(r"^skip\s*(?:—|–|-|:)\s*(?P<reason>\S.*)$")
BLOCK_TIMEOUT = 300
SIM_PASSWORD = "Doc-Secret-7"
SIM_USERS = ("admin:%s:admin" % SIM_PASSWORD, "ansible:%s:admin" % SIM_PASSWORD, "ops:%s:admin" % SIM_PASSWORD,
             "monitor:%s:info" % SIM_PASSWORD)
# Bash's own variables, which a block's saved state must not carry into the next block.
BASH_OWN = ("BASH*|FUNCNAME|PIPESTATUS|GROUPS|EUID|PPID|UID|SHELLOPTS|BASHOPTS|RANDOM|SRANDOM|SECONDS|LINENO|HISTCMD|"
            "EPOCHSECONDS|EPOCHREALTIME|_|PWD|OLDPWD|SHLVL|DIRSTACK|COMP_*|IFS|PS1|PS2|PS4|OPTIND|OPTERR|"
            "HOSTNAME|HOSTTYPE|MACHTYPE|OSTYPE|__doc_*")


class DocError(Exception):
    """A block or marker the runner cannot handle; the message names it."""


class Block:
    """One fenced block of a page."""

    def __init__(self, page, line, language, text, markers):
        self.page = page          # "docs/rsc.md"
        self.line = line          # 1-based line of the opening fence
        self.language = language  # "" when the fence has none
        self.text = text
        self.markers = markers    # the marker bodies, top to bottom
        self.skip = None
        self.file = None
        self.expect_rc = 0
        self.substitutions = []
        self.env = []
        self.error = None
        try:
            self._read_markers()
        except DocError as exc:
            self.error = str(exc)

    @property
    def id(self):
        return "%s:%d" % (self.page, self.line)

    def _read_markers(self):
        for body in self.markers:
            word = body.split(None, 1)[0] if body else ""
            rest = body[len(word):].strip()
            if word == "skip":
                match = SKIP.match(body)
                if not match:
                    raise DocError("%s: a skip marker needs its reason: <!-- doctest: skip — why -->" % self.id)
                self.skip = match.group("reason")
            elif word == "file":
                path = Path(rest)
                if not rest or path.is_absolute() or ".." in path.parts:
                    raise DocError("%s: file needs a relative path inside the project, not %r" % (self.id, rest))
                self.file = rest
            elif word == "expect-rc":
                if not rest.isdigit():
                    raise DocError("%s: expect-rc needs a number, not %r" % (self.id, rest))
                self.expect_rc = int(rest)
            elif word in ("substitute", "env"):
                pairs = []
                for token in shlex.split(rest):
                    old, sep, new = token.rpartition("=")
                    if not sep or not old:
                        raise DocError("%s: %s takes OLD=NEW pairs, not %r" % (self.id, word, token))
                    pairs.append((old, new))
                if not pairs:
                    raise DocError("%s: %s without a pair" % (self.id, word))
                (self.substitutions if word == "substitute" else self.env).extend(pairs)
            else:
                raise DocError("%s: unknown marker %r (skip, file, substitute, env, expect-rc)" % (self.id, body))
        if self.skip is not None:
            return
        if self.file and self.language not in YAML:
            raise DocError("%s: file is for YAML blocks" % self.id)
        if self.language in OUTPUT and self.markers:
            raise DocError("%s: a %s block is never run; its markers would do nothing" % (self.id, self.language))
        if self.language not in SHELL | YAML | OUTPUT:
            where = "in %r" % self.language if self.language else "without a language"
            raise DocError("%s: a fenced block %s: give it a language (sh, console, yaml, text, json) or mark it "
                           "<!-- doctest: skip — why -->" % (self.id, where))
        if self.language == "console" and not console_commands(self.text):
            raise DocError("%s: a console block without a '$ ' command line" % self.id)

    @property
    def runs(self):
        """Whether this block is a test of its own (output examples are not)."""
        return self.error is not None or self.language not in OUTPUT or self.skip is not None

    def substituted(self, variables):
        text = self.text
        for old, new in self.substitutions:
            if old not in text:
                raise DocError("%s: substitute %r: the block does not hold that text" % (self.id, old))
            text = text.replace(old, expand(new, variables, self.id))
        return text

    def describe(self):
        if self.error:
            return "ERROR " + self.error
        if self.skip is not None:
            return "skip: " + self.skip
        if self.language in OUTPUT:
            return "output, not run"
        if self.language in YAML:
            return "write %s" % self.file if self.file else "parse (and syntax-check a playbook)"
        return "run" + (" (expect rc %d)" % self.expect_rc if self.expect_rc else "")


def expand(value, variables, where):
    try:
        return string.Template(value).substitute(variables)
    except (KeyError, ValueError) as exc:
        raise DocError("%s: %r names no page variable (%s)" % (where, value, exc)) from None


def console_commands(text):
    """The commands of a console block: '$ ' lines and their continuation lines."""
    commands, continued = [], False
    for line in text.splitlines():
        if continued:
            commands.append(line)
        elif line.startswith("$ "):
            commands.append(line[2:])
        else:
            continue
        continued = line.rstrip().endswith("\\")
    return "\n".join(commands)


def parse_page(text, page):
    """Every fenced block of a Markdown page, in order."""
    lines = text.splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        indent, fence = len(match.group("indent")), match.group("fence")
        info = match.group("info").split()
        language = info[0].lower() if info else ""
        markers = []
        above = index - 1
        while above >= 0 and MARKER.match(lines[above]):
            markers.insert(0, MARKER.match(lines[above]).group("body"))
            above -= 1
        body = []
        end = index + 1
        while end < len(lines):
            stripped = lines[end].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            line = lines[end]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))):])
            end += 1
        blocks.append(Block(page, index + 1, language, "\n".join(body) + "\n", markers))
        index = end + 1
    return blocks


def collect(root=REPO_ROOT):
    """The blocks of README.md and docs/*.md."""
    blocks = []
    for pattern in PAGES:
        for path in sorted(root.glob(pattern)):
            page = path.relative_to(root).as_posix()
            blocks.extend(parse_page(path.read_text(encoding="utf-8"), page))
    return blocks


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_simulator_class():
    """SimulatorProcess from the integration tests' conftest, loaded under a name of its own."""
    import importlib.util  # pylint: disable=import-outside-toplevel
    spec = importlib.util.spec_from_file_location("lantime_doctest_sim", REPO_ROOT / "tests" / "integration" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SimulatorProcess


class Page:
    """The working project, simulators and shell state of one page while its blocks run."""

    def __init__(self, page, base):
        self.page = page
        self.dir = Path(tempfile.mkdtemp(prefix="doctest-%s-" % re.sub(r"[^A-Za-z0-9]+", "-", page), dir=base))
        self.project = self.dir / "project"
        self.tmp = self.dir / "tmp"
        self.home = self.dir / "home"
        self.state = self.dir / "shell-state.sh"
        self.sims = []
        self.groups = []
        self.count = 0
        for path in (self.project / "inventory", self.tmp, self.home):
            path.mkdir(parents=True)
        self.state.write_text("", encoding="utf-8")
        simulator = load_simulator_class()
        users = [option for user in SIM_USERS for option in ("--user", user)]
        self.tls = simulator("--devices", "4", "--tls", "--settle-ms", "100", *users, workdir=self.dir / "sim-tls")
        self.sims.append(self.tls.start())
        self.http = simulator("--no-tls", "--settle-ms", "100", *users, workdir=self.dir / "sim-http")
        self.sims.append(self.http.start())
        self.variables = {"SIM_CA": self.tls.ca_cert, "SIM_PASSWORD": SIM_PASSWORD, "PAGE_TMP": str(self.tmp),
                          "HTTP_SIM_URL": self.http.url(0), "HTTP_SIM": self.http.url(0).split("://", 1)[1],
                          "FREE_PORT": str(free_port()), "PROJECT": str(self.project)}
        for i in range(4):
            self.variables["SIM_URL%d" % (i + 1)] = self.tls.url(i)
            self.variables["SIM%d" % (i + 1)] = self.tls.url(i).split("://", 1)[1]
        self._write_project()
        self.env = self._environment()

    def _write_project(self):
        (self.project / "ansible.cfg").write_text(
            "[defaults]\ncollections_path = %s\ninterpreter_python = auto_silent\n" % (REPO_ROOT / ".collections"),
            encoding="utf-8")
        chassis = "".join("  - name: ims%d\n    host: %s\n" % (i + 1, self.tls.url(i)) for i in range(4))
        (self.project / "inventory" / "lantime.ims.yml").write_text(
            "plugin: meinberg.lantime.ims\nchassis:\n" + chassis, encoding="utf-8")
        for name in ("tests", "playbooks", ".venv"):
            (self.project / name).symlink_to(REPO_ROOT / name)
        (self.dir / "vault-password").write_text("doctest-vault\n", encoding="utf-8")

    def _environment(self):
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("ANSIBLE_", "LANTIME_", "PYTEST_", "VIRTUAL_ENV"))}
        env.update({
            "PATH": "%s:%s" % (REPO_ROOT / ".venv" / "bin", os.environ.get("PATH", "/usr/bin:/bin")),
            "HOME": str(self.home), "TMPDIR": str(self.tmp), "NO_COLOR": "1", "ANSIBLE_NOCOLOR": "1",
            # A command whose host pattern matches nothing exits 0 with a warning: that must fail the block.
            "ANSIBLE_HOST_PATTERN_MISMATCH": "error",
            "ANSIBLE_VAULT_PASSWORD_FILE": str(self.dir / "vault-password"),
            "LANTIME_USERNAME": "admin", "LANTIME_PASSWORD": SIM_PASSWORD, "LANTIME_CA_PATH": self.tls.ca_cert,
        })
        return env

    def run(self, block):
        """Run one block; raise DocError with what went wrong."""
        if block.error:
            raise DocError(block.error)
        for name, value in block.env:
            self.env[name] = expand(value, self.variables, block.id)
        text = block.substituted(self.variables)
        if block.language in YAML:
            return self._yaml(block, text)
        if block.language == "console":
            text = console_commands(text) + "\n"
        return self._shell(block, text)

    def _yaml(self, block, text):
        from ansible.parsing.utils.yaml import from_yaml  # pylint: disable=import-outside-toplevel
        try:
            data = from_yaml(text, file_name=str(REPO_ROOT / block.page), json_only=False)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            raise DocError("%s: the YAML does not parse: %s" % (block.id, exc)) from None
        if block.file:
            target = self.project / block.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            return "written to %s" % block.file
        if is_playbook(data):
            self.count += 1
            path = self.dir / ("playbook-%d.yml" % self.count)
            path.write_text(text, encoding="utf-8")
            # A syntax check reads no inventory: that its host patterns match nothing says nothing about the block.
            return self._shell(block, "ANSIBLE_HOST_PATTERN_MISMATCH=ignore ansible-playbook --syntax-check %s\n"
                               % shlex.quote(str(path)))
        return "parsed"

    def _shell(self, block, text):
        self.count += 1
        script = self.dir / ("block-%d.sh" % self.count)
        script.write_text(
            "cd %(project)s\n. %(state)s\n"
            "__doc_save() {\n  local __doc_rc=$? __doc_name\n"
            "  for __doc_name in $(compgen -v); do\n    case $__doc_name in %(own)s) continue ;; esac\n"
            "    declare -p \"$__doc_name\" 2>/dev/null | grep -v '^declare -[a-zA-Z]*r'\n"
            "  done > %(state)s.new; mv %(state)s.new %(state)s\n  return $__doc_rc\n}\n"
            "trap __doc_save EXIT\nset -eo pipefail\n%(text)s"
            % {"project": shlex.quote(str(self.project)), "state": shlex.quote(str(self.state)), "own": BASH_OWN,
               "text": text}, encoding="utf-8")
        output = self.dir / ("block-%d.out" % self.count)
        with open(output, "wb") as sink:
            process = subprocess.Popen(["bash", str(script)], cwd=str(self.project), env=self.env,  # pylint: disable=consider-using-with
                                       stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                                       start_new_session=True)
            self.groups.append(process.pid)
            try:
                rc = process.wait(BLOCK_TIMEOUT)
            except subprocess.TimeoutExpired:
                kill_group(process.pid)
                rc = None
        # Background jobs may still write to the file; what is there now is what the block printed.
        out = output.read_text(encoding="utf-8", errors="replace")
        if rc != block.expect_rc:
            raise DocError("%s: exit %s, expected %d; the block ran as:\n%s\n--- output ---\n%s"
                           % (block.id, "timeout after %d s" % BLOCK_TIMEOUT if rc is None else rc, block.expect_rc,
                              text, out[-8000:]))
        return out

    def close(self):
        for pid in self.groups:
            kill_group(pid)
        for sim in self.sims:
            sim.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def kill_group(pid, grace=5.0):
    """End a block's process group (its background jobs too): SIGTERM, then SIGKILL after a grace period."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.05)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def is_playbook(data):
    """A list of plays: each has hosts or imports a playbook; a rulebook (sources, rules) is not one."""
    if not isinstance(data, list) or not data:
        return False
    for play in data:
        if not isinstance(play, dict) or "sources" in play or "rules" in play:
            return False
        if not ({"hosts", "import_playbook", "ansible.builtin.import_playbook"} & set(play)):
            return False
    return True


def main():
    for block in collect():
        print("%-28s %-8s %s" % (block.id, block.language or "-", block.describe()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
