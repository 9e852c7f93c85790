#!/usr/bin/env bash
# Re-record tests/fixtures/sigv4/recorded.json from cases.json with both signers.
# Needs python3 (3.11 used) and node 20 + npm; installs pinned deps into this folder.
set -euo pipefail
cd "$(dirname "$0")"
[ -d .venv ] || python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
npm ci --no-fund --no-audit
.venv/bin/python record_botocore.py
node record_smithy.mjs
.venv/bin/python merge.py
