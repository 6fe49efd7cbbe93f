"""Multi-file projects: module names from paths, imports, load order, and the
errors for cycles, missing modules and private names."""
from __future__ import annotations

from pathlib import Path

from mesh_interp.modules import module_name_for
from conftest import PROGRAMS_DIR, run_mesh


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root / "main.mpl"


def test_module_names_from_paths():
    assert module_name_for(Path("main.mpl")) == "Main"
    assert module_name_for(Path("ingestion/routes.mpl")) == "Ingestion.Routes"
    assert module_name_for(Path("services/rate_limiter.mpl")) == "Services.RateLimiter"
    assert module_name_for(Path("sub/main.mpl")) == "Sub.Main"
    assert module_name_for(Path("HTTPClient.mpl")) == "HTTPClient"


def test_same_output_from_any_working_directory(tmp_path):
    main = PROGRAMS_DIR / "geometry" / "main.mpl"
    here = run_mesh("run", str(main))
    elsewhere = run_mesh("run", str(main), cwd=tmp_path)
    inside = run_mesh("run", "main.mpl", cwd=main.parent)
    assert here.returncode == elsewhere.returncode == inside.returncode == 0
    assert here.stdout == elsewhere.stdout == inside.stdout != ""


def test_cycle_names_the_import_line(tmp_path):
    main = write(tmp_path, {
        "main.mpl": 'from A import f\nfn main() do\n  println("${f()}")\nend\n',
        "a.mpl": "from B import g\npub fn f() = g()\n",
        "b.mpl": "from A import f\npub fn g() = 1\n",
    })
    r = run_mesh("run", str(main))
    assert r.returncode == 1
    assert "Circular dependency: A -> B -> A" in r.stderr
    assert "a.mpl:1:1" in r.stderr


def test_missing_module(tmp_path):
    main = write(tmp_path, {"main.mpl": 'from Nope import f\nfn main() do\n  println("x")\nend\n'})
    r = run_mesh("run", str(main))
    assert r.returncode == 1
    assert "E0031" in r.stderr and "main.mpl:1:1" in r.stderr
    assert r.stdout == ""


def test_private_name_cannot_be_imported(tmp_path):
    main = write(tmp_path, {
        "main.mpl": 'from Util import secret\nfn main() do\n  println("${secret()}")\nend\n',
        "util.mpl": "fn secret() = 42\n",
    })
    r = run_mesh("run", str(main))
    assert r.returncode == 1
    assert "E0035" in r.stderr


def test_unimported_module_with_a_syntax_error_fails_the_build(tmp_path):
    main = write(tmp_path, {
        "main.mpl": 'fn main() do\n  println("ok")\nend\n',
        "broken.mpl": "fn incomplete(\n",
    })
    r = run_mesh("run", str(main))
    assert r.returncode == 1
    assert "broken.mpl:" in r.stderr
