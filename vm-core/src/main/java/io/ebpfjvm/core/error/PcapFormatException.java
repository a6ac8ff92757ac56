package io.ebpfjvm.core.error;

/** A capture file that is not a valid classic pcap file; names the record and byte offset. */
public class PcapFormatException extends EbpfException {
    public PcapFormatException(String message) {
        super(message);
    }
}
