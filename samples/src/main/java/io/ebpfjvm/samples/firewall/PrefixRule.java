package io.ebpfjvm.samples.firewall;

import java.util.Arrays;

/**
 * A blocklisted source prefix: packets whose source address falls in it are dropped, counted
 * under rule {@code id}. The longest matching prefix wins.
 *
 * @param address 4 or 16 bytes, bits past the prefix zero
 */
public record PrefixRule(int id, byte[] address, int prefixLength) {

    public int family() {
        return address.length == 4 ? 4 : 6;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrefixRule p && id == p.id && prefixLength == p.prefixLength && Arrays.equals(address, p.address);
    }

    @Override
    public int hashCode() {
        return (id * 31 + prefixLength) * 31 + Arrays.hashCode(address);
    }

    @Override
    public String toString() {
        return "prefix " + id + " " + Addresses.format(address) + "/" + prefixLength;
    }
}
