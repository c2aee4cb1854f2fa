package org.opsbot.commands.check;

import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.RunReport;
import org.opsbot.commands.model.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs checks in parallel, one virtual thread each, each under its own timeout and all under
 * an overall deadline. Probes stop their own work at their timeout (the HTTP call is
 * cancelled, the JDBC query times out, the process tree is killed); as a backstop, a probe
 * still running shortly after its timeout is cancelled and reported as timed out, so one hung
 * endpoint never holds the report longer than its own timeout.
 */
public final class CheckRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CheckRunner.class);
    /** What a probe gets beyond its timeout to stop itself before the runner gives up on it. */
    static final Duration GRACE = Duration.ofMillis(500);
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(2);

    private final OkHttpClient http;
    private final ExecAllowList allowList;
    private final SecretMasker masker;
    private final Clock clock;

    /**
     * @param httpClient the one OkHttp client of the process (see {@link #defaultHttpClient()});
     *                   per-check timeouts are set on each call
     */
    public CheckRunner(OkHttpClient httpClient, ExecAllowList allowList, SecretMasker masker, Clock clock) {
        this.http = httpClient;
        this.allowList = allowList;
        this.masker = masker;
        this.clock = clock;
    }

    /**
     * An OkHttp client for checks: redirects not followed (a redirect to a login page is not a
     * healthy endpoint), no client-wide timeouts (each call gets the check's own).
     */
    public static OkHttpClient defaultHttpClient() {
        return new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                .connectTimeout(Duration.ZERO)
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .connectionPool(new ConnectionPool(50, 1, TimeUnit.MINUTES))
                .build();
    }

    /**
     * Runs {@code checks} and returns when every check has finished or been given up on.
     *
     * @param deadline the most the whole run may take; a check's timeout is cut to fit
     * @param listener called on this thread as each check finishes
     */
    public RunReport run(String runbook, String title, List<Check> checks, String actor, Duration deadline,
                         ProgressListener listener) {
        // Millisecond precision: what is reported is exactly what is stored.
        Instant startedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        long t0 = System.nanoTime();
        long end = t0 + deadline.toNanos();
        int n = checks.size();
        BlockingQueue<CheckResult> finished = new LinkedBlockingQueue<>();
        Running[] running = new Running[n];
        for (int i = 0; i < n; i++) {
            Check check = checks.get(i);
            Duration timeout = check.timeout().compareTo(deadline) < 0 ? check.timeout() : deadline;
            Cancellation cancellation = new Cancellation();
            int position = i;
            Thread thread = Thread.ofVirtual().name("check-" + runbook + "-" + i)
                    .start(() -> finished.add(measure(position, check, timeout, cancellation)));
            long backstop = Math.min(System.nanoTime() + timeout.toNanos() + GRACE.toNanos(), end + GRACE.toNanos());
            running[i] = new Running(check, timeout, cancellation, thread, backstop);
        }

        CheckResult[] results = new CheckResult[n];
        int done = 0;
        while (done < n) {
            long next = Long.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (results[i] == null) {
                    next = Math.min(next, running[i].backstop());
                }
            }
            CheckResult r;
            try {
                r = finished.poll(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                for (int i = 0; i < n; i++) {
                    if (results[i] == null) {
                        running[i].stop();
                        results[i] = error(i, running[i].check(), "the run was interrupted", millisSince(t0));
                        done++;
                    }
                }
                break;
            }
            if (r != null) {
                if (results[r.position()] == null) {
                    results[r.position()] = r;
                    done++;
                    tell(listener, r, done, n);
                }
                continue;
            }
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (results[i] == null && running[i].backstop() <= now) {
                    running[i].stop();
                    LOG.warn("Check '{}' of runbook {} did not stop at its timeout; abandoned", running[i].check().name(), runbook);
                    results[i] = error(i, running[i].check(), Errors.timedOut(running[i].timeout()), running[i].timeout());
                    done++;
                    tell(listener, results[i], done, n);
                }
            }
        }
        return new RunReport(runbook, title, actor, startedAt, millisSince(t0), List.of(results));
    }

    /** Runs with the {@link #DEFAULT_DEADLINE} and no listener. */
    public RunReport run(String runbook, String title, List<Check> checks, String actor) {
        return run(runbook, title, checks, actor, DEFAULT_DEADLINE, ProgressListener.NONE);
    }

    private static Duration millisSince(long startNanos) {
        return Duration.ofMillis((System.nanoTime() - startNanos) / 1_000_000);
    }

    private record Running(Check check, Duration timeout, Cancellation cancellation, Thread thread, long backstop) {
        void stop() {
            cancellation.cancel();
            thread.interrupt();
        }
    }

    private static void tell(ProgressListener listener, CheckResult result, int done, int total) {
        try {
            listener.checkFinished(result, done, total);
        } catch (RuntimeException e) {
            // A failing progress update (Slack down) must not lose the run.
            LOG.warn("Progress listener failed: {}", e.toString());
        }
    }

    CheckResult measure(int position, Check check, Duration timeout, Cancellation cancellation) {
        long start = System.nanoTime();
        SecretMasker mask = masker;
        for (String secret : check.probe().secrets()) {
            mask = mask.with(secret);
        }
        try {
            Measurement m = measure(CheckKinds.of(check.probe()), check.probe(), new ProbeContext(timeout, cancellation, http, allowList));
            Duration took = millisSince(start);
            return judge(position, check, m, took, mask);
        } catch (ProbeException e) {
            return error(position, check, mask.mask(e.getMessage()), millisSince(start));
        } catch (Exception | StackOverflowError e) {
            String why = cancellation.isCancelled() ? Errors.timedOut(timeout) : Errors.describe(e, timeout);
            return error(position, check, mask.mask(why), millisSince(start));
        }
    }

    private static <P extends Probe> Measurement measure(CheckKind<P> kind, Probe probe, ProbeContext context) throws Exception {
        return kind.measure(kind.probeType().cast(probe), context);
    }

    private CheckResult judge(int position, Check check, Measurement m, Duration took, SecretMasker mask) {
        Status status = m.verdict();
        Measurement.Sample worst = null;
        Status worstStatus = Status.OK;
        String crossed = null;
        for (Measurement.Sample s : m.samples()) {
            Status st = Status.OK;
            String why = null;
            if (check.crit().isPresent() && s.crosses(check.crit().get())) {
                st = Status.CRIT;
                why = "crit " + check.crit().get();
            } else if (check.warn().isPresent() && s.crosses(check.warn().get())) {
                st = Status.WARN;
                why = "warn " + check.warn().get();
            }
            if (worst == null || st.ordinal() > worstStatus.ordinal()) {
                worst = s;
                worstStatus = st;
                crossed = why;
            }
        }
        String observed = m.observed();
        String message = m.message();
        if (crossed != null) {
            status = status.worse(worstStatus);
            observed = worst.shown();
            String where = m.samples().size() > 1 ? worst.label() + " is " : "";
            message = (m.verdict() == Status.OK ? "" : message + "; ") + where + worst.shown() + " (" + crossed + ")";
        }
        Optional<Double> value = worst == null ? Optional.empty() : Optional.of(worst.value());
        return new CheckResult(position, check.name(), kindOf(check), status, Optional.ofNullable(mask.mask(observed)),
                value, Optional.ofNullable(crossed), mask.mask(message), took);
    }

    // A probe of no registered kind is a bug of its own check, reported as that check's ERROR.
    private static String kindOf(Check check) {
        return CheckKinds.forProbe(check.probe()).map(CheckKind::key).orElse("unregistered");
    }

    private static CheckResult error(int position, Check check, String why, Duration took) {
        return new CheckResult(position, check.name(), kindOf(check), Status.ERROR, Optional.empty(),
                Optional.empty(), Optional.empty(), why, took);
    }
}
