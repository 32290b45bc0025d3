#!/usr/bin/env bash
# Makes the reference fixture of `harmonizer import-keras` with the seed's Keras code under tensorflow-cpu.
# Not run in CI: it installs TensorFlow (~600 MB) into a virtual environment.
#
#   scripts/keras-fixture/make-fixture.sh OUT_DIR [make-fixture.py flags...]
#   TFJS_CONVERTER=1 GZIP_FIXTURE=1 scripts/keras-fixture/make-fixture.sh tests/fixtures/keras \
#     --sample-rate 16 --hidden 2,4,8,16 --train-steps 1
#       the committed test fixture (see README "Keras import")
#   scripts/keras-fixture/make-fixture.sh /tmp/seed-full
#       the full seed model: 22050 Hz, 399,890,460 parameters, a 1.6 GB seed.h5; about 8 GB of RAM
#
# Environment: KERAS_FIXTURE_VENV (default .work/keras-venv) is where the virtual environment is made or reused;
# TFJS_CONVERTER=1 also writes OUT_DIR/tfjs/, the model converted by tensorflowjs_converter; GZIP_FIXTURE=1 then
# gzips seed.h5 and tfjs/model.json (HDF5's per-layer headers make the small fixture 3 MB raw, 0.35 MB gzipped).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 OUT_DIR [--sample-rate N] [--hidden A,B,C,D] [--train-steps N] [--batch N] [--seed N]" >&2
  exit 2
fi
out="$1"
shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${KERAS_FIXTURE_VENV:-.work/keras-venv}"

# The versions known to run the seed's code (tensorflow-cpu 2.15.1 wants Python 3.9-3.11).
if [[ ! -x "$venv/bin/python" ]]; then
  python="$(command -v python3.11 || command -v python3)"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet tensorflow-cpu==2.15.1 h5py
fi
"$venv/bin/python" "$here/make-fixture.py" --out "$out" "$@"

if [[ "${TFJS_CONVERTER:-0}" == "1" ]]; then
  # Without --no-deps pip upgrades TensorFlow to 2.19; these are the converter's needs at 2.15.
  if [[ ! -x "$venv/bin/tensorflowjs_converter" ]]; then
    "$venv/bin/pip" install --quiet --no-deps tensorflowjs==4.22.0
    "$venv/bin/pip" install --quiet tf-keras==2.15.1 tensorflow-hub==0.16.1 tensorflow_decision_forests==1.8.1 \
      jax==0.4.26 jaxlib==0.4.26
  fi
  rm -rf "$out/tfjs"
  "$venv/bin/tensorflowjs_converter" --input_format keras "$out/seed.h5" "$out/tfjs"
fi

if [[ "${GZIP_FIXTURE:-0}" == "1" ]]; then
  gzip -9nf "$out/seed.h5"
  if [[ -f "$out/tfjs/model.json" ]]; then gzip -9nf "$out/tfjs/model.json"; fi
fi
