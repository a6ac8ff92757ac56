package io.ebpfjvm.core.error;

/** A classic BPF filter that is malformed or uses something we do not translate; names the instruction. */
public class CbpfFormatException extends EbpfException {
    public CbpfFormatException(String message) {
        super(message);
    }
}
