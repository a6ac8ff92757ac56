package io.ebpfjvm.cli;

import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.error.VerificationException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Turns every failure into one line on stderr and an exit code; a CLI user never sees a
 * stack trace. Set {@code EBPF_DEBUG=1} to get the trace as well.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        err.println("ebpf " + cmd.getCommandName() + ": " + describe(ex));
        if (System.getenv("EBPF_DEBUG") != null) {
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCode(ex);
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("ebpf: " + ex.getMessage() + " (try 'ebpf " + helpPath(cmd) + "--help')");
        err.flush();
        return ExitCodes.BAD_INPUT;
    }

    private static String helpPath(CommandLine cmd) {
        return cmd.getParent() == null ? "" : cmd.getCommandName() + " ";
    }

    static int exitCode(Throwable ex) {
        if (ex instanceof EbpfRuntimeException || ex instanceof VerificationException) {
            return ExitCodes.PROGRAM_FAILED;
        }
        return ExitCodes.BAD_INPUT;
    }

    static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u) {
            ex = u.getCause();
        }
        if (ex instanceof java.nio.file.NoSuchFileException n) {
            return "cannot read " + n.getFile() + ": no such file";
        }
        if (ex instanceof java.nio.file.AccessDeniedException a) {
            return "cannot read " + a.getFile() + ": permission denied";
        }
        if (ex instanceof IOException) {
            return "I/O error: " + ex.getMessage();
        }
        if (ex instanceof OutOfMemoryError || ex instanceof StackOverflowError) {
            return "internal limit reached: " + ex;
        }
        String message = ex.getMessage();
        String text = message == null || message.isBlank() ? ex.getClass().getSimpleName() : oneLine(message);
        // Our own errors say where and what was expected; anything else is a bug of ours.
        return ex instanceof io.ebpfjvm.core.error.EbpfException || ex instanceof CommandLine.PicocliException
            ? text : "internal error (" + ex.getClass().getSimpleName() + "): " + text + " (please report it)";
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
