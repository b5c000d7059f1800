#!/usr/bin/env bash
# Rebuild the vendored Bootstrap subset from the full files: keeps only the rules whose selectors
# name a class used somewhere in the project (PurgeCSS). Run from the repository root after
# `make install` (allauth's templates are read from .venv) whenever a template starts using a
# Bootstrap class the subset lacks; tests/ops/test_bootstrap_subset.py says which.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=static/vendor/bootstrap
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx --yes purgecss@6.0.0 --config scripts/purgecss.config.cjs \
  --css "$dir/bootstrap.min.css" "$dir/bootstrap.rtl.min.css" --output "$out"
# Bootstrap's own licence comment stays at the top (after @charset, which must come first).
cp "$out/bootstrap.min.css" "$dir/bootstrap.subset.min.css"
cp "$out/bootstrap.rtl.min.css" "$dir/bootstrap.subset.rtl.min.css"
wc -c "$dir"/bootstrap.subset*.css
