package io.ebpfjvm.core.context;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct bpf_sock}, the context of cgroup/sock programs (80 bytes), as the caller
 * describes the socket. Field access follows the kernel's {@code bpf_sock_is_valid_access}
 * and {@code __sock_filter_check_attach_type}: 4-byte fields may be read with 1-, 2- or
 * 4-byte loads where the kernel allows narrow reads; {@code dst_port} is a big-endian u16
 * (the two bytes after it are padding, never readable); {@code bound_dev_if}, {@code mark}
 * and {@code priority} are read and written whole, only at sock_create/sock_release; the
 * source address and port only at post_bind4/6.
 *
 * <pre>{@code
 * byte[] sock = new BpfSock().family(2).type(1).protocol(6).bytes();
 * long verdict = program.run(sock);      // 1 allow, 0 reject
 * int mark = BpfSock.read(sock, BpfSock.MARK);
 * }</pre>
 */
public final class BpfSock {
    public static final int SIZE = 80;
    public static final int BOUND_DEV_IF = 0;
    public static final int FAMILY = 4;
    public static final int TYPE = 8;
    public static final int PROTOCOL = 12;
    public static final int MARK = 16;
    public static final int PRIORITY = 20;
    public static final int SRC_IP4 = 24;
    public static final int SRC_IP6 = 28;
    public static final int SRC_PORT = 44;
    public static final int DST_PORT = 48;
    public static final int DST_IP4 = 52;
    public static final int DST_IP6 = 56;
    public static final int STATE = 72;
    public static final int RX_QUEUE_MAPPING = 76;

    private final ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);

    public BpfSock() {
        b.putInt(RX_QUEUE_MAPPING, -1); // no queue recorded, as the kernel reports it
    }

    public BpfSock boundDevIf(int v) { b.putInt(BOUND_DEV_IF, v); return this; }
    public BpfSock family(int v) { b.putInt(FAMILY, v); return this; }
    public BpfSock type(int v) { b.putInt(TYPE, v); return this; }
    public BpfSock protocol(int v) { b.putInt(PROTOCOL, v); return this; }
    public BpfSock mark(int v) { b.putInt(MARK, v); return this; }
    public BpfSock priority(int v) { b.putInt(PRIORITY, v); return this; }
    public BpfSock state(int v) { b.putInt(STATE, v); return this; }
    public BpfSock rxQueueMapping(int v) { b.putInt(RX_QUEUE_MAPPING, v); return this; }
    /** Source port in host byte order, as the kernel gives it. */
    public BpfSock srcPort(int v) { b.putInt(SRC_PORT, v); return this; }
    /** Destination port; stored in network byte order as the kernel's {@code __be16}. */
    public BpfSock dstPort(int port) { b.putShort(DST_PORT, Short.reverseBytes((short) port)); return this; }
    /** IPv4 source address as written a.b.c.d = {@code 0xaabbccdd}; stored in network byte order. */
    public BpfSock srcIp4(int v) { b.putInt(SRC_IP4, Integer.reverseBytes(v)); return this; }
    public BpfSock dstIp4(int v) { b.putInt(DST_IP4, Integer.reverseBytes(v)); return this; }
    /** IPv6 address bytes in network order. */
    public BpfSock srcIp6(byte[] a) { b.put(SRC_IP6, a, 0, 16); return this; }
    public BpfSock dstIp6(byte[] a) { b.put(DST_IP6, a, 0, 16); return this; }

    /** A copy of the structure, the memory to run a cgroup/sock program on. */
    public byte[] bytes() {
        return b.array().clone();
    }

    /** Reads the u32 field at {@code offset} of a bpf_sock after a run (mark, priority, bound_dev_if). */
    public static int read(byte[] sock, int offset) {
        return ByteBuffer.wrap(sock).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    /**
     * Null when the access is allowed for this attach variant, else why not. Narrow (1- and
     * 2-byte) loads are allowed anywhere inside the address fields and dst_port, but of the
     * other fields only at their first byte, as the kernel's switch on the offset does.
     */
    static String accessProblem(ContextLayout layout, int off, int size, boolean write) {
        if (off < 0 || off >= SIZE || off % size != 0) {
            return "invalid bpf_sock access: " + size + " bytes at offset " + off;
        }
        // the message is only built when the access fails (this runs on every context access)
        String problem = check(layout, off, size, write);
        return problem == null ? null : "bpf_sock field at offset " + off + problem;
    }

    private static String check(ContextLayout layout, int off, int size, boolean write) {
        String where = ""; // prefixed by the caller, on failure only
        if (size > 4) {
            return where + ": fields are at most 4 bytes";
        }
        boolean create = layout == ContextLayout.BPF_SOCK;
        if (off >= SRC_IP4 && off < SRC_IP4 + 4) {
            return layout != ContextLayout.BPF_SOCK_POST_BIND4 ? where + " (src_ip4) is only readable in cgroup/post_bind4"
                : readOnly(where, write);
        }
        if (off >= SRC_IP6 && off < SRC_IP6 + 16) {
            return layout != ContextLayout.BPF_SOCK_POST_BIND6 ? where + " (src_ip6) is only readable in cgroup/post_bind6"
                : readOnly(where, write);
        }
        if (off >= DST_IP4 && off < DST_IP6 + 16) {
            return readOnly(where, write);
        }
        if (off == DST_PORT || off == DST_PORT + 1) {
            // a 4-byte load reads the port with its zero padding; narrower ones only the port
            return size == 4 || size <= 2 ? readOnly(where, write) : where + ": dst_port is 2 bytes";
        }
        return switch (off) {
            case FAMILY, TYPE, PROTOCOL, STATE, RX_QUEUE_MAPPING -> readOnly(where, write);
            case SRC_PORT -> create ? where + " (src_port) is only readable in cgroup/post_bind4 and post_bind6"
                : readOnly(where, write);
            case BOUND_DEV_IF, MARK, PRIORITY -> !create ? where + " is only accessible in cgroup/sock_create and sock_release"
                : size == 4 ? null : where + " must be accessed with 4 bytes";
            default -> where + " is not the start of a field (or is padding)";
        };
    }

    private static String readOnly(String where, boolean write) {
        return write ? where + " is read-only" : null;
    }
}
