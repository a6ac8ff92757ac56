package io.ebpfjvm.core.error;

/**
 * Root of every error ebpf-jvm reports. Each message says where the problem is (section,
 * instruction index, line) and what was expected, in one line fit for a command-line user.
 */
public class EbpfException extends RuntimeException {
    public EbpfException(String message) {
        super(message);
    }

    public EbpfException(String message, Throwable cause) {
        super(message, cause);
    }
}
