package org.opsbot.commands.escalation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The pace of firing due escalations, shared by the bot's escalation loop (which runs
 * {@link #round()} under its lease) and the benchmark (which runs {@link #run()}), so that the
 * benchmark measures the pace that runs.
 *
 * <p>After each round it asks when the next walk falls due and sleeps until then, but never
 * longer than {@link #MAX_WAIT}: a backlog (more due than one claim batch, or a catch-up after
 * downtime) is worked off without pausing, a step due in 300 ms fires in about 300 ms rather
 * than at the next whole tick, and a walk opened meanwhile (due at once) waits at most
 * {@code MAX_WAIT}. A loop that slept a fixed second after each batch of 100 fired at most 100
 * steps a second and was up to a second late by construction; see BENCHMARKS.md.
 */
public final class FireLoop {
    private static final Logger LOG = LoggerFactory.getLogger(FireLoop.class);
    /** The longest sleep between two looks at the database. */
    public static final Duration MAX_WAIT = Duration.ofMillis(250);
    /** When something is due but nothing could be fired (claimed elsewhere meanwhile), a short pause. */
    private static final Duration IDLE = Duration.ofMillis(20);
    /** After an error (say, the database is down), a longer one. */
    public static final Duration AFTER_ERROR = Duration.ofSeconds(1);

    private final BooleanSupplier mayFire;
    private final Supplier<List<String>> fire;
    private final Supplier<Optional<Duration>> untilNextDue;
    private final Consumer<String> fired;
    private volatile boolean running = true;

    /**
     * @param mayFire whether this process may fire now (holds the lease); asked every round
     * @param fire    fires what is due, returns the subjects that moved on
     * @param untilNextDue how long until the next walk falls due, by the engine's clock
     * @param fired   told of each subject that moved on
     */
    public FireLoop(BooleanSupplier mayFire, Supplier<List<String>> fire, Supplier<Optional<Duration>> untilNextDue,
                    Consumer<String> fired) {
        this.mayFire = mayFire;
        this.fire = fire;
        this.untilNextDue = untilNextDue;
        this.fired = fired;
    }

    /** Runs until {@link #stop()} or an interrupt. */
    public void run() {
        while (running) {
            Duration wait;
            try {
                wait = round();
            } catch (RuntimeException e) {
                LOG.warn("Escalation loop error, retrying: {}", e.toString());
                LOG.debug("Escalation loop error", e);
                wait = AFTER_ERROR;
            }
            if (wait.isPositive()) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** One round: fire what is due, then how long to wait before the next. The bot's loop runs these. */
    public Duration round() {
        if (!mayFire.getAsBoolean()) {
            return MAX_WAIT;
        }
        List<String> moved = fire.get();
        moved.forEach(fired);
        Optional<Duration> next = untilNextDue.get();
        if (next.isEmpty()) {
            return MAX_WAIT;
        }
        Duration until = next.get();
        if (!until.isPositive()) {
            return moved.isEmpty() ? IDLE : Duration.ZERO;
        }
        return until.compareTo(MAX_WAIT) < 0 ? until : MAX_WAIT;
    }

    public void stop() {
        running = false;
    }
}
