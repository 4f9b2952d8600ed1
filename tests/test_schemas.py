"""The JSON Schemas for editors are valid for check-jsonschema's default settings (ECMAScript regular
expressions with the unicode flag, as yaml-language-server's ajv uses them), and the strategy files
validate against them: the embedded strategy and what 'rek init' writes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from rek.jsonschemas import SCHEMAS, ecma_pattern

CHECK = Path(sys.executable).parent / "check-jsonschema"
FILES = {
    "strategy": ["strategy/strategy.yaml"],
    "action-field": ["strategy/action-fields/*.yaml"],
    "measure": ["measures/*.yaml"],
    "call": ["strategy/calls/*.yaml"],
}

pytestmark = pytest.mark.skipif(
    not CHECK.exists(), reason="check-jsonschema fehlt (pip install -e '.[test]')"
)


def check_jsonschema(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECK), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def _files(root: Path, kind: str) -> list[str]:
    found = sorted(str(p.relative_to(root)) for pattern in FILES[kind] for p in root.glob(pattern))
    assert found, (root, kind)
    return found


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_committed_schemas_pass_the_metaschema_check(kind: str) -> None:
    result = check_jsonschema("--check-metaschema", f"schemas/{kind}.schema.json", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_embedded_strategy_validates_against_the_schemas(kind: str) -> None:
    result = check_jsonschema("--schemafile", f"schemas/{kind}.schema.json", *_files(ROOT, kind), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rek.scaffold import init_project

    target = tmp_path_factory.mktemp("init") / "region"
    init_project(target, git=False, lock=False)
    return target


@pytest.mark.parametrize("kind", list(SCHEMAS))
def test_init_template_validates_against_its_schemas(kind: str, initialised: Path) -> None:
    schema = f"schemas/{kind}.schema.json"
    assert check_jsonschema("--check-metaschema", schema, cwd=initialised).returncode == 0
    result = check_jsonschema("--schemafile", schema, *_files(initialised, kind), cwd=initialised)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schemas_catch_a_wrong_value(initialised: Path, tmp_path: Path) -> None:
    """check-jsonschema really validates: a wrong status and a bad URL fail."""
    project = tmp_path / "region"
    shutil.copytree(initialised, project)
    measure = project / "measures" / "M01.yaml"
    measure.write_text(measure.read_text("utf-8").replace("status: idea", "status: geplant"), "utf-8")
    result = check_jsonschema("--schemafile", "schemas/measure.schema.json", "measures/M01.yaml", cwd=project)
    assert result.returncode == 1 and "geplant" in result.stdout


def test_ci_files_of_init_pass_the_github_and_gitlab_schemas(initialised: Path) -> None:
    gh = check_jsonschema(
        "--builtin-schema", "vendor.github-workflows", ".github/workflows/rek.yml", cwd=initialised
    )
    assert gh.returncode == 0, gh.stdout + gh.stderr
    gl = check_jsonschema("--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml", cwd=initialised)
    assert gl.returncode == 0, gl.stdout + gl.stderr


def test_every_modeline_points_to_an_existing_schema(initialised: Path) -> None:
    modeline = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.M)
    for root in (ROOT, initialised):
        for path in [*root.glob("strategy/**/*.yaml"), *root.glob("measures/*.yaml")]:
            found = modeline.search(path.read_text(encoding="utf-8"))
            if found:
                assert (path.parent / found.group(1)).resolve().is_file(), path


@pytest.mark.parametrize(
    ("python", "ecma"),
    [
        (r"^https?://[^\s<>\"]+$", r'^https?://[^\s<>"]+$'),
        (r"^[A-Za-z0-9][A-Za-z0-9_\-]*$", r"^[A-Za-z0-9][A-Za-z0-9_\-]*$"),
        (r"^\d{4}\.\d$", r"^\d{4}\.\d$"),
        (r"a\#b\ c", "a#b c"),
    ],
)
def test_python_only_escapes_are_dropped(python: str, ecma: str) -> None:
    assert ecma_pattern(python) == ecma
