"""The packaging metadata covers the whole source tree.

pyproject.toml lists the packages explicitly (the stdlib folder is mapped
into the package), so a new sub-package must be added there by hand; this
test says so when it is forgotten.
"""

from __future__ import annotations

import tomllib

from conftest import REPO_ROOT


def _pyproject():
    with open(REPO_ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def test_every_subpackage_is_listed():
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(REPO_ROOT).parts)
        for init in (REPO_ROOT / "mesh_interp").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    missing = on_disk - listed
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


def test_stdlib_is_package_data():
    tool = _pyproject()["tool"]["setuptools"]
    assert tool["package-dir"]["mesh_interp.stdlib"] == "stdlib"
    assert "*.mpl" in tool["package-data"]["mesh_interp.stdlib"]
    assert (REPO_ROOT / "stdlib").is_dir()


def test_console_script_and_lexer_plugin():
    project = _pyproject()["project"]
    assert project["scripts"]["mesh"] == "mesh_interp.cli:main"
    assert project["entry-points"]["pygments.lexers"]["mesh"] == (
        "mesh_interp.repl.lexer:MeshLexer"
    )
