package org.opsbot.commands.check;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings under one check's kind key in a runbook file, read by its {@link CheckKind}.
 * Every read checks the value's type and reports a problem with the file and line when it is
 * wrong, so a kind only adds the rules of its own.
 */
public interface KindSettings {

    boolean has(String key);

    /** The line of {@code key}'s value, or of the whole mapping when the key is absent. */
    int line(String key);

    /** Reports a problem of this runbook file; {@code fix} says what would be right. */
    void problem(int line, String message, String fix);

    /** A single value, {@code ${VAR}}-expanded; a missing or blank required value is reported. */
    Optional<String> string(String key, boolean required);

    /** A required http(s) URL. */
    Optional<String> url(String key);

    Optional<Long> integer(String key, boolean required, long min, long max);

    /** A duration such as {@code 500ms}, {@code 5s}, {@code 15m}. */
    Optional<Duration> duration(String key);

    /** A regular expression that compiles. */
    Optional<String> regex(String key);

    /** One value or a list of values. */
    List<String> strings(String key);

    /** A mapping of names to single values (headers). */
    Map<String, String> map(String key);

    /** The programs {@code exec} may start, as configured for the bot. */
    ExecAllowList allowList();
}
