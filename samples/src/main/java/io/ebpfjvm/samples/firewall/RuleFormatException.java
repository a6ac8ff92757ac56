package io.ebpfjvm.samples.firewall;

/** A rules file line the parser cannot use; the message starts with {@code file:line:}. */
public final class RuleFormatException extends RuntimeException {
    public RuleFormatException(String message) {
        super(message);
    }
}
