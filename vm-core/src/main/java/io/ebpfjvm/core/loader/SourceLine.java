package io.ebpfjvm.core.loader;

/**
 * The C source an instruction came from, from the object's {@code .BTF.ext} line info.
 *
 * @param file   the source file as clang recorded it (often a relative path)
 * @param text   the text of the source line (may be empty)
 * @param line   1-based line number
 * @param column 1-based column, 0 when clang did not record one
 */
public record SourceLine(String file, String text, int line, int column) {

    /** The file name without directories. */
    public String fileName() {
        int slash = file.lastIndexOf('/');
        return slash >= 0 ? file.substring(slash + 1) : file;
    }

    /** How the kernel's verifier log shows a line: {@code ; return XDP_PASS; @ xdp.c:12}. */
    public String kernelStyle() {
        return "; " + text.strip() + " @ " + fileName() + ":" + line;
    }

    @Override
    public String toString() {
        return kernelStyle();
    }
}
