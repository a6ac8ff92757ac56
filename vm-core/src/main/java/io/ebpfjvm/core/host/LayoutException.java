package io.ebpfjvm.core.host;

import io.ebpfjvm.core.error.EbpfException;

/**
 * A Java type whose layout does not match the BTF type it should view: names the first
 * mismatching field and says what the BTF type has there.
 */
public class LayoutException extends EbpfException {
    public LayoutException(String message) {
        super(message);
    }
}
