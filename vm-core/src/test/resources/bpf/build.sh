#!/usr/bin/env sh
# Rebuilds the committed test objects from their C sources (needs clang-19 and libbpf-dev),
# and the llvm-objdump-19 listings the assembler tests read back whole. clang's output is
# deterministic: an unchanged source rebuilds to the same bytes.
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-19}
OBJDUMP=${OBJDUMP:-llvm-objdump-19}
for src in *.c; do
  "$CLANG" -O2 -g -target bpf -mcpu=v4 -I/usr/include/"$(uname -m)"-linux-gnu -c "$src" -o "${src%.c}.o"
done
# With relocations (-r), so local calls into other sections are recognisable. all_opcodes both
# with --mcpu=v4 and without a CPU version, where llvm-objdump cannot decode its 32-bit atomics.
for obj in xdp_acl subprogs sock_filter; do
  "$OBJDUMP" -dr "$obj.o" > "$obj.listing"
done
"$OBJDUMP" -dr --mcpu=v4 all_opcodes.o > all_opcodes.listing
"$OBJDUMP" -dr all_opcodes.o > all_opcodes.nocpu.listing
