# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2026 meinberg.lantime contributors
"""One test per fenced block of README.md and docs/*.md (`make doctest`); see run_docs.py for the rules.

The blocks of a page run in their order on one worker (a test class per page, `--dist loadscope`), in one working project and against
one simulator set, which stops after the page's last block.
"""

import re
import tempfile

import pytest

import run_docs

BLOCKS = [block for block in run_docs.collect() if block.runs]
LAST = {block.page: block.id for block in BLOCKS}


class Pages:
    """The page being run on this worker, started at its first block and closed after its last."""

    def __init__(self, base):
        self.base = base
        self.open = {}

    def run(self, block):
        try:
            if block.page not in self.open:
                self.open[block.page] = run_docs.Page(block.page, self.base)
            return self.open[block.page].run(block)
        finally:
            if LAST[block.page] == block.id and block.page in self.open:
                self.open.pop(block.page).close()

    def close(self):
        for page in self.open.values():
            page.close()


@pytest.fixture(scope="session")
def pages():
    with tempfile.TemporaryDirectory(prefix="lantime-doctest-") as base:
        registry = Pages(base)
        yield registry
        registry.close()


def page_class(page, blocks):
    """A test class per page: `--dist loadscope` runs a class on one worker, its blocks in order."""

    class PageBlocks:
        @pytest.mark.parametrize("block", blocks, ids=[block.id for block in blocks])
        def test_block(self, block, pages):  # pylint: disable=redefined-outer-name
            if block.skip is not None and block.error is None:
                pytest.skip(block.skip)
            try:
                pages.run(block)
                problem = None
            except run_docs.DocError as exc:
                problem = str(exc)
            if problem:
                pytest.fail(problem, pytrace=False)

    name = "Test_" + re.sub(r"[^A-Za-z0-9]+", "_", page)
    PageBlocks.__name__ = PageBlocks.__qualname__ = name
    return name, PageBlocks


for _page in LAST:
    _name, _class = page_class(_page, [block for block in BLOCKS if block.page == _page])
    globals()[_name] = _class
