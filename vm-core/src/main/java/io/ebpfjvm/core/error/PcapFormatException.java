package io.ebpfjvm.core.error;

/**
 * A capture file that is not a valid pcap (or pcapng) file; the message names the file, the
 * record index and byte offset, and what was expected.
 */
public class PcapFormatException extends EbpfException {
    public PcapFormatException(String message) {
        super(message);
    }
}
