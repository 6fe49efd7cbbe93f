"""bench/http/run.py runs against both servers and every answer is right
(no timing asserted: the figures come from running the script by hand, see
bench/http/README.md)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "bench" / "http" / "run.py"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX only")


@pytest.mark.parametrize("mode", ["keepalive", "close"])
def test_http_bench_runs_and_every_answer_is_ok(mode, tmp_path):
    out = tmp_path / "http.json"
    r = subprocess.run([sys.executable, str(SCRIPT), "--mode", mode, "--requests", "300",
                        "--warmup", "20", "--concurrency", "4", "--rounds", "1",
                        "--json", str(out)],
                       capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ratio mesh / aiohttp" in r.stdout
    import json
    data = json.loads(out.read_text())
    for kind in ("mesh", "aiohttp"):
        (run,) = data["runs"][kind]
        assert (run["ok"], run["bad"]) == (300, 0)
