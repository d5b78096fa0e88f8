"""The layers of the apps (docs/architecture.md) hold, and `lint-imports` (run by `make lint`, so
by `make test`) fails on an import upwards or between sibling domains.

Each case runs the real command on a copy of the package's Python files with one import added,
so the contracts are exercised exactly as `make lint` reads them from pyproject.toml.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _only_python(directory: str, names: list[str]) -> set[str]:
    """What copytree leaves out: every file but Python sources, and the bytecode caches."""
    return {
        name
        for name in names
        if name == "__pycache__"
        or (not name.endswith(".py") and not (Path(directory) / name).is_dir())
    }


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of benvung's Python files and of pyproject.toml (the contracts)."""
    shutil.copytree(ROOT / "benvung", tmp_path / "benvung", ignore=_only_python)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_import(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_real_tree_keeps_the_layers():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_copy_keeps_the_layers_before_anything_is_added(tree):
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_layers(tree):
    # core, the bottom layer, reaching into the public pages: also a cycle (portal imports core).
    _add_import(tree, "benvung.core.years", "from benvung.portal import selectors  # noqa")
    result = _lint_imports(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "benvung.core is not allowed to import benvung.portal" in result.stdout
    assert "benvung.core.years -> benvung.portal.selectors" in result.stdout


def test_an_import_inside_a_function_counts_too(tree):
    _add_import(
        tree,
        "benvung.accounts.permissions",
        "def _upward():\n    from benvung.reporting import models  # noqa",
    )
    result = _lint_imports(tree)
    assert result.returncode != 0
    assert "benvung.accounts is not allowed to import benvung.reporting" in result.stdout


def test_sibling_domains_may_not_import_each_other(tree):
    _add_import(tree, "benvung.resources.selectors", "from benvung.retail import models  # noqa")
    result = _lint_imports(tree)
    assert result.returncode != 0
    assert "benvung.resources is not allowed to import benvung.retail" in result.stdout


def test_a_new_app_must_be_given_a_layer(tree):
    (tree / "benvung" / "carbon").mkdir()
    (tree / "benvung" / "carbon" / "__init__.py").write_text("")
    result = _lint_imports(tree)
    assert result.returncode != 0
    assert "not listed as layers" in result.stdout and "benvung.carbon" in result.stdout
