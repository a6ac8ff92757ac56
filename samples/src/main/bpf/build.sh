#!/usr/bin/env sh
# Rebuilds the firewall sample's eBPF object from firewall.c (needs clang-19 and libbpf-dev)
# into the jar's resources, where the committed copy lives so the demo runs without clang.
# clang's output is deterministic: an unchanged source rebuilds to the same bytes.
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-19}
OUT=../resources/io/ebpfjvm/samples/firewall
mkdir -p "$OUT"
"$CLANG" -O2 -g -target bpf -I/usr/include/"$(uname -m)"-linux-gnu -c firewall.c -o "$OUT/firewall.o"
