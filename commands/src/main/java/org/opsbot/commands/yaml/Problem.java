package org.opsbot.commands.yaml;

import java.util.Objects;

/**
 * One thing wrong with a file a person wrote, said so that they can fix it without reading
 * the source: where (file and 1-based line; 0 when the problem is the file as a whole), what is
 * wrong, and what would be right. Messages never contain a secret value.
 */
public record Problem(String file, int line, String message, String fix) {

    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0, was " + line);
        }
    }

    public static Problem ofFile(String file, String message, String fix) {
        return new Problem(file, 0, message, fix);
    }

    /** {@code file:line: message. Fix: fix} — the form editors and CI logs turn into links. */
    public String format() {
        var where = line > 0 ? file + ":" + line : file;
        var text = where + ": " + message;
        return fix == null || fix.isBlank() ? text : text + ". Fix: " + fix;
    }

    @Override
    public String toString() {
        return format();
    }
}
