package org.opsbot.bot.escalation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.PagerWebhook;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.config.Tier;
import org.opsbot.commands.escalation.OnCallRoster;
import org.opsbot.commands.escalation.Walk;
import org.opsbot.commands.store.PagerWebhookStore;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Calls tiers' pager webhooks through a durable outbox ({@link PagerWebhookStore}).
 *
 * <p><b>When a webhook counts as a page.</b> A tier counts as reached when its pager answered
 * 2xx. The escalation step is synchronous, so the first attempt is made inline, with a short
 * timeout ({@link #FIRST_ATTEMPT}), after the call has been written down: a 2xx now counts, and
 * anything else leaves the call to {@link #sendDue() the worker}, which retries it with backoff
 * but cannot change the step's past decision. Counting a merely enqueued call as reached would
 * let a pager that is down stop the walk with nobody paged; this way the walk moves on to the
 * next tier, as for someone in Do Not Disturb, and the pager still gets the call when it is back.
 *
 * <p>Every call carries a dedup key per (subject, round, tier), the same on every retry, so a
 * call that reached the pager but whose answer was lost does not page twice there.
 */
public final class PagerWebhooks {
    private static final Logger LOG = LoggerFactory.getLogger(PagerWebhooks.class);
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The escalation step waits at most this long for the pager's answer. */
    static final Duration FIRST_ATTEMPT = Duration.ofSeconds(3);
    private static final Duration RETRY_TIMEOUT = Duration.ofSeconds(10);
    /** How long a sender owns a call it is sending; a sender that dies leaves it due after this. */
    private static final Duration CLAIM = Duration.ofSeconds(30);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    static final int MAX_ATTEMPTS = 20;
    private static final int BATCH = 20;

    private final PagerWebhookStore store;
    private final Map<String, Target> targets;
    private final OkHttpClient inline;
    private final OkHttpClient retries;
    private final Clock clock;

    /** A tier's webhook with its headers filled in (secret values: never logged). */
    private record Target(PagerWebhook webhook, Map<String, String> headers) {
        @Override
        public String toString() {
            return "Target[" + webhook.display() + ", headers " + headers.keySet() + "]";
        }
    }

    /** How a call went: {@code reached} only on a 2xx; {@code detail} for the thread, after the webhook's host. */
    public record Outcome(boolean reached, String detail) {
    }

    private PagerWebhooks(PagerWebhookStore store, Map<String, Target> targets, OkHttpClient http, Clock clock) {
        this.store = store;
        this.targets = targets;
        // One connection pool and dispatcher; only the deadlines differ.
        this.inline = http.newBuilder().callTimeout(FIRST_ATTEMPT.toMillis(), TimeUnit.MILLISECONDS).build();
        this.retries = http.newBuilder().callTimeout(RETRY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).build();
        this.clock = clock;
    }

    /**
     * The webhooks of every tier in {@code config}, with headers from {@code environment}.
     *
     * @throws IllegalStateException when a header names a variable that is not set (start-up refuses)
     */
    public static PagerWebhooks of(OpsbotConfig config, Map<String, String> environment, PagerWebhookStore store,
                                   Clock clock) {
        return of(config, environment, store, httpClient(), clock);
    }

    static PagerWebhooks of(OpsbotConfig config, Map<String, String> environment, PagerWebhookStore store,
                            OkHttpClient http, Clock clock) {
        Map<String, Target> targets = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Team team : config.teams().values()) {
            List<Tier> tiers = team.escalation().tiers();
            for (int i = 0; i < tiers.size(); i++) {
                Optional<PagerWebhook> webhook = tiers.get(i).webhook();
                if (webhook.isEmpty()) {
                    continue;
                }
                PagerWebhook.Expanded headers = webhook.get().headers(environment);
                headers.problem(webhook.get()).ifPresent(problems::add);
                targets.put(key(team.name(), i + 1), new Target(webhook.get(), headers.headers()));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("pager webhooks cannot be called:\n" + String.join("\n", problems));
        }
        return new PagerWebhooks(store, targets, http, clock);
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

    /** The dedup key of a tier's page in a round: the same on every retry. */
    static String dedupKey(Walk walk, int tierNumber) {
        return "opsbot/" + walk.subject() + "/round-" + walk.round() + "/tier-" + tierNumber;
    }

    /**
     * Writes the call for the tier's webhook, then makes the first attempt.
     *
     * @param people the Slack users paged along with the webhook
     */
    public Outcome page(Walk walk, OnCallRoster.TierOnCall tier, String why, String title, Optional<String> link,
                        List<String> people) {
        Target target = targets.get(key(walk.team(), tier.number()));
        if (target == null) {
            return new Outcome(false, "has no pager webhook configured");
        }
        String dedup = dedupKey(walk, tier.number());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("dedup_key", dedup);
        payload.put("event", "page");
        payload.put("subject", walk.subject());
        payload.put("title", title);
        payload.put("severity", walk.severity());
        payload.put("team", walk.team());
        payload.put("tier", Map.of("number", tier.number(), "name", tier.name()));
        payload.put("round", walk.round());
        payload.put("reason", why);
        payload.put("text", "Tier " + tier.number() + " (" + tier.name() + ") paged: " + title + " (" + walk.severity()
                + ", team " + walk.team() + ") — " + why);
        payload.put("link", link.orElse(null));
        payload.put("slack_users", people);
        payload.put("created_at", clock.instant().toString());
        String body;
        try {
            body = JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        PagerWebhookStore.Call call = store.enqueue(dedup, walk.subject(), walk.team(), tier.number(), body,
                clock.instant().plus(CLAIM));
        return attempt(call, inline);
    }

    /** Sends the calls that are due again (the worker's tick); returns how many were tried. */
    public int sendDue() {
        List<PagerWebhookStore.Call> due = store.claimDue(clock.instant(), CLAIM, BATCH);
        for (PagerWebhookStore.Call call : due) {
            attempt(call, retries);
        }
        return due.size();
    }

    private Outcome attempt(PagerWebhookStore.Call call, OkHttpClient http) {
        Target target = targets.get(key(call.team(), call.tier()));
        if (target == null) {
            LOG.warn("pager webhook call {} for {} given up: team {} tier {} has no webhook any more", call.id(),
                    call.subject(), call.team(), call.tier());
            store.failed(call.id(), "the tier has no webhook any more");
            return new Outcome(false, "has no pager webhook configured");
        }
        String where = target.webhook().display();
        Request.Builder request = new Request.Builder()
                .url(target.webhook().url().toString())
                .post(RequestBody.create(call.payload(), JSON_TYPE))
                .header("User-Agent", "opsbot");
        target.headers().forEach(request::header);
        int attempt = call.attempts() + 1;
        try (Response response = http.newCall(request.build()).execute()) {
            int code = response.code();
            if (code >= 200 && code < 300) {
                store.delivered(call.id());
                LOG.info("pager webhook {} accepted the page of {} (tier {}, attempt {}, dedup key {})", where,
                        call.subject(), call.tier(), attempt, call.dedupKey());
                return new Outcome(true, "answered " + code);
            }
            if (code == 429 || code >= 500) {
                Duration wait = retryAfter(response.header("Retry-After")).orElse(backoff(attempt));
                return retry(call, attempt, where, "HTTP " + code, wait);
            }
            String error = "HTTP " + code + (code >= 300 && code < 400 ? " (redirects are not followed)" : "");
            LOG.warn("pager webhook {} refused the page of {} (tier {}) with {}; not retried: check its URL and"
                    + " headers", where, call.subject(), call.tier(), error);
            store.failed(call.id(), error);
            return new Outcome(false, "refused it (" + error + "); not retried");
        } catch (IOException e) {
            return retry(call, attempt, where, e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), backoff(attempt));
        }
    }

    private Outcome retry(PagerWebhookStore.Call call, int attempt, String where, String error, Duration wait) {
        if (attempt >= MAX_ATTEMPTS) {
            LOG.warn("pager webhook {} never accepted the page of {} (tier {}): given up after {} attempts, last {}",
                    where, call.subject(), call.tier(), attempt, error);
            store.failed(call.id(), error);
            return new Outcome(false, "did not accept it (" + error + "); given up");
        }
        Instant next = clock.instant().plus(wait);
        LOG.info("pager webhook {} did not accept the page of {} (tier {}, attempt {}): {}; retrying in {} s", where,
                call.subject(), call.tier(), attempt, error, wait.toSeconds());
        store.retryAt(call.id(), next, error);
        return new Outcome(false, "did not answer 2xx (" + error + "); retrying in the background");
    }

    /** 5 s, 10 s, 20 s … up to 5 min, with up to 20 % jitter so that retries of many calls spread out. */
    static Duration backoff(int attempt) {
        long base = FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 16);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        return Duration.ofMillis(capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1));
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
}
