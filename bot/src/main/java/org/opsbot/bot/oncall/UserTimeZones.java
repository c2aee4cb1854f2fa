package org.opsbot.bot.oncall;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Each person's time zone from their Slack profile ({@code users.info}), so "at 09:00" means their
 * 09:00. Looked up at most once per person per run of the bot, and never longer than a moment:
 * the answer to a slash command must leave within Slack's 3 seconds.
 */
public final class UserTimeZones {
    private static final long WAIT_MILLIS = 1_200;

    private final Optional<MethodsClient> slack;
    private final Map<String, ZoneId> known = new ConcurrentHashMap<>();

    private UserTimeZones(Optional<MethodsClient> slack) {
        this.slack = slack;
    }

    /** Asks Slack. */
    public static UserTimeZones from(MethodsClient slack) {
        return new UserTimeZones(Optional.of(slack));
    }

    /** Dry-run: nobody's zone is known. */
    public static UserTimeZones unknown() {
        return new UserTimeZones(Optional.empty());
    }

    /** The user's zone, or empty when Slack did not say in time (the caller falls back to UTC and says so). */
    public Optional<ZoneId> of(String userId) {
        ZoneId cached = known.get(userId);
        if (cached != null || slack.isEmpty()) {
            return Optional.ofNullable(cached);
        }
        CompletableFuture<Optional<ZoneId>> lookup = CompletableFuture.supplyAsync(() -> ask(userId),
                runnable -> Thread.ofVirtual().start(runnable));
        try {
            Optional<ZoneId> zone = lookup.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            zone.ifPresent(z -> known.put(userId, z));
            return zone;
        } catch (TimeoutException | ExecutionException e) {
            // The lookup goes on and fills the cache for next time.
            lookup.thenAccept(z -> z.ifPresent(zone -> known.put(userId, zone)));
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Optional<ZoneId> ask(String userId) {
        try {
            var answer = slack.get().usersInfo(r -> r.user(userId));
            if (!answer.isOk() || answer.getUser() == null || answer.getUser().getTz() == null) {
                return Optional.empty();
            }
            return Optional.of(ZoneId.of(answer.getUser().getTz()));
        } catch (IOException | SlackApiException | DateTimeException e) {
            return Optional.empty();
        }
    }
}
