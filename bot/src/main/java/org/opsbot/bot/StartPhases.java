package org.opsbot.bot;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Milliseconds spent in each phase of the start, for one log line. Start-up has a target
 * (ready within 2 s), and when a release misses it the line shows which part grew, on the
 * operator's own machine, without a profiler. Each phase also says how much of the starting
 * thread's CPU it used: on a busy machine the wall clock of a phase mostly measures the other
 * processes, its CPU what the phase itself costs.
 */
final class StartPhases {
    private record Phase(String name, long nanos, long cpuNanos) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final List<Phase> phases = new ArrayList<>();
    private final long started = System.nanoTime();
    private long last = started;
    private long lastCpu = cpu();

    /** Ends the current phase, which ran since the previous call (or since construction). */
    void done(String phase) {
        long now = System.nanoTime();
        long cpu = cpu();
        phases.add(new Phase(phase, now - last, cpu - lastCpu));
        last = now;
        lastCpu = cpu;
    }

    long totalMillis() {
        return (last - started) / 1_000_000;
    }

    /** e.g. {@code "database 85 ms (cpu 40), outbox 12 ms (cpu 10), http 140 ms (cpu 90)"}. */
    String summary() {
        StringBuilder s = new StringBuilder();
        for (Phase p : phases) {
            s.append(s.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %d ms (cpu %d)",
                    p.name(), p.nanos() / 1_000_000, p.cpuNanos() / 1_000_000));
        }
        return s.toString();
    }

    /** This thread's CPU time so far; 0 where the JVM cannot measure it (the line then says cpu 0). */
    private static long cpu() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
