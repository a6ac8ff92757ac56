package io.ebpfjvm.core.map;

/** The kernel error numbers map operations return (negated, as helpers return them). */
public final class Errno {
    private Errno() {
    }

    public static final int ENOENT = 2;
    public static final int E2BIG = 7;
    public static final int ENOMEM = 12;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;

    /** {@code BPF_ANY}, {@code BPF_NOEXIST}, {@code BPF_EXIST}: update flags. */
    public static final long BPF_ANY = 0;
    public static final long BPF_NOEXIST = 1;
    public static final long BPF_EXIST = 2;

    public static String name(long negativeErrno) {
        return switch ((int) -negativeErrno) {
            case ENOENT -> "ENOENT";
            case E2BIG -> "E2BIG";
            case ENOMEM -> "ENOMEM";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            default -> "errno " + (-negativeErrno);
        };
    }
}
