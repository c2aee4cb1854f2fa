package org.opsbot.bot.escalation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.opsbot.bot.background.Backoff;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.PagerWebhook;
import org.opsbot.commands.config.Severity;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.config.Tier;
import org.opsbot.commands.escalation.OnCallRoster;
import org.opsbot.commands.escalation.Pager;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.store.PagerWebhookStore;
import org.opsbot.commands.store.PagerWebhookStore.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Calls tiers' pager webhooks through a durable outbox ({@link PagerWebhookStore}), in the
 * format each pager expects ({@link PagerFormats}).
 *
 * <p><b>Nothing is sent from the escalation step.</b> A page is written down, due at once, and
 * {@link PagerWebhookWorker the worker} is woken to send it: a pager that hangs holds up only
 * the worker, never other walks. So the step cannot wait for the pager's answer; it counts the
 * tier as reached through the pager when the page is queued and that pager's last answered call
 * went through (or it was never called). A pager whose last call failed (refused, given up, or
 * waiting for a retry) does not count: the walk moves on to the next tier at once, as for Do
 * Not Disturb, and the page is still sent when the pager is back.
 *
 * <p>Every call about one subject carries the same dedup key, on every retry and every tier,
 * so the pager folds repeats into one alert, and the acknowledge and resolve sent when the
 * subject is acknowledged or resolved in opsbot ({@link #settled}) close it.
 */
public final class PagerWebhooks {
    private static final Logger LOG = LoggerFactory.getLogger(PagerWebhooks.class);
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a sender owns a call it is sending; a sender that dies leaves it due after this. */
    private static final Duration CLAIM = Duration.ofSeconds(30);
    /** 5 s, 10 s, 20 s … up to 5 min, with up to 20 % jitter so that retries of many calls spread out. */
    static final Backoff RETRIES = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5), 0.2);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    static final int MAX_ATTEMPTS = 20;
    private static final int BATCH = 20;
    private static final int MAX_ERROR_BODY = 300;

    private final PagerWebhookStore store;
    // Replaced whole by a reload (replace), as tiers are numbered by the file in force.
    private volatile Map<String, Target> targets;
    private final OkHttpClient http;
    private final Clock clock;
    private final boolean dryRun;
    private volatile Runnable wake = () -> { };
    private volatile BiConsumer<String, String> report = (subject, text) -> { };

    /** A tier's webhook with its secrets filled in (never logged). */
    record Target(PagerWebhook webhook, Map<String, String> headers, Optional<String> routingKey,
                  PagerFormats formats) {
        @Override
        public String toString() {
            return "Target[" + webhook.display() + ", " + webhook.format().configName() + ", headers "
                    + headers.keySet() + "]";
        }
    }

    /** How queuing a page went: {@code reached} when the pager is counted on; {@code detail} for the thread. */
    public record Outcome(boolean reached, String detail) {
    }

    private PagerWebhooks(PagerWebhookStore store, Map<String, Target> targets, OkHttpClient http, Clock clock,
                          boolean dryRun) {
        this.store = store;
        this.targets = targets;
        this.http = http.newBuilder().callTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).build();
        this.clock = clock;
        this.dryRun = dryRun;
    }

    /**
     * The webhooks of every tier in {@code config}, with their secrets from {@code environment}.
     *
     * @param dryRun write each call to the log instead of sending it (no Slack token)
     * @throws IllegalStateException when a secret names a variable that is not set (start-up refuses)
     */
    public static PagerWebhooks of(OpsbotConfig config, Map<String, String> environment, PagerWebhookStore store,
                                   Clock clock, boolean dryRun) {
        return of(config, environment, store, httpClient(), clock, dryRun);
    }

    static PagerWebhooks of(OpsbotConfig config, Map<String, String> environment, PagerWebhookStore store,
                            OkHttpClient http, Clock clock) {
        return of(config, environment, store, http, clock, false);
    }

    static PagerWebhooks of(OpsbotConfig config, Map<String, String> environment, PagerWebhookStore store,
                            OkHttpClient http, Clock clock, boolean dryRun) {
        Map<String, Target> targets = new HashMap<>();
        List<String> problems = problems(config, environment);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("pager webhooks cannot be called:\n" + String.join("\n", problems));
        }
        for (Team team : config.teams().values()) {
            // A team with its own levels ranks them itself: its P1 is its most severe.
            Map<String, Integer> ranks = new HashMap<>();
            List<Severity> severities = config.severities(team.name());
            for (int i = 0; i < severities.size(); i++) {
                ranks.put(severities.get(i).name(), i);
            }
            List<Tier> tiers = team.escalation().tiers();
            for (int i = 0; i < tiers.size(); i++) {
                Optional<PagerWebhook> webhook = tiers.get(i).webhook();
                if (webhook.isEmpty()) {
                    continue;
                }
                PagerWebhook.Expanded secrets = webhook.get().headers(environment);
                targets.put(key(team.name(), i + 1), new Target(webhook.get(), secrets.headers(), secrets.routingKey(),
                        new PagerFormats(webhook.get(), ranks, clock)));
            }
        }
        return new PagerWebhooks(store, targets, http, clock, dryRun);
    }

    /**
     * The webhooks of a reloaded opsbot.yaml, with their secrets from {@code environment}; calls
     * already queued are sent to the webhook their team's tier has now.
     *
     * @throws IllegalStateException when a secret names a variable that is not set (the reload is refused)
     */
    public void replace(OpsbotConfig config, Map<String, String> environment) {
        this.targets = of(config, environment, store, http, clock, dryRun).targets;
    }

    /** Every webhook secret that names a variable not set in {@code environment}, as file:line messages. */
    public static List<String> problems(OpsbotConfig config, Map<String, String> environment) {
        List<String> problems = new ArrayList<>();
        for (Team team : config.teams().values()) {
            for (Tier tier : team.escalation().tiers()) {
                tier.webhook().ifPresent(w -> w.headers(environment).problem(w).ifPresent(problems::add));
            }
        }
        return problems;
    }

    /** No redirects: a pager's events API answers where it is asked, and a redirect must not carry the token elsewhere. */
    static OkHttpClient httpClient() {
        return new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                .connectTimeout(2, TimeUnit.SECONDS)
                .build();
    }

    public boolean any() {
        return !targets.isEmpty();
    }

    /** Called when a call is queued: the worker sends it at once instead of at its next tick. */
    void wakeWith(Runnable wake) {
        this.wake = wake;
    }

    /** Told when a page that alone reached its tier failed its first attempt. */
    @FunctionalInterface
    interface Unanswered {
        /** @param tierNumber 1-based, as in the call */
        void page(String subject, int tierNumber, String detail);
    }

    private volatile Unanswered unanswered = (subject, tier, detail) -> { };

    /** Where a page that alone reached its tier and failed its first attempt is reported, so the walk moves on. */
    void unansweredTo(Unanswered unanswered) {
        this.unanswered = unanswered;
    }

    /** Where a call the pager refused or never took is reported: (subject, text for its thread). */
    void reportTo(BiConsumer<String, String> report) {
        this.report = report;
    }

    /** The dedup key of every call about a subject: PagerDuty's {@code dedup_key}, Opsgenie's {@code alias}. */
    static String dedupKey(String subject) {
        return "opsbot:" + subject;
    }

    /**
     * Queues the page of the tier's webhook, due at once.
     *
     * @param people the Slack users paged along with the webhook
     */
    public Outcome page(Walk walk, OnCallRoster.TierOnCall tier, String why, String title, Optional<String> link,
                        List<String> people) {
        Target target = targets.get(key(walk.team(), tier.number()));
        if (target == null) {
            return new Outcome(false, "has no pager webhook configured");
        }
        boolean failing = !dryRun && store.failing(walk.team(), tier.number());
        String body = write(target.formats().trigger(dedupKey(walk.subject()), walk, tier, why, title, link, people));
        boolean alone = !failing && people.isEmpty();
        store.enqueue(dedupKey(walk.subject()), walk.subject(), walk.team(), tier.number(), Event.TRIGGER, body,
                clock.instant(), alone);
        wake.run();
        return failing
                ? new Outcome(false, "its last call failed, so it is not counted on; the page is queued and retried in the background")
                : new Outcome(true, "queued");
    }

    /**
     * The subject was acknowledged or resolved in opsbot: each tier's pager that was paged about
     * it (and not yet told this) gets the matching call, once, through the same outbox.
     */
    public void settled(Walk walk, Pager.Settled how) {
        Event event = how == Pager.Settled.ACKNOWLEDGED ? Event.ACKNOWLEDGE : Event.RESOLVE;
        Map<Integer, List<PagerWebhookStore.Call>> byTier = new TreeMap<>();
        for (PagerWebhookStore.Call call : store.forSubject(walk.subject())) {
            if (call.team().equals(walk.team())) {
                byTier.computeIfAbsent(call.tier(), t -> new ArrayList<>()).add(call);
            }
        }
        boolean queued = false;
        for (var entry : byTier.entrySet()) {
            Optional<PagerWebhookStore.Call> page = open(entry.getValue(), event);
            Target target = targets.get(key(walk.team(), entry.getKey()));
            if (page.isEmpty() || target == null) {
                continue;
            }
            String body = write(target.formats().settle(page.get().dedupKey(), walk, event));
            store.enqueue(page.get().dedupKey(), walk.subject(), walk.team(), entry.getKey(), event, body, clock.instant());
            queued = true;
        }
        if (queued) {
            wake.run();
        }
    }

    /**
     * The page a tier's pager still has open for {@code event} to close: the last page not
     * refused, unless a resolve (or, for an acknowledge, an acknowledge) was queued after it.
     */
    private static Optional<PagerWebhookStore.Call> open(List<PagerWebhookStore.Call> calls, Event event) {
        PagerWebhookStore.Call page = null;
        for (PagerWebhookStore.Call call : calls) {
            if (call.event() == Event.TRIGGER) {
                if (call.state() != PagerWebhookStore.State.FAILED) {
                    page = call;
                }
            } else if (call.event() == Event.RESOLVE || call.event() == event) {
                page = null;
            }
        }
        return Optional.ofNullable(page);
    }

    /** Sends the calls that are due (the worker's tick); returns how many were tried. */
    public int sendDue() {
        List<PagerWebhookStore.Call> due = store.claimDue(clock.instant(), CLAIM, BATCH);
        for (PagerWebhookStore.Call call : due) {
            attempt(call);
        }
        return due.size();
    }

    private void attempt(PagerWebhookStore.Call call) {
        Target target = targets.get(key(call.team(), call.tier()));
        if (target == null) {
            LOG.warn("pager webhook call {} for {} given up: team {} tier {} has no webhook any more", call.id(),
                    call.subject(), call.team(), call.tier());
            store.failed(call.id(), "the tier has no webhook any more");
            return;
        }
        PagerFormats.Wire wire = target.formats().wire(call, target.routingKey());
        String what = describe(call);
        if (dryRun) {
            LOG.info("DRY-RUN: pager webhook ({}) not sent, as there is no Slack token: {} would POST {}\n  headers: {}\n  body: {}",
                    target.webhook().format().configName(), what, wire.shown(), masked(target.headers()),
                    PagerFormats.masked(wire.body()));
            store.delivered(call.id());
            return;
        }
        String where = target.webhook().display();
        Request.Builder request = new Request.Builder()
                .url(wire.url())
                .post(RequestBody.create(wire.body(), JSON_TYPE))
                .header("User-Agent", "opsbot");
        target.headers().forEach(request::header);
        int attempt = call.attempts() + 1;
        try (Response response = http.newCall(request.build()).execute()) {
            int code = response.code();
            if (code >= 200 && code < 300) {
                store.delivered(call.id());
                LOG.info("pager webhook {} accepted {} (attempt {})", where, what, attempt);
                return;
            }
            if (code == 429 || code >= 500) {
                firstPageFailed(call, where + " answered HTTP " + code + "; the page is retried in the background");
                Duration wait = retryAfter(response.header("Retry-After")).orElse(RETRIES.delay(attempt));
                retry(call, attempt, where, what, "HTTP " + code, wait);
                return;
            }
            String error = "HTTP " + code + (code >= 300 && code < 400 ? " (redirects are not followed)" : "");
            firstPageFailed(call, where + " refused it with " + error);
            LOG.warn("pager webhook {} refused {} with {}; not retried: check its URL, format and keys. It answered: {}",
                    where, what, error, excerpt(response.body()));
            store.failed(call.id(), error);
            report.accept(call.subject(), ":warning: Pager webhook " + where + " refused " + noun(call) + " ("
                    + error + "); not retried: check the tier's webhook settings.");
        } catch (IOException e) {
            firstPageFailed(call, where + " did not answer (" + e.getClass().getSimpleName()
                    + "); the page is retried in the background");
            retry(call, attempt, where, what, e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), RETRIES.delay(attempt));
        }
    }

    /**
     * A tier reached by this page alone was not reached after all when the pager does not take
     * the first attempt; the walk is told so it moves on at once. Later attempts may still land.
     */
    private void firstPageFailed(PagerWebhookStore.Call call, String detail) {
        if (call.event() != Event.TRIGGER || !call.countedAlone() || call.attempts() > 0) {
            return;
        }
        try {
            unanswered.page(call.subject(), call.tier(), detail);
        } catch (RuntimeException e) {
            LOG.error("telling the walk of {} that its pager did not take the page failed", call.subject(), e);
        }
    }

    private void retry(PagerWebhookStore.Call call, int attempt, String where, String what, String error, Duration wait) {
        if (attempt >= MAX_ATTEMPTS) {
            LOG.warn("pager webhook {} never accepted {}: given up after {} attempts, last {}", where, what, attempt, error);
            store.failed(call.id(), error);
            report.accept(call.subject(), ":warning: Pager webhook " + where + " never accepted " + noun(call)
                    + ": given up after " + attempt + " attempts (last " + error + ").");
            return;
        }
        Instant next = clock.instant().plus(wait);
        LOG.info("pager webhook {} did not accept {} (attempt {}): {}; retrying in {} s", where, what, attempt, error,
                wait.toSeconds());
        store.retryAt(call.id(), next, error);
    }

    private static String describe(PagerWebhookStore.Call call) {
        return noun(call) + " of " + call.subject() + " (team " + call.team() + " tier " + call.tier() + ", dedup key "
                + call.dedupKey() + ")";
    }

    private static String noun(PagerWebhookStore.Call call) {
        return switch (call.event()) {
            case TRIGGER -> "the page";
            case ACKNOWLEDGE -> "the acknowledgement";
            case RESOLVE -> "the resolve";
        };
    }

    /** Header values shown as their scheme word and {@code ****}: never the secret. */
    static Map<String, String> masked(Map<String, String> headers) {
        Map<String, String> out = new TreeMap<>();
        headers.forEach((name, value) -> {
            int space = value.indexOf(' ');
            out.put(name, (space > 0 ? value.substring(0, space + 1) : "") + "****");
        });
        return out;
    }

    private static String excerpt(ResponseBody body) {
        try {
            String text = body == null ? "" : body.string().strip().replaceAll("\\s+", " ");
            return text.isEmpty() ? "(no body)" : text.length() > MAX_ERROR_BODY ? text.substring(0, MAX_ERROR_BODY) + "…" : text;
        } catch (IOException e) {
            return "(unreadable body)";
        }
    }

    private static String write(JsonNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Retry-After in seconds or as an HTTP date, capped at an hour. */
    Optional<Duration> retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            try {
                wait = Duration.between(clock.instant(), ZonedDateTime.parse(header.strip(),
                        DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException d) {
                return Optional.empty();
            }
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
    }

    private static String key(String team, int tierNumber) {
        return team + "#" + tierNumber;
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored pager webhook call is not JSON", e);
        }
    }
}
