"""Hatch build hook: compiles newsspan's C speedups (``src/newsspan/validation/_speedups.c``) into the wheel.

An editable install builds the extension next to its source (``src/`` is what the install imports); a
wheel carries it. Where no C compiler is at hand the wheel is built without it, with a warning: validation
then runs its Python reference code (same results, slower). ``NEWSSPAN_NO_SPEEDUPS=1`` skips it on purpose.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

EXTENSION = "newsspan.validation._speedups"
SOURCE = "src/newsspan/validation/_speedups.c"


def compile_extension(root: Path) -> Path:
    """Build the extension in place under ``root/src`` with setuptools' compiler settings; its path."""
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    cwd = Path.cwd()
    os.chdir(root)  # setuptools takes sources and the in-place target relative to the project
    try:
        digest = hashlib.sha256(Path(SOURCE).read_bytes()).hexdigest()  # the module says which source it was built from
        extension = Extension(EXTENSION, [SOURCE], extra_compile_args=["-O2"],
                              define_macros=[("SPEEDUPS_SOURCE_SHA256", f'"{digest}"')])
        dist = Distribution({"name": "newsspan", "package_dir": {"": "src"}, "ext_modules": [extension]})
        command = build_ext(dist)
        command.inplace = True
        with tempfile.TemporaryDirectory() as temp:
            command.build_temp = command.build_lib = temp  # object files and the first copy: not left in the project
            command.ensure_finalized()
            command.run()
        return root / command.get_ext_fullpath(EXTENSION)
    finally:
        os.chdir(cwd)


class SpeedupsHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile the speedups for wheels (standard and editable); never fail the build for them."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("NEWSSPAN_NO_SPEEDUPS") == "1":
            return
        try:
            built = compile_extension(Path(self.root))
        except Exception as exc:  # no compiler, no headers, no setuptools: the pure-Python package still works
            self.app.display_warning(f"newsspan: C speedups not built ({type(exc).__name__}: {exc}); "
                                     "validation runs its Python code (same results, slower)")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            build_data["force_include"][str(built)] = f"newsspan/validation/{built.name}"
