"""The parser's two grammars and its output stay what they were.

mesh.peg (tuned for speed) parses; mesh_errors.peg (the grammar before the
tuning) words the syntax errors. They must accept the same texts, and the
ASTs and error messages must not change with the tuning. A sample here;
`python tests/parse_equiv.py --against REV` runs the whole corpus and its
mutants (see that file).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import parse_equiv as Q  # noqa: E402

# The last commit before the grammar was tuned for speed.
BASELINE = "88fe049"


def _sample():
    return Q.inputs(None, n_mutants=6, sample=40)


def test_the_two_grammars_accept_the_same_texts():
    items = _sample()
    assert len(items) > 200
    assert Q.grammars_disagree(items) == []


def _have_rev(rev):
    try:
        subprocess.run(["git", "cat-file", "-e", f"{rev}^{{commit}}"], cwd=Q.ROOT, check=True,
                       capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError):
        return False


@pytest.mark.skipif(not _have_rev(BASELINE), reason=f"needs the git history ({BASELINE})")
def test_same_trees_and_errors_as_before_the_tuning(tmp_path):
    items = _sample()
    old = Q.record_at(BASELINE, items, tmp_path)
    new = Q.record(items)
    assert sum(1 for r in old.values() if r[0] == "ok") > 40
    assert sum(1 for r in old.values() if r[0] == "err") > 40
    assert Q.compare(old, new) == 0
