#!/usr/bin/env bash
# Creates /work/main/.venv-pyref: a Python 3.11 venv with librosa + torch + torchaudio, used only to
# regenerate the audio reference fixtures (test/fixtures/audio) and by bench/python/seed_features.py.
# Idempotent: re-running only adds what is missing. Other engineers share this venv (e.g. for
# scikit-learn references), so it never removes or downgrades what is there beyond numpy<2.
#
# torchaudio is not on the local pip index, so torch + torchaudio come from Debian's
# python3-torch / python3-torchaudio (built for CPython 3.11 and numpy 1.x): only those packages
# (and their two tiny deps) are exposed to the venv through a .pth file, instead of all of
# Debian's site-packages. numpy is therefore held below 2.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-pyref"
PY_SYS="${PY_SYS:-/usr/bin/python3}"
DEB=/usr/lib/python3/dist-packages
PIP_INDEX=(--index-url file:///opt/pypi/simple --extra-index-url file:///opt/pypi-more/simple --find-links /opt/wheels)

if [ ! -x "$VENV/bin/python" ]; then
  "$PY_SYS" -m venv "$VENV"
fi
# keep the venv out of git without touching the repo's .gitignore
[ -f "$VENV/.gitignore" ] || echo '*' > "$VENV/.gitignore"

SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
SHIM="$VENV/system-torch"
if [ ! -e "$DEB/torch" ] || [ ! -e "$DEB/torchaudio" ]; then
  echo "scripts/pyref/setup.sh: Debian's torch is missing: sudo apt-get install python3-torch python3-torchaudio" >&2
  exit 1
fi
# the links are refreshed on every run (a first run before the apt packages were there left none)
mkdir -p "$SHIM"
for p in torch torchaudio functorch astunparse six.py; do
  if [ -e "$DEB/$p" ]; then ln -sfn "$DEB/$p" "$SHIM/$p"; fi
done
echo "$SHIM" > "$SITE/zz_pyref_system_torch.pth"

if ! "$VENV/bin/python" -c 'import librosa, soundfile, scipy' 2>/dev/null; then
  "$VENV/bin/python" -m pip install --disable-pip-version-check "${PIP_INDEX[@]}" \
    'librosa==0.11.0' 'numpy<2' soundfile
fi
"$VENV/bin/python" -c 'import librosa, torch, torchaudio, numpy; print("librosa", librosa.__version__, "torch", torch.__version__, "torchaudio", torchaudio.__version__, "numpy", numpy.__version__)'
