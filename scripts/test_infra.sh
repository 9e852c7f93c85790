#!/usr/bin/env bash
# The AWS side (infra/healthnav.yaml): cfn-lint, then tests/infra/ — static
# checks of what moto does not model, the stack deployed into a moto server
# on 127.0.0.1, and the real gateway (deno task serve) calling it as the IAM
# user that holds only the template's policy.
# First use installs cfn-lint, moto and pytest, pinned in
# tests/infra/requirements.txt, into a venv under ~/.cache/healthnav-tools/;
# later runs reuse it until that file changes.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="${HEALTHNAV_TOOLS:-$HOME/.cache/healthnav-tools}"
VENV="$TOOLS/infra-venv"
REQUIREMENTS=tests/infra/requirements.txt
STAMP="$VENV/.requirements.sha256"
say() { echo "test_infra: $*" >&2; }

wanted="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$wanted" ]; then
  say "installing cfn-lint, moto[server] and pytest ($REQUIREMENTS) into $VENV"
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV"; then
    say "python3 cannot make a venv (./healthnav test installs Debian's python3-venv)"
    exit 1
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
  echo "$wanted" >"$STAMP"
fi

if ! command -v deno >/dev/null; then
  say "deno is missing (./healthnav test installs it)"
  exit 1
fi

echo "cfn-lint $("$VENV/bin/cfn-lint" --version | cut -d' ' -f2) infra/healthnav.yaml"
"$VENV/bin/cfn-lint" infra/healthnav.yaml

# No .pyc files or pytest cache in the work tree.
PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/python" -m pytest -p no:cacheprovider -q tests/infra/
