#!/usr/bin/env bash
# make demo: the main job on the bundled demo data.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/securescore}
"$bin" validate examples/data
