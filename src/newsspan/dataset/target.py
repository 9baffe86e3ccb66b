"""Where a build may be written, and how a finished build replaces an earlier one.

``build --out`` writes into a staging folder next to ``out`` (marked as a newsspan build before
anything else is written) and renames it into place when it is complete. It replaces only a folder
newsspan built itself, recognised by the marker file; never the corpus root, a folder containing
it, ``annotations/``, ``seeds/``, or anything that is not a directory -- ``force`` does not lift
these rules (it only allows replacing a marked build that holds files the build did not write).
The finished build is swapped in with one atomic exchange where the system has it (Linux), so ``out`` holds
the earlier build or the new one at every instant; elsewhere the earlier build is moved aside first, and a
build killed between the two moves leaves it aside: the next build to the same ``out`` puts it back before
anything else. Staging folders left by a killed build are removed by the next build to the same ``out``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..corpus import Corpus
from ..files import NO_SPACE, exchange, process_alive
from ..validation.problems import printable
from .features import MARKER
from .manifest import UNLISTED, has_marker, is_build, listed_files, read_manifest, write_marker


class BuildError(Exception):
    """A build cannot be written where asked, or writing it failed; the message names the folder and why."""


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _real(path: Path) -> Path:
    """``path`` with symbolic links resolved (not ``Path.resolve()``, which raises RuntimeError on a loop)."""
    return Path(os.path.realpath(path))


def check_out(out: Path, root: Path, *, force: bool = False) -> None:
    """Raise :class:`BuildError` unless a build may be written to ``out`` for the corpus at ``root``."""
    try:
        str(out.absolute()).encode("utf-8")
    except UnicodeEncodeError:
        raise BuildError(f"{printable(str(out))}: expected a folder path in UTF-8 (the Parquet writer takes no other); "
                         "found bytes that are not UTF-8 (shown as \\xNN)") from None
    if out.is_symlink():
        raise BuildError(f"{out}: is a symbolic link; expected a directory written by newsspan build, or nothing")
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out}: exists and is not a directory; refusing to replace it")
    target, root = _real(out), _real(root)
    if _inside(root, target):
        raise BuildError(f"{out}: is the corpus root or contains it ({root}); refusing to build there "
                         "(choose a folder such as dist/newsspan; --force does not override this)")
    protected = Corpus(root).holding_folder(out)
    if protected is not None:
        raise BuildError(f"{out}: lies in the corpus's {protected.name}/ folder; refusing to build there "
                         "(--force does not override this)")
    if not out.exists() or not any(out.iterdir()):
        return
    if not has_marker(out):
        raise BuildError(f"{out}: exists and is not a folder newsspan built (it has no {MARKER} marker); refusing "
                         "to replace it (move it away or choose another --out; --force does not override this)")
    foreign = _foreign_files(out)
    if foreign and not force:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise BuildError(f"{out}: is a newsspan build but holds files the build did not write ({shown}); refusing "
                         "to replace it (use --force to replace it anyway)")


def _foreign_files(folder: Path) -> list[str]:
    """Files of a marked build that its manifest does not list (added after the build)."""
    try:
        listed = set(read_manifest(folder)) | set(UNLISTED)
    except (OSError, UnicodeDecodeError):
        listed = set(UNLISTED)
    return [name for name in listed_files(folder) if name not in listed]


def _owner(name: str, prefix: str) -> int | None:
    """The process id in a staging name ``<prefix><pid>-...`` or ``<prefix><pid>``."""
    digits = name[len(prefix):].split("-", 1)[0]
    return int(digits) if name.startswith(prefix) and digits.isdigit() else None


def remove_stale_staging(out: Path) -> list[Path]:
    """Remove staging and old-build folders of ``out`` left by builds that were killed; returns them.

    Only folders whose process is gone are removed, and only when marked (or still empty: killed before the
    marker was written).
    """
    removed = []
    if not out.parent.is_dir():
        return removed
    for entry in out.parent.iterdir():
        for prefix in (f".{out.name}.build-", f".{out.name}.old-"):
            pid = _owner(entry.name, prefix)
            if pid is None or process_alive(pid) or not entry.is_dir() or entry.is_symlink():
                continue
            if has_marker(entry):
                remove_build(entry)
            elif not any(entry.iterdir()):
                entry.rmdir()
            else:
                continue
            removed.append(entry)
    return removed


def staging_folder(out: Path) -> Path:
    """A fresh marked folder next to ``out`` (same file system, so the final move is a rename)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.build-{os.getpid()}-"))
    except OSError as exc:
        raise BuildError(f"{out}: cannot create a folder next to it ({exc.strerror or exc})") from None
    try:
        write_marker(staging)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise write_error(out, exc) from None
    return staging


def write_error(out: Path, exc: OSError) -> BuildError:
    """A clear error for a failed write (disk full, size limit, permissions), saying ``out`` was not changed."""
    reason = exc.strerror or str(exc)
    if getattr(exc, "errno", None) in NO_SPACE or "No space left" in str(exc) or "File too large" in str(exc):
        return BuildError(f"{out}: no room to write the build (disk full or file size limit: {reason}); "
                          f"nothing was changed in {out}")
    return BuildError(f"{out}: writing the build failed ({reason}); nothing was changed in {out}")


def _publishable_modes(folder: Path) -> None:
    """Ordinary permissions (temp folders and files are created private): 0755/0644 under the umask."""
    umask = os.umask(0)
    os.umask(umask)
    for path in [folder, *folder.rglob("*")]:
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def replace_folder(staging: Path, out: Path) -> None:
    """Move a finished build into place, replacing what is at ``out`` (checked by :func:`check_out`).

    One atomic exchange where the system has it; otherwise two renames, the earlier build moved aside first
    (:func:`restore_moved_aside` puts it back if the process dies between them).
    """
    _publishable_modes(staging)
    if not out.exists():
        staging.rename(out)
    elif exchange(staging, out):  # staging now holds the earlier build
        remove_build(staging)
    else:
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        staging.rename(out)
        remove_build(old)


def restore_moved_aside(out: Path) -> Path | None:
    """Put back at ``out`` the earlier build that a killed build moved aside (two-rename replacement) before moving
    its own in; returns the folder it came from. Only when ``out`` is missing and the folder is a whole build
    (marker, card and manifest, every listed file present) of a process that is gone."""
    if out.exists() or out.is_symlink() or not out.parent.is_dir():
        return None
    prefix = f".{out.name}.old-"
    for entry in sorted(out.parent.iterdir()):
        pid = _owner(entry.name, prefix)
        if pid is None or process_alive(pid) or entry.is_symlink() or not _whole_build(entry):
            continue
        try:
            entry.rename(out)
        except OSError as exc:
            raise BuildError(f"{out}: cannot put back the earlier build that a killed build left at {entry} "
                             f"({exc.strerror or exc}); move it back by hand") from None
        return entry
    return None


def _whole_build(folder: Path) -> bool:
    """A finished build none of whose listed files is missing (a removal cut short takes files away first)."""
    try:
        return is_build(folder) and set(read_manifest(folder)) <= set(listed_files(folder))
    except (OSError, UnicodeDecodeError):
        return False


def remove_build(folder: Path) -> None:
    """Remove a marked build folder, its marker last: a removal cut short by a kill leaves a folder that is still
    recognised as newsspan's (and removed by the next build), never an unmarked one that nothing may remove."""
    for entry in folder.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    folder.rmdir()
