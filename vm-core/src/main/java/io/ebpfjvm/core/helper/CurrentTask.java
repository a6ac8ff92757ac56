package io.ebpfjvm.core.helper;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The task a tracing program runs "in": what {@code bpf_get_current_pid_tgid},
 * {@code bpf_get_current_uid_gid} and {@code bpf_get_current_comm} report. The caller sets it
 * before a run, the way a probe would have fired in that process (in kernel terms
 * {@code pid} is the thread id and {@code tgid} the process id). Fields are volatile: a
 * change is seen by runs that start afterwards; threads that need different tasks at once
 * use different registries.
 */
public final class CurrentTask {
    /** {@code TASK_COMM_LEN}. */
    public static final int COMM_LENGTH = 16;

    private volatile int pid;
    private volatile int tgid;
    private volatile int uid;
    private volatile int gid;
    private volatile byte[] comm = new byte[COMM_LENGTH];

    /** Thread id and process id (equal for a single-threaded process). */
    public CurrentTask process(int threadId, int processId) {
        this.pid = threadId;
        this.tgid = processId;
        return this;
    }

    public CurrentTask user(int userId, int groupId) {
        this.uid = userId;
        this.gid = groupId;
        return this;
    }

    /** The command name, cut to 15 bytes as the kernel keeps it. */
    public CurrentTask comm(String name) {
        byte[] b = Arrays.copyOf(name.getBytes(StandardCharsets.UTF_8), COMM_LENGTH);
        b[COMM_LENGTH - 1] = 0;
        this.comm = b;
        return this;
    }

    /** {@code tgid << 32 | pid}. */
    public long pidTgid() {
        return (long) tgid << 32 | (pid & 0xffffffffL);
    }

    /** {@code gid << 32 | uid}. */
    public long uidGid() {
        return (long) gid << 32 | (uid & 0xffffffffL);
    }

    /** The comm bytes, NUL-padded to 16. */
    byte[] commBytes() {
        return comm;
    }
}
