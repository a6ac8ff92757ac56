#!/usr/bin/env sh
# Regenerates filterNN.txt from the expression on each file's first line (needs tcpdump).
set -eu
cd "$(dirname "$0")"
for f in filter*.txt; do
  expr=$(head -n 1 "$f" | sed 's/^# //')
  { echo "# $expr"; tcpdump -dd -y EN10MB "$expr"; } > "$f.new" && mv "$f.new" "$f"
done
