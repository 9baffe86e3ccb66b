"""newsspan.reading.read_regular: a regular file's bytes in full, in one read when fstat's size holds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.reading import ReadRefused, read_regular


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
