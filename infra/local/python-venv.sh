#!/usr/bin/env bash
# Creates or reuses a Python virtual environment for benchmark and compatibility anchors (LightGBM,
# scikit-learn, mlflow-skinny, ...) and prints its path on stdout. Python is never part of the product.
#   infra/local/python-venv.sh NAME 'lightgbm==4.6.0' 'numpy==2.2.6'
#   "$(infra/local/python-venv.sh bench 'lightgbm==4.6.0')/bin/python" bench/train.py
# Idempotent: pip runs only when the requirement list differs from the one the venv was built with.
set -euo pipefail

die() { printf '[python-venv] ERROR: %s\n' "$*" >&2; exit 1; }

(($# >= 2)) || die "usage: $0 NAME REQUIREMENT==VERSION..."
name=$1; shift
[[ $name =~ ^[a-z0-9][a-z0-9_-]*$ ]] || die "NAME must be lowercase letters, digits, - or _ (got '$name')"
for requirement in "$@"; do
  # Pinned only: anchors measured today must be the anchors measured next month.
  [[ $requirement == *==* ]] || die "requirement '$requirement' is not pinned (use name==version)"
done

cache_dir=${PAYMENTS_MLOPS_CACHE:-$HOME/.cache/payments-mlops}
venv=$cache_dir/venv-$name
stamp=$venv/.requirements
mkdir -p "$cache_dir"

want=$({ python3 --version; printf '%s\n' "$@" | sort; } 2>&1)

exec 8>"$cache_dir/venv-$name.lock"
flock -w 900 8 || die "timed out waiting for $cache_dir/venv-$name.lock"

if [[ -f $stamp && $(cat "$stamp") == "$want" && -x $venv/bin/python ]]; then
  echo "$venv"
  exit 0
fi

if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
  printf '[python-venv] apt-get install python3-venv\n' >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi

[[ -x $venv/bin/python ]] || python3 -m venv "$venv" >&2
rm -f "$stamp"
printf '[python-venv] pip install into %s: %s\n' "$venv" "$*" >&2
PIP_CACHE_DIR=$cache_dir/pip PIP_DISABLE_PIP_VERSION_CHECK=1 \
  "$venv/bin/pip" install -q "$@" >&2 || die "pip install failed for venv '$name'"
echo "$want" >"$stamp"
echo "$venv"
