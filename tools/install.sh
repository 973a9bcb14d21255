#!/usr/bin/env bash
# Install the verified OpenMMLab stack and mmkd_ext (editable) from the package registries.
#
#   bash tools/install.sh                       # creates/uses ./.venv
#   MMKD_USE_ACTIVE_ENV=1 bash tools/install.sh # installs into the active Python environment
#
# Environment:
#   MMKD_VENV          where the venv lives (default: <repo>/.venv)
#   MMKD_PYTHON        interpreter that creates the venv (default: python3.11, else python3)
#   MMKD_WHEEL_CACHE   where the mmcv wheel built with CPU ops is cached
#                      (default: ~/.cache/mmkd_ext/wheels; <repo>/../shared/wheels is read too)
#   MAX_JOBS           parallel compile jobs for the mmcv build (default: number of cores)
#
# Re-running is idempotent: when the requirement files, setup.py and the venv are unchanged
# since the last successful run, the script only verifies the imports and exits.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
t0=$(date +%s)
say() { echo "[install $(( $(date +%s) - t0 ))s] $*"; }

MMCV_VERSION=2.1.0
WHEEL_CACHE=${MMKD_WHEEL_CACHE:-$HOME/.cache/mmkd_ext/wheels}

if [ "${MMKD_USE_ACTIVE_ENV:-0}" = "1" ]; then
  PY=$(command -v python)
  say "using the active environment: $PY"
else
  VENV=${MMKD_VENV:-$REPO/.venv}
  if [ ! -x "$VENV/bin/python" ]; then
    BASE_PY=${MMKD_PYTHON:-$(command -v python3.11 || command -v python3)}
    say "creating $VENV with $BASE_PY"
    "$BASE_PY" -m venv "$VENV"
  fi
  PY=$VENV/bin/python
fi
PIP=("$PY" -m pip --disable-pip-version-check)

if ! "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "error: the verified stack needs CPython 3.11 (torch 2.14.1 / mmcv wheels are cp311);" \
       "got $("$PY" --version 2>&1). Set MMKD_PYTHON to a 3.11 interpreter." >&2
  exit 1
fi

# The stamp records what the last successful install was made from.
STAMP_FILE=$("$PY" -c 'import sys; print(sys.prefix)')/.mmkd_ext_install_stamp
stamp=$(cat requirements/*.txt setup.py tools/install.sh | sha256sum | cut -d' ' -f1)
verify() {
  "$PY" - <<'PYEOF'
import mmkd_ext  # noqa: F401  (imports the compat layer first)
import mmcv, mmcv.ops, mmengine, mmpretrain, mmagic, mmrazor  # noqa: F401
import mmagic.models, mmpretrain.models, mmrazor.models  # noqa: F401
print(f'[install] mmkd_ext {mmkd_ext.__version__}: mmengine {mmengine.__version__}, '
      f'mmcv {mmcv.__version__} (ops), mmpretrain {mmpretrain.__version__}, '
      f'mmagic {mmagic.__version__}, mmrazor {mmrazor.__version__}')
PYEOF
}
if [ -f "$STAMP_FILE" ] && [ "$(cat "$STAMP_FILE")" = "$stamp" ] && verify 2>/dev/null; then
  say "up to date"
  exit 0
fi

say "torch"
"${PIP[@]}" install -q -r requirements/torch.txt
say "build tooling"
"${PIP[@]}" install -q -r requirements/build.txt

say "OpenMMLab packages"
"${PIP[@]}" install -q -r requirements/runtime.txt
"${PIP[@]}" install -q --no-deps -r requirements/mmagic.txt

# mmcv 2.1.0 with compiled CPU ops: mmagic imports mmcv.ops unconditionally, and the only
# mmcv release that mmagic 1.2 (< 2.2) and mmrazor 1.0 (<= 2.1) both accept is 2.1.0.
# Prebuilt wheels on PyPI stop before torch 2.x of this age, so the ops are compiled here.
mmcv_ops_ok() {
  "$PY" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '$MMCV_VERSION'" 2>/dev/null
}
install_mmcv_wheel() {
  local whl
  for dir in "$WHEEL_CACHE" "$REPO/../shared/wheels"; do
    for whl in "$dir"/mmcv-"$MMCV_VERSION"-cp311-*.whl; do
      [ -f "$whl" ] || continue
      say "mmcv from cached wheel $whl"
      "${PIP[@]}" install -q --no-deps --force-reinstall "$whl" && mmcv_ops_ok && return 0
      say "cached wheel $whl does not load against this torch; trying the next one"
    done
  done
  return 1
}
if mmcv_ops_ok; then
  say "mmcv $MMCV_VERSION with ops already installed"
elif ! install_mmcv_wheel; then
  say "building mmcv $MMCV_VERSION with CPU ops from its source release (about 5-15 min)"
  build=$(mktemp -d)
  "${PIP[@]}" download -q --no-deps --no-binary :all: --no-build-isolation \
    "mmcv==$MMCV_VERSION" -d "$build"
  tar xzf "$build/mmcv-$MMCV_VERSION.tar.gz" -C "$build"
  # torch >= 2.10 headers require C++20; mmcv 2.1.0's setup.py hard-codes -std=c++17.
  sed -i "s/'-std=c++17'/'-std=c++20'/g" "$build/mmcv-$MMCV_VERSION/setup.py"
  grep -q "c++20" "$build/mmcv-$MMCV_VERSION/setup.py"
  mkdir -p "$WHEEL_CACHE"
  MMCV_WITH_OPS=1 FORCE_CUDA=0 MAX_JOBS=${MAX_JOBS:-$(nproc)} CFLAGS="-O3 -g0 -DNDEBUG -fwrapv" \
    "${PIP[@]}" wheel -q --no-build-isolation --no-deps "$build/mmcv-$MMCV_VERSION" -w "$WHEEL_CACHE"
  rm -rf "$build"
  install_mmcv_wheel
fi

say "mmkd_ext (editable) and test tools"
"${PIP[@]}" install -q --no-deps --no-build-isolation -e .
"${PIP[@]}" install -q -r requirements/tests.txt
verify
echo "$stamp" > "$STAMP_FILE"
say "done"
