#!/usr/bin/env sh
# Rebuilds the samples' eBPF objects from their C sources (needs clang-19 and libbpf-dev) into
# the jar's resources, where the committed copies live so the samples run without clang.
# clang's output is deterministic: an unchanged source rebuilds to the same bytes.
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-19}
OUT=../resources/io/ebpfjvm/samples
mkdir -p "$OUT/firewall"
build() {
  "$CLANG" -O2 -g -target bpf -fdebug-compilation-dir=. -I/usr/include/"$(uname -m)"-linux-gnu -c "$1" -o "$2"
}
build firewall.c "$OUT/firewall/firewall.o"
build port_filter.c "$OUT/port_filter.o"
