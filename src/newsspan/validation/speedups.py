"""The compiled fast paths of validation (``_speedups.c``), when the package was built with a C compiler.

``speedups`` is the extension module, or None: then every fast path falls back to its Python reference,
with the same results (validation about 1.8x slower). :data:`COMPILED` says which; the wheel's build hook
(``scripts/hatch_build.py``) builds it where a C compiler is at hand.
"""

from __future__ import annotations

from types import ModuleType

import orjson

speedups: ModuleType | None
try:
    from . import _speedups as speedups
except ImportError:  # pragma: no cover - depends on the installation
    speedups = None
else:
    # orjson hands out one str object per key (its key cache): looked up by those objects, keys match by identity
    speedups.use_keys(orjson.loads(orjson.dumps(dict.fromkeys(speedups.KEY_NAMES))))

#: Whether the compiled fast paths are installed.
COMPILED = speedups is not None
