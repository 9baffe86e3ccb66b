"""Upload a built dataset folder to the Hugging Face Hub (``huggingface_hub``), or list what would go.

Before anything is uploaded the folder is checked: it must be a newsspan build, every file must
match ``SHA256SUMS``, and no loading script (``*.py``) may be in it (``datasets`` 4+ refuses them).
Credentials are ``huggingface_hub``'s own (``HF_TOKEN`` or ``hf auth login``); nothing is stored here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .features import MANIFEST, MARKER
from .manifest import is_build, verify_manifest

REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


class PublishError(ValueError):
    """The folder or the repo id is not fit to publish; the message says what was expected and found."""


@dataclass(frozen=True)
class UploadFile:
    """One file of a planned upload: its repo path and size in bytes."""

    path: str  # relative to the dataset folder, as it will appear in the repo
    size: int


def check_repo_id(repo_id: str) -> None:
    """Check ``repo_id`` has the Hub's ``OWNER/NAME`` form (at most 96 characters); raises PublishError if not."""
    if not REPO_ID.match(repo_id) or len(repo_id) > 96:
        raise PublishError(f"--repo-id: expected OWNER/NAME (letters, digits, '-', '_', '.'); found {repo_id!r}")


def upload_plan(dist: Path) -> list[UploadFile]:
    """The files that would be uploaded, after checking the folder is a complete, unmodified build."""
    if not dist.is_dir() or not is_build(dist):
        found = "no such folder" if not dist.exists() else "something else"
        raise PublishError(f"{dist}: expected a dataset folder made by `newsspan build` (with README.md, "
                           f"{MANIFEST} and {MARKER}); found {found}")
    scripts = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*.py"))
    if scripts:
        raise PublishError(f"{dist}: expected no Python files (datasets refuses loading scripts); "
                           f"found {', '.join(scripts)}")
    problems = verify_manifest(dist)
    if problems:
        found = "; ".join(f"{name} {problem}" for problem, name in problems)
        raise PublishError(f"{dist}: expected every file to match {MANIFEST} (rebuild with `newsspan build`); "
                           f"found {found}")
    return [UploadFile(p.relative_to(dist).as_posix(), p.stat().st_size)
            for p in sorted(dist.rglob("*")) if p.is_file() and p.relative_to(dist).as_posix() != MARKER]


def publish(dist: Path, repo_id: str, *, private: bool = False, message: str = "Upload newsspan dataset") -> str:
    """Create the dataset repo if needed and upload the folder in one commit; returns the commit URL."""
    from huggingface_hub import HfApi

    check_repo_id(repo_id)
    upload_plan(dist)
    api = HfApi()
    api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    # shards of an earlier upload that this build no longer has would be picked up by the data_files globs
    commit = api.upload_folder(repo_id=repo_id, repo_type="dataset", folder_path=str(dist), commit_message=message,
                               delete_patterns=["data/**"], ignore_patterns=[MARKER])
    return str(commit.commit_url if hasattr(commit, "commit_url") else commit)
