package io.ebpfjvm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic benchmark traffic: a pool of flows and frames drawn from it. The protocol mix
 * is 80% IPv4 (TCP 55%, UDP 35% of which a third is DNS, ICMP 10%), 12% IPv6 UDP/TCP, 5% ARP
 * and 3% other ethertypes; a few IPv4 frames are fragments. Same seed, same bytes.
 */
public final class Traffic {
    /** Frames per batch; a benchmark invocation classifies all of them. */
    public static final int BATCH = 1024;

    private final List<Flow> flows;
    private final byte[][] frames;

    private Traffic(List<Flow> flows, byte[][] frames) {
        this.flows = flows;
        this.frames = frames;
    }

    /** The IPv4 flows the frames were drawn from (rules are made from these). */
    public List<Flow> flows() {
        return flows;
    }

    public byte[][] frames() {
        return frames;
    }

    public static Traffic generate(PacketMix mix, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Flow> flows = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            int roll = random.nextInt(100);
            int proto = roll < 55 ? 6 : roll < 90 ? 17 : 1;
            int dport = proto == 1 ? 0 : switch (random.nextInt(6)) {
                case 0 -> 80;
                case 1 -> 443;
                case 2 -> 53;
                default -> 1024 + random.nextInt(60000);
            };
            int sport = proto == 1 ? 0 : 1024 + random.nextInt(60000);
            int src = 0x0a000000 | random.nextInt(1 << 20);
            int dst = 0xc0a80000 | random.nextInt(1 << 16);
            flows.add(new Flow(src, dst, sport, dport, proto));
        }
        byte[][] frames = new byte[BATCH][];
        for (int i = 0; i < BATCH; i++) {
            byte[] frame = new byte[mix.frameLength(random)];
            for (int b = 14; b < frame.length; b++) {
                frame[b] = (byte) random.nextInt(256);
            }
            int roll = random.nextInt(100);
            if (roll < 80) {
                ipv4(frame, flows.get(random.nextInt(flows.size())), random.nextInt(50) == 0);
            } else if (roll < 92) {
                ipv6(frame, random);
            } else if (roll < 97) {
                ethertype(frame, 0x0806);
            } else {
                ethertype(frame, 0x88cc);
            }
            frames[i] = frame;
        }
        return new Traffic(List.copyOf(flows), frames);
    }

    private static void ethertype(byte[] frame, int type) {
        for (int i = 0; i < 12; i++) {
            frame[i] = (byte) (i < 6 ? 0x02 : 0x04);
        }
        frame[12] = (byte) (type >>> 8);
        frame[13] = (byte) type;
    }

    private static void ipv4(byte[] frame, Flow flow, boolean fragment) {
        ethertype(frame, 0x0800);
        int ip = 14;
        int total = frame.length - ip;
        frame[ip] = 0x45;
        frame[ip + 1] = 0;
        frame[ip + 2] = (byte) (total >>> 8);
        frame[ip + 3] = (byte) total;
        frame[ip + 6] = (byte) (fragment ? 0x00 : 0x40);
        frame[ip + 7] = (byte) (fragment ? 0x10 : 0x00);
        frame[ip + 8] = 64;
        frame[ip + 9] = (byte) flow.proto();
        Flow.putBe32(frame, ip + 12, flow.src());
        Flow.putBe32(frame, ip + 16, flow.dst());
        int l4 = ip + 20;
        if (flow.proto() == 6 || flow.proto() == 17) {
            frame[l4] = (byte) (flow.sport() >>> 8);
            frame[l4 + 1] = (byte) flow.sport();
            frame[l4 + 2] = (byte) (flow.dport() >>> 8);
            frame[l4 + 3] = (byte) flow.dport();
        }
    }

    private static void ipv6(byte[] frame, SplittableRandom random) {
        ethertype(frame, 0x86dd);
        int ip = 14;
        frame[ip] = 0x60;
        int payload = Math.max(0, frame.length - ip - 40);
        frame[ip + 4] = (byte) (payload >>> 8);
        frame[ip + 5] = (byte) payload;
        frame[ip + 6] = (byte) (random.nextBoolean() ? 17 : 6);
        frame[ip + 7] = 64;
        if (frame.length >= ip + 44) {
            int port = random.nextInt(4) == 0 ? 53 : 1024 + random.nextInt(60000);
            frame[ip + 42] = (byte) (port >>> 8);
            frame[ip + 43] = (byte) port;
        }
    }
}
