#!/usr/bin/env sh
# Regenerates filterNN.txt: line 1 is "# EXPR", the rest is `tcpdump -dd -y EN10MB EXPR`.
# Run from anywhere with tcpdump installed; add a filter by adding its expression below.
set -eu
cd "$(dirname "$0")"
n=0
while IFS= read -r expr; do
  [ -z "$expr" ] && continue
  n=$((n + 1))
  f=$(printf 'filter%02d.txt' "$n")
  { echo "# $expr"; tcpdump -dd -y EN10MB "$expr"; } > "$f.new" && mv "$f.new" "$f"
done <<'LIST'
ip
tcp port 80
udp and dst port 53
ip6
vlan and tcp
net 10.0.0.0/8
tcp[tcpflags] & tcp-syn != 0
icmp
not arp
ip[6:2] & 0x1fff = 0
tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420
ip[2:2] / ip[8] > 3
ip[2:2] % 7 = 1
len > 100 and len <= 300
ether broadcast
ether multicast and not ip6
portrange 1000-2000
ip6 and udp port 53
ip and (ip[1] << (ip[9] & 7)) - ip[8] > 1000
ip and ip[8] * 3 ^ ip[13] | 1 != 0x81 and -ip[15] & 0xff00 = 0xff00
LIST
# The -ddd (decimal) form of filter02, for the parser's tests.
tcpdump -ddd -y EN10MB "tcp port 80" > filter02.ddd
