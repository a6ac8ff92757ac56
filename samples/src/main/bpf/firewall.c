// XDP firewall: the eBPF side of the ebpf-jvm firewall sample.
//
// Parses Ethernet, up to two 802.1Q/802.1ad VLAN tags, IPv4 (options, fragments) and IPv6
// (a bounded walk over hop-by-hop, routing, fragment, destination-options and AH headers),
// then TCP, UDP, ICMP and ICMPv6. A packet is judged in this order:
//
//   1. malformed (a header cut short or inconsistent)           -> XDP_DROP, reason MALFORMED
//   2. non-first fragment while drop_fragments is set           -> XDP_DROP, reason FRAGMENT
//   3. source address in blocklist_v4 / blocklist_v6 (LPM trie) -> XDP_DROP, reason BLOCKLIST
//   4. ACL hit (hash map, most specific tier first)             -> the rule's action
//   5. otherwise                                                -> default_action (.rodata)
//
// Non-IP frames (ARP, LLDP, ...) pass untouched. Blocklist and ACL hits, and default hits
// (rule 0), count packets and bytes in the per-CPU rule_stats array; every drop is reported
// through the drop_events ring buffer when report_drops is set.
//
// Rebuild with build.sh (clang-19 -O2 -g -target bpf); the object is committed next to it.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define MAX_VLAN_TAGS 2
#define MAX_IPV6_EXT 4
#define MAX_RULES 256

#define ETH_HLEN_ 14
#define P_8021Q 0x8100
#define P_8021AD 0x88a8

// IPv6 next-header values (linux/in6.h hides them behind glibc guards).
#define NEXT_HOPOPTS 0
#define NEXT_ROUTING 43
#define NEXT_FRAGMENT 44
#define NEXT_AH 51
#define NEXT_ICMPV6 58
#define NEXT_DSTOPTS 60

enum drop_reason {
    REASON_NONE = 0,
    REASON_BLOCKLIST = 1,
    REASON_ACL = 2,
    REASON_DEFAULT = 3,
    REASON_MALFORMED = 4,
    REASON_FRAGMENT = 5,
};

// ACL key. Addresses in network order (IPv4 in the first 4 bytes), ports in network order;
// for ICMP/ICMPv6 dport holds the type and sport the code. Lookups go from tier 0 (every
// field) to tier 3, each tier clearing more fields: tier 1 clears src and sport, tier 2 also
// dst and family, tier 3 also dport. "tcp any any any 22" is thus a tier-2 rule.
struct flow_key {
    __u8 src[16];
    __u8 dst[16];
    __u16 sport;
    __u16 dport;
    __u8 proto;
    __u8 family;   // 4 or 6; 0 in tiers 2 and 3
    __u8 tier;
    __u8 pad;
};

struct acl_value {
    __u32 rule_id;
    __u32 action;  // XDP_DROP or XDP_PASS
};

struct rule_counter {
    __u64 packets;
    __u64 bytes;
};

struct lpm_v4_key {
    __u32 prefixlen;
    __u8 addr[4];
};

struct lpm_v6_key {
    __u32 prefixlen;
    __u8 addr[16];
};

// One ring-buffer record per dropped packet (48 bytes).
struct drop_event {
    __u32 rule_id;
    __u8 reason;
    __u8 family;
    __u8 proto;
    __u8 vlan_tags;
    __u16 sport;
    __u16 dport;
    __u16 vlan_id;
    __u16 length;
    __u8 src[16];
    __u8 dst[16];
};

struct totals {
    __u64 packets;
    __u64 bytes;
    __u64 ipv4;
    __u64 ipv6;
    __u64 vlan;
    __u64 fragments;
    __u64 malformed;
    __u64 non_ip;
};

struct report_stats {
    __u64 sent;
    __u64 lost;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, struct flow_key);
    __type(value, struct acl_value);
} acl SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 1024);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct lpm_v4_key);
    __type(value, __u32);
} blocklist_v4 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 1024);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct lpm_v6_key);
    __type(value, __u32);
} blocklist_v6 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, MAX_RULES);
    __type(key, __u32);
    __type(value, struct rule_counter);
} rule_stats SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 20);
} drop_events SEC(".maps");

// Configuration, fixed at load time (.rodata).
const volatile __u32 default_action = XDP_PASS;
const volatile __u32 drop_fragments = 0;
const volatile __u32 report_drops = 1;

// Parser totals (.bss) and ring-buffer bookkeeping (.data), shared by all CPUs: atomic adds.
struct totals totals;
struct report_stats reports SEC(".data") = {};

struct packet {
    __u32 length;
    __u16 vlan_id;
    __u8 vlan_tags;
};

static __always_inline void report(const struct packet *pkt, const struct flow_key *flow, __u32 rule, __u8 reason)
{
    if (!report_drops)
        return;
    struct drop_event *e = bpf_ringbuf_reserve(&drop_events, sizeof(*e), 0);
    if (!e) {
        __sync_fetch_and_add(&reports.lost, 1);
        return;
    }
    e->rule_id = rule;
    e->reason = reason;
    e->family = flow->family;
    e->proto = flow->proto;
    e->vlan_tags = pkt->vlan_tags;
    e->sport = flow->sport;
    e->dport = flow->dport;
    e->vlan_id = pkt->vlan_id;
    e->length = pkt->length > 0xffff ? 0xffff : pkt->length;
    __builtin_memcpy(e->src, flow->src, 16);
    __builtin_memcpy(e->dst, flow->dst, 16);
    bpf_ringbuf_submit(e, 0);
    __sync_fetch_and_add(&reports.sent, 1);
}

static __always_inline int verdict(const struct packet *pkt, const struct flow_key *flow, __u32 rule,
                                   __u32 action, __u8 reason)
{
    __u32 index = rule;
    struct rule_counter *c = bpf_map_lookup_elem(&rule_stats, &index);
    if (c) {
        // Per-CPU value: this CPU is its only writer, no atomics needed.
        c->packets += 1;
        c->bytes += pkt->length;
    }
    if (action == XDP_DROP)
        report(pkt, flow, rule, reason);
    return action;
}

static __always_inline int ipv6_extension(__u8 next)
{
    return next == NEXT_HOPOPTS || next == NEXT_ROUTING || next == NEXT_DSTOPTS
        || next == NEXT_FRAGMENT || next == NEXT_AH;
}

static __always_inline int malformed(const struct packet *pkt)
{
    struct flow_key none = {};
    __sync_fetch_and_add(&totals.malformed, 1);
    report(pkt, &none, 0, REASON_MALFORMED);
    return XDP_DROP;
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct packet pkt = { .length = (__u32)(end - data) };
    struct flow_key flow = {};

    __sync_fetch_and_add(&totals.packets, 1);
    __sync_fetch_and_add(&totals.bytes, pkt.length);
    if (data + ETH_HLEN_ > end)
        return malformed(&pkt);

    __u16 proto = ((struct ethhdr *)data)->h_proto;
    void *l3 = data + ETH_HLEN_;
#pragma unroll
    for (int i = 0; i < MAX_VLAN_TAGS; i++) {
        if (proto != bpf_htons(P_8021Q) && proto != bpf_htons(P_8021AD))
            break;
        __u16 *tag = l3;
        if ((void *)(tag + 2) > end)
            return malformed(&pkt);
        if (i == 0)
            pkt.vlan_id = bpf_ntohs(tag[0]) & 0x0fff;
        pkt.vlan_tags++;
        proto = tag[1];
        l3 = tag + 2;
    }
    if (pkt.vlan_tags)
        __sync_fetch_and_add(&totals.vlan, 1);

    void *l4;
    int later_fragment = 0;
    if (proto == bpf_htons(ETH_P_IP)) {
        __u8 *ip = l3;
        if ((void *)(ip + 20) > end)
            return malformed(&pkt);
        __u32 ihl = ip[0] & 0x0f;
        if ((ip[0] >> 4) != 4 || ihl < 5)
            return malformed(&pkt);
        l4 = ip + ihl * 4;
        if (l4 > end)
            return malformed(&pkt);
        __sync_fetch_and_add(&totals.ipv4, 1);
        __u16 frag = bpf_ntohs(*(__u16 *)(ip + 6));
        if (frag & 0x3fff) {  // MF set or an offset: some fragment
            __sync_fetch_and_add(&totals.fragments, 1);
            later_fragment = (frag & 0x1fff) != 0;
        }
        flow.family = 4;
        flow.proto = ip[9];
        __builtin_memcpy(flow.src, ip + 12, 4);
        __builtin_memcpy(flow.dst, ip + 16, 4);
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        __u8 *ip6 = l3;
        if ((void *)(ip6 + 40) > end)
            return malformed(&pkt);
        if ((ip6[0] >> 4) != 6)
            return malformed(&pkt);
        __sync_fetch_and_add(&totals.ipv6, 1);
        __u8 next = ip6[6];
        __u8 *ext = ip6 + 40;
        int fragment = 0;
#pragma unroll
        for (int i = 0; i < MAX_IPV6_EXT; i++) {
            if (!ipv6_extension(next))
                break;
            if ((void *)(ext + 8) > end)
                return malformed(&pkt);
            __u8 this = next;
            next = ext[0];
            if (this == NEXT_FRAGMENT) {
                fragment = 1;
                later_fragment = (bpf_ntohs(*(__u16 *)(ext + 2)) & 0xfff8) != 0;
                ext += 8;
            } else if (this == NEXT_AH) {
                ext += ((__u32)ext[1] + 2) * 4;
            } else {
                ext += ((__u32)ext[1] + 1) * 8;
            }
        }
        // Still an extension header after the walk: more than we follow, refuse the packet.
        if (ipv6_extension(next))
            return malformed(&pkt);
        if ((void *)ext > end)
            return malformed(&pkt);
        if (fragment)
            __sync_fetch_and_add(&totals.fragments, 1);
        l4 = ext;
        flow.family = 6;
        flow.proto = next;
        __builtin_memcpy(flow.src, ip6 + 8, 16);
        __builtin_memcpy(flow.dst, ip6 + 24, 16);
    } else {
        __sync_fetch_and_add(&totals.non_ip, 1);
        return XDP_PASS;
    }

    if (later_fragment) {
        // No transport header in this fragment: classify by addresses and protocol alone.
        if (drop_fragments) {
            report(&pkt, &flow, 0, REASON_FRAGMENT);
            return XDP_DROP;
        }
    } else if (flow.proto == IPPROTO_TCP || flow.proto == IPPROTO_UDP) {
        __u16 *ports = l4;
        if ((void *)ports + (flow.proto == IPPROTO_TCP ? 20 : 8) > end)
            return malformed(&pkt);
        flow.sport = ports[0];
        flow.dport = ports[1];
    } else if ((flow.proto == IPPROTO_ICMP && flow.family == 4) || (flow.proto == NEXT_ICMPV6 && flow.family == 6)) {
        __u8 *icmp = l4;
        if ((void *)(icmp + 4) > end)
            return malformed(&pkt);
        flow.dport = bpf_htons(icmp[0]);
        flow.sport = bpf_htons(icmp[1]);
    }

    // Blocklist: longest matching source prefix.
    __u32 *blocked;
    if (flow.family == 4) {
        struct lpm_v4_key k = { .prefixlen = 32 };
        __builtin_memcpy(k.addr, flow.src, 4);
        blocked = bpf_map_lookup_elem(&blocklist_v4, &k);
    } else {
        struct lpm_v6_key k = { .prefixlen = 128 };
        __builtin_memcpy(k.addr, flow.src, 16);
        blocked = bpf_map_lookup_elem(&blocklist_v6, &k);
    }
    if (blocked)
        return verdict(&pkt, &flow, *blocked, XDP_DROP, REASON_BLOCKLIST);

    // ACL: the most specific tier that has a rule for this flow wins.
    struct flow_key key = flow;
    struct acl_value *rule = bpf_map_lookup_elem(&acl, &key);
    if (!rule) {
        __builtin_memset(key.src, 0, 16);
        key.sport = 0;
        key.tier = 1;
        rule = bpf_map_lookup_elem(&acl, &key);
    }
    if (!rule) {
        __builtin_memset(key.dst, 0, 16);
        key.family = 0;
        key.tier = 2;
        rule = bpf_map_lookup_elem(&acl, &key);
    }
    if (!rule) {
        key.dport = 0;
        key.tier = 3;
        rule = bpf_map_lookup_elem(&acl, &key);
    }
    if (rule) {
        __u32 action = rule->action == XDP_DROP ? XDP_DROP : XDP_PASS;
        return verdict(&pkt, &flow, rule->rule_id, action, REASON_ACL);
    }
    __u32 action = default_action == XDP_DROP ? XDP_DROP : XDP_PASS;
    return verdict(&pkt, &flow, 0, action, REASON_DEFAULT);
}

char LICENSE[] SEC("license") = "GPL";
