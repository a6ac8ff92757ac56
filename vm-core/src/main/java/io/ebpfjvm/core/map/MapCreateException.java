package io.ebpfjvm.core.map;

import io.ebpfjvm.core.error.EbpfException;

/**
 * A map declaration that {@code BPF_MAP_CREATE} would refuse, or that is too large to
 * preallocate here. Carries the errno the kernel returns for it ({@code EINVAL},
 * {@code E2BIG}, {@code ENOTSUPP}; {@code ENOMEM} for our own size limit).
 */
public class MapCreateException extends EbpfException {
    private final int errno;

    public MapCreateException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    /** The positive errno, e.g. {@link Errno#EINVAL}. */
    public int errno() {
        return errno;
    }
}
