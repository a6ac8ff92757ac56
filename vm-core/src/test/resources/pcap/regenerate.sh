#!/usr/bin/env sh
# Regenerates the committed captures. Run from vm-core after `mvn test-compile`:
#   src/test/resources/pcap/regenerate.sh
# sample-le-micro.pcap and sample-be-nano.pcap come from our PcapWriter (SampleCaptures.main);
# the tcpdump-*.pcap files are what `tcpdump -w` writes after reading those back.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../../.."
java -cp target/classes:target/test-classes io.ebpfjvm.core.pcap.SampleCaptures "$here"
cd "$here"
tcpdump -r sample-le-micro.pcap -w tcpdump-micro.pcap
tcpdump --time-stamp-precision=nano -r sample-be-nano.pcap -w tcpdump-nano.pcap
