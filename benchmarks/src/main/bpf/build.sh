#!/usr/bin/env sh
# Rebuilds the benchmark programs into ../resources/bpf (needs clang-19 and libbpf-dev), and the
# cBPF filter text with tcpdump. The objects are committed, so benchmarks run without clang.
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-19}
OUT=../resources/bpf
mkdir -p "$OUT" ../resources/cbpf
for src in ethertype acl lpm csum hash; do
  "$CLANG" -O2 -g -target bpf -mcpu=v3 -I/usr/include/"$(uname -m)"-linux-gnu -c "$src.c" -o "$OUT/$src.o"
done
if command -v tcpdump >/dev/null; then
  tcpdump -dd 'ip and tcp dst port 80 or udp port 53' 2>/dev/null > ../resources/cbpf/web_dns.txt
fi
