"""Every programs/*.mpl runs and prints exactly its snapshot.

The snapshots live in tests/snapshots/programs/<name>.out. They are created
with `python -m pytest tests/test_programs.py --snapshot-update` once the
output has been checked by hand against the language reference (the first
snapshots equalled outputs predicted by hand before the interpreter existed).
"""

from __future__ import annotations

import pytest

from conftest import PROGRAMS_DIR, SNAPSHOTS_DIR, run_mesh

# single-file programs, and multi-module projects (a folder with main.mpl)
PROGRAMS = sorted(list(PROGRAMS_DIR.glob("*.mpl")) + list(PROGRAMS_DIR.glob("*/main.mpl")))


def program_name(path):
    return path.parent.name if path.name == "main.mpl" else path.stem

# Seconds one program may take (the tail-recursion program loops 1,000,000
# times in a tree-walking interpreter).
TIMEOUT = 300


def test_programs_exist():
    assert len(PROGRAMS) >= 14, "programs/ should hold the example programs"


@pytest.mark.parametrize("program", PROGRAMS, ids=[program_name(p) for p in PROGRAMS])
def test_program_output(program, snapshot):
    result = run_mesh("run", str(program.relative_to(PROGRAMS_DIR.parent)),
                      timeout=TIMEOUT)
    assert result.returncode == 0, (
        f"{program.name} exited with {result.returncode}\n"
        f"--- stderr ---\n{result.stderr}"
    )
    snapshot.snapshot_dir = SNAPSHOTS_DIR / "programs"
    snapshot.assert_match(result.stdout, f"{program_name(program)}.out")
