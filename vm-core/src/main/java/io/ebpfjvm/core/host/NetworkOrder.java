package io.ebpfjvm.core.host;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component ({@code short}, {@code int} or {@code long}) that the program
 * keeps in network byte order (big-endian), such as an address or port copied straight from
 * a packet header ({@code __be32}, {@code __be16}). Typed views then convert it: the Java
 * value is the number as humans read it ({@code 0x0a000001} for 10.0.0.1), the map holds its
 * big-endian bytes. Without this annotation a field is in host order (little-endian), as the
 * program sees any number it computes.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface NetworkOrder {
}
