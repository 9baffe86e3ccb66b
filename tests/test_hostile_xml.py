"""Hostile XML given to ``import --format uima-cas`` (the one XML format newsspan reads, through dkpro-cassis and
lxml): an external entity naming a file outside the corpus (XXE) and nested entities that expand
exponentially ("billion laughs"), in the XMI file and in its TypeSystem.xml. Each is refused with a clear
problem, quickly and in bounded memory, and the file named by the entity is never read into the output."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, invoke

SECRET = "SECRET-MARKER-2c81e0"
LAUGHS = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's corpus exported as UIMA CAS XMI (one .xmi and TypeSystem.xml)."""
    out = tmp_path_factory.mktemp("xmi") / "export"
    result = invoke(["export", "--format", "uima-cas", "--root", REPO, "--out", out])
    assert result.exit_code == 0, result.output
    return out


def with_doctype(xml: str, doctype: str, place: str, entity: str) -> str:
    """``xml`` with a DOCTYPE after its declaration and ``&entity;`` right after the first ``place``."""
    head, body = xml.split("?>", 1)
    assert place in body
    return f"{head}?>\n<!DOCTYPE x [{doctype}]>{body.replace(place, place + f'&{entity};', 1)}"


def hostile_folder(exported: Path, tmp_path: Path, target: str, doctype: str, entity: str) -> Path:
    """A copy of the export whose ``target`` file ('xmi' or 'typesystem') carries the entity."""
    folder = tmp_path / "in"
    folder.mkdir()
    for path in exported.iterdir():
        text = path.read_text(encoding="utf-8")
        if (target == "xmi") == (path.suffix == ".xmi"):
            text = with_doctype(text, doctype, 'sofaString="' if target == "xmi" else "<name>webanno.", entity)
        (folder / path.name).write_text(text, encoding="utf-8")
    return folder


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # 2 GiB: an expanded bomb would need far more


@pytest.mark.parametrize("target", ["xmi", "typesystem"])
@pytest.mark.parametrize("attack", ["external-entity", "billion-laughs"])
def test_hostile_xml_is_refused_without_reading_the_entity(exported: Path, tmp_path: Path, target: str,
                                                           attack: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    doctype, entity = ((f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">', "xxe") if attack == "external-entity"
                       else (LAUGHS, "a9"))
    folder = hostile_folder(exported, tmp_path, target, doctype, entity)
    out = tmp_path / "imported"
    done = subprocess.run([sys.executable, "-m", "newsspan", "import", folder, "--format", "uima-cas", "--out", out,
                           "--json"], capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory,
                          env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
                          check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and SECRET not in done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert not report["ok"] and report["errors"], report
    assert all(error["code"].startswith("import-") and error["message"].startswith("expected ")
               for error in report["errors"]), report["errors"]
    assert not out.exists() or not any(SECRET in p.read_text(encoding="utf-8", errors="replace")
                                       for p in out.rglob("*") if p.is_file())
