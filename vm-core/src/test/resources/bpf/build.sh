#!/usr/bin/env sh
# Rebuilds the committed test objects from their C sources (needs clang-19 and libbpf-dev).
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-19}
for src in *.c; do
  "$CLANG" -O2 -g -target bpf -mcpu=v4 -I/usr/include/"$(uname -m)"-linux-gnu -c "$src" -o "${src%.c}.o"
done
