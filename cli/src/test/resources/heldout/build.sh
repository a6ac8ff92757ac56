#!/usr/bin/env sh
# Rebuilds the held-out XDP objects (needs clang-19 and libbpf-dev). These programs are kept
# out of the interpreter's development: only HeldOutKernelTest runs them, against the kernel.
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-19}
for src in *.c; do
  "$CLANG" -O2 -g -target bpf -mcpu=v3 -I/usr/include/"$(uname -m)"-linux-gnu -c "$src" -o "${src%.c}.o"
done
