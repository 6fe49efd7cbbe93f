"""bench/: every benchmark program runs and prints the same result as its
CPython twin, at a tiny size. Nothing here measures or asserts a time (the
figures come from `python bench/run.py`, see bench/README.md)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run_mesh

BENCH_DIR = REPO_ROOT / "bench"
sys.path.insert(0, str(BENCH_DIR))

import gen_project  # noqa: E402

_spec = importlib.util.spec_from_file_location("mesh_bench_run", BENCH_DIR / "run.py")
bench_run = importlib.util.module_from_spec(_spec)
sys.modules["mesh_bench_run"] = bench_run      # dataclasses look the module up
_spec.loader.exec_module(bench_run)

PROGRAM_BENCHES = [b for b in bench_run.BENCHES if b.kind != "load"]
TIMEOUT = 300


def run_python(script: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=TIMEOUT)


def tiny_env(b, tmp_path) -> dict:
    env = dict(os.environ)
    env.pop("BENCH_N", None)
    env["MESH_CACHE_DIR"] = str(tmp_path / "mesh_cache")
    if b.tiny is not None:
        env["BENCH_N"] = str(b.tiny)
    return env


def test_every_program_has_a_twin():
    mpl = {p.stem for p in (BENCH_DIR / "programs").glob("*.mpl")}
    py = {p.stem for p in (BENCH_DIR / "programs").glob("*.py")}
    assert mpl == py
    assert {b.prog for b in PROGRAM_BENCHES} == mpl


@pytest.mark.parametrize("b", PROGRAM_BENCHES, ids=[b.name for b in PROGRAM_BENCHES])
def test_program_matches_python_twin(b, tmp_path):
    env = tiny_env(b, tmp_path)
    mesh = run_mesh("run", str(BENCH_DIR / "programs" / f"{b.prog}.mpl"), env=env,
                    timeout=TIMEOUT)
    assert mesh.returncode == 0, mesh.stderr
    py = run_python(BENCH_DIR / "programs" / f"{b.prog}.py", env)
    assert py.returncode == 0, py.stderr
    assert mesh.stdout.strip(), "a benchmark prints its result"
    assert mesh.stdout == py.stdout


def test_generated_project_checks_and_matches_python_twin(tmp_path):
    info = gen_project.generate(tmp_path / "proj", lines=300)
    assert info["mesh_lines"] >= 300 and info["modules"] >= 3
    env = dict(os.environ, MESH_CACHE_DIR=str(tmp_path / "mesh_cache"))
    check = run_mesh("check", info["mesh_dir"], env=env, timeout=TIMEOUT)
    assert check.returncode == 0, check.stderr
    mesh = run_mesh("run", info["mesh_dir"], env=env, timeout=TIMEOUT)
    assert mesh.returncode == 0, mesh.stderr
    py = run_python(Path(info["py_dir"]) / "main.py", env)
    assert py.returncode == 0, py.stderr
    assert mesh.stdout.startswith("checksum ")
    assert mesh.stdout == py.stdout
    load = run_python(Path(info["py_dir"]) / "load.py", env)
    assert load.returncode == 0 and load.stdout == "", load.stderr


def test_runner_writes_table_and_json(tmp_path):
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH_DIR / "run.py"), "--tiny", "--runs", "1",
         "--json", str(out), "hello", "load_cold", "load_cached"],
        capture_output=True, text=True, timeout=TIMEOUT, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "| hello |" in proc.stdout and "| load_cold |" in proc.stdout
    data = json.loads(out.read_text())
    assert data["meta"]["commit"]
    names = [r["name"] for r in data["results"]]
    assert names == ["hello", "load_cold", "load_cached"]
    for r in data["results"]:
        assert r["same_output"] and not r["problems"]
        assert r["wall"]["ratio_min"] > 0 and r["cpu"]["ratio_min"] is not None
