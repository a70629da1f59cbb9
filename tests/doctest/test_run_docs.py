# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""The doctest runner itself: how it reads pages and markers, and that a failing block fails."""

import pytest

import run_docs

PAGE = """# A page

<!-- doctest: skip — needs a real chassis -->
```sh
ansible-playbook site.yml
```

  <!-- doctest: file inventory/x.ims.yml -->
  <!-- doctest: substitute ims1.example.net=$SIM1 -->
  ```yaml
  plugin: meinberg.lantime.ims
  chassis: [ims1.example.net]
  ```

```text
HOST  MODE
```

```
make something
```

```console
$ ansible-inventory --graph \\
    lantime_rsc
@all:
$ echo two
two
```
"""


def blocks(text=PAGE):
    return run_docs.parse_page(text, "docs/x.md")


def test_blocks_languages_lines_and_markers():
    found = blocks()
    assert [(b.line, b.language) for b in found] == [(4, "sh"), (10, "yaml"), (15, "text"), (19, ""), (23, "console")]
    assert found[0].skip == "needs a real chassis"
    assert found[1].file == "inventory/x.ims.yml"
    assert found[1].substitutions == [("ims1.example.net", "$SIM1")]
    assert found[1].text == "plugin: meinberg.lantime.ims\nchassis: [ims1.example.net]\n"
    assert not found[2].runs


def test_a_block_without_language_fails_unless_skipped():
    assert "without a language" in blocks()[3].error
    marked = blocks(PAGE.replace("```\nmake something", "<!-- doctest: skip — a make target -->\n```\nmake something"))
    assert marked[3].error is None and marked[3].skip == "a make target"


@pytest.mark.parametrize("marker, message", [
    ("skip", "needs its reason"),
    ("file /etc/passwd", "relative path"),
    ("expect-rc two", "needs a number"),
    ("substitute nothing", "OLD=NEW"),
    ("run", "unknown marker"),
])
def test_bad_markers_fail(marker, message):
    found = run_docs.parse_page("<!-- doctest: %s -->\n```yaml\na: 1\n```\n" % marker, "docs/x.md")
    assert message in found[0].error


def test_markers_on_an_output_block_are_an_error():
    found = run_docs.parse_page("<!-- doctest: expect-rc 2 -->\n```text\nout\n```\n", "docs/x.md")
    assert "never run" in found[0].error


def test_console_commands_and_continuations():
    assert run_docs.console_commands(blocks()[4].text) == "ansible-inventory --graph \\\n    lantime_rsc\necho two"


def test_a_substitution_that_matches_nothing_fails():
    block = run_docs.parse_page("<!-- doctest: substitute ims9=$SIM1 -->\n```sh\necho ims1\n```\n", "docs/x.md")[0]
    with pytest.raises(run_docs.DocError, match="does not hold"):
        block.substituted({"SIM1": "127.0.0.1:1"})
    block = run_docs.parse_page("<!-- doctest: substitute ims1=$NOPE -->\n```sh\necho ims1\n```\n", "docs/x.md")[0]
    with pytest.raises(run_docs.DocError, match="names no page variable"):
        block.substituted({"SIM1": "127.0.0.1:1"})


def test_playbooks_and_rulebooks():
    assert run_docs.is_playbook([{"hosts": "all", "tasks": []}])
    assert run_docs.is_playbook([{"ansible.builtin.import_playbook": "meinberg.lantime.drift_check"}])
    assert not run_docs.is_playbook([{"hosts": "all", "sources": [], "rules": []}])
    assert not run_docs.is_playbook({"plugin": "meinberg.lantime.ims"})


def test_blocks_run_in_one_shell_state_and_a_failure_fails(tmp_path):
    page = run_docs.Page("docs/x.md", tmp_path)
    try:
        first, second, failing, expected, inventory = run_docs.parse_page(
            "```sh\nexport A=1\nB=2\n```\n"
            "```sh\ntest \"$A$B\" = 12\n```\n"
            "```sh\nfalse\necho never\n```\n"
            "<!-- doctest: expect-rc 3 -->\n```sh\nexit 3\n```\n"
            "```sh\nansible-inventory -i inventory/lantime.ims.yml --graph lantime_rsc\n```\n", "docs/x.md")
        page.run(first)
        page.run(second)
        with pytest.raises(run_docs.DocError, match="exit 1, expected 0"):
            page.run(failing)
        page.run(expected)
        assert "ims4_rsc" in page.run(inventory)
    finally:
        page.close()
