"""newsspan.reading: a regular file's bytes in full (one read when fstat's size holds); a run's FolderReader
reads as read_in_root does, each folder checked once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.reading import FolderReader, ReadRefused, read_in_root, read_regular


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=70_000))
def test_the_bytes_of_a_file_are_read_in_full(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("read") / "f.json"
    path.write_bytes(content)
    assert read_regular(str(path)) == content


def test_a_file_whose_size_says_zero_is_still_read_to_its_end():
    """Files of /proc report st_size 0 and hold bytes: the short first read is not taken for the end."""
    path = "/proc/self/maps"
    if not os.path.exists(path):
        pytest.skip("no /proc here (Linux only)")
    assert os.stat(path).st_size == 0
    found = read_regular(path)
    assert len(found) > 100 and found.endswith(b"\n")


def test_a_file_beyond_the_limit_is_refused_even_when_its_size_says_zero():
    path = "/proc/self/maps"
    if not os.path.exists(path):
        pytest.skip("no /proc here (Linux only)")
    with pytest.raises(ReadRefused) as refused:
        read_regular(path, limit=64)
    assert refused.value.code == "file-too-large"


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path):
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 100)
    with pytest.raises(ReadRefused) as refused:
        read_regular(str(path), limit=99)
    assert refused.value.code == "file-too-large" and "100 bytes" in refused.value.reason


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    """A root with annotations/a.json and a folder outside it with a.json of other bytes."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "annotations").mkdir(parents=True)
    outside.mkdir()
    (root / "annotations" / "a.json").write_bytes(b'{"inside": true}')
    (outside / "a.json").write_bytes(b'{"outside": true}')
    return root, outside


def _outcome(read, path: Path) -> bytes | tuple[str, str]:
    try:
        return read(str(path))
    except OSError as exc:
        return (getattr(exc, "code", type(exc).__name__), str(exc))


def test_the_folder_reader_answers_as_read_in_root_does(tmp_path: Path):
    """Plain files, links inside and out (of a file, of a folder), a missing file, a folder, a file named
    outside the root: the same bytes, or the same refusal with the same message."""
    root, outside = _tree(tmp_path)
    annotations = root / "annotations"
    (annotations / "inside-link.json").symlink_to(annotations / "a.json")
    (annotations / "outside-link.json").symlink_to(outside / "a.json")
    (annotations / "linked-folder").symlink_to(outside, target_is_directory=True)
    (annotations / "sub").mkdir()
    (annotations / "sub" / "b.json").write_bytes(b"[]")
    paths = [annotations / "a.json", annotations / "inside-link.json", annotations / "outside-link.json",
             annotations / "linked-folder" / "a.json", annotations / "missing.json", annotations / "sub",
             annotations / "sub" / "b.json", outside / "a.json", annotations / ".." / ".." / "outside" / "a.json"]
    with FolderReader(root) as files:
        found = [_outcome(files.read, path) for path in paths]
    expected = [_outcome(lambda p: read_in_root(p, root), path) for path in paths]
    assert found == expected
    assert found[0] == found[1] == b'{"inside": true}'
    assert found[2][0] == found[3][0] == "file-outside"


def test_a_folder_swapped_for_a_link_after_its_check_is_not_followed(tmp_path: Path):
    """The folder checked is the one read from for the rest of the run, whatever its path leads to later."""
    root, outside = _tree(tmp_path)
    with FolderReader(root) as files:
        assert files.read(str(root / "annotations" / "a.json")) == b'{"inside": true}'
        (root / "annotations").rename(root / "moved")
        (root / "annotations").symlink_to(outside, target_is_directory=True)
        assert files.read(str(root / "annotations" / "a.json")) == b'{"inside": true}'
    with pytest.raises(ReadRefused) as refused, FolderReader(root) as files:  # a new run checks it anew
        files.read(str(root / "annotations" / "a.json"))
    assert refused.value.code == "file-outside"


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open descriptors in /proc (Linux)")
def test_the_folder_reader_keeps_at_most_its_folders_open_and_closes_them(tmp_path: Path):
    root = tmp_path / "root"
    for n in range(5):
        (root / f"f{n}").mkdir(parents=True)
        (root / f"f{n}" / "x.json").write_bytes(str(n).encode())
    before = len(os.listdir("/proc/self/fd"))
    with FolderReader(root, keep=2) as files:
        for _ in range(2):
            assert [files.read(str(root / f"f{n}" / "x.json")) for n in range(5)] == [b"0", b"1", b"2", b"3", b"4"]
        assert len(os.listdir("/proc/self/fd")) <= before + 2
    assert len(os.listdir("/proc/self/fd")) == before
