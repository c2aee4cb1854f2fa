package org.opsbot.bot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Milliseconds spent in each phase of the start, for one log line. Start-up has a target
 * (ready within 2 s), and when a release misses it the line shows which part grew, on the
 * operator's own machine, without a profiler.
 */
final class StartPhases {
    private record Phase(String name, long nanos) {
    }

    private final List<Phase> phases = new ArrayList<>();
    private final long started = System.nanoTime();
    private long last = started;

    /** Ends the current phase, which ran since the previous call (or since construction). */
    void done(String phase) {
        long now = System.nanoTime();
        phases.add(new Phase(phase, now - last));
        last = now;
    }

    long totalMillis() {
        return (last - started) / 1_000_000;
    }

    /** e.g. {@code "database 85 ms, outbox 12 ms, http 140 ms"}. */
    String summary() {
        StringBuilder s = new StringBuilder();
        for (Phase p : phases) {
            s.append(s.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %d ms", p.name(), p.nanos() / 1_000_000));
        }
        return s.toString();
    }
}
