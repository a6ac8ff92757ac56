package io.ebpfjvm.core.map;

/**
 * The kernel error numbers map operations return (negated, as the map helpers and the
 * {@code bpf} syscall return them), and the update flags of {@code bpf_map_update_elem}.
 */
public final class Errno {
    private Errno() {
    }

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOPNOTSUPP = 95;
    /** The kernel-internal "operation not supported" that leaks to user space as 524. */
    public static final int ENOTSUPP = 524;

    /** Update flag: create or replace. */
    public static final long BPF_ANY = 0;
    /** Update flag: create only; an existing key fails with {@code -EEXIST}. */
    public static final long BPF_NOEXIST = 1;
    /** Update flag: replace only; a missing key fails with {@code -ENOENT}. */
    public static final long BPF_EXIST = 2;
    /** Update flag: take the value's {@code bpf_spin_lock}; no map here has one, so it is refused. */
    public static final long BPF_F_LOCK = 4;

    /** The errno's symbolic name, for messages: {@code name(-2)} is {@code "ENOENT"}; accepts either sign. */
    public static String name(long errno) {
        return switch ((int) Math.abs(errno)) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ENOTSUPP -> "ENOTSUPP";
            default -> "errno " + Math.abs(errno);
        };
    }
}
