#!/usr/bin/env bash
# Install everything the test suite needs and run it: the README's test command and what CI runs.
#   - Debian's chromium for the review-page browser tests (installed with apt-get when running as root);
#   - a C compiler for the validation speedups (Debian's gcc, likewise, when none is there);
#   - a virtual environment .venv with newsspan[dev];
#   - ruff, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian's chromium (browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: install it (sudo apt-get install chromium) and run again" >&2
    exit 1
  fi
fi

# The C speedups of validation are built at install (tests/test_speedups.py checks they are): a C compiler.
if ! command -v cc >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing Debian's gcc (the C speedups of validation)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq gcc libc6-dev >/dev/null
  else
    echo "no C compiler: install one (sudo apt-get install gcc) and run again" >&2
    exit 1
  fi
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
echo "== installing newsspan[dev] into .venv"
.venv/bin/python -m pip install -q --upgrade pip
# [train] asks for torch>=2.2: take the CPU build first where one is at hand (pip would otherwise pick a
# multi-GB CUDA build); any torch that satisfies the range is kept as it is.
.venv/bin/python -m pip show -q torch >/dev/null 2>&1 || .venv/bin/python -m pip install -q 'torch==2.13.0' \
  || echo "note: no CPU torch 2.13.0 here; pip chooses a torch for [train]"
.venv/bin/python -m pip install -q -e '.[dev]'

echo "== ruff"
.venv/bin/ruff check --no-cache src tests scripts benchmarks

echo "== pytest"
export HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1
exec .venv/bin/python -m pytest -p no:cacheprovider "$@"  # no .pytest_cache in the repository
