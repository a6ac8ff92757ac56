package io.ebpfjvm.core.error;

/** An ELF object that is malformed or uses something we do not support; names the place. */
public class ElfFormatException extends EbpfException {
    public ElfFormatException(String message) {
        super(message);
    }
}
