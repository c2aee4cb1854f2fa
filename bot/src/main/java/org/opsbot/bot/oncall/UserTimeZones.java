package org.opsbot.bot.oncall;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Each person's time zone from their Slack profile ({@code users.info}), so "at 09:00" means their
 * 09:00, and the name Slack shows for them, for text that names people without notifying them.
 * Looked up at most once per person per run of the bot, and never longer than a moment: the
 * answer to a slash command must leave within Slack's 3 seconds.
 */
public final class UserTimeZones {
    private static final long WAIT_MILLIS = 1_200;
    // A person Slack did not describe is not asked about again for a while: the Home tab asks
    // for every viewer's zone each round, and must not wait on a failing lookup each time.
    private static final long MISS_NANOS = TimeUnit.MINUTES.toNanos(10);

    private record Profile(Optional<ZoneId> zone, Optional<String> name) {
    }

    private final Optional<MethodsClient> slack;
    private final Map<String, Profile> known = new ConcurrentHashMap<>();
    private final Map<String, Long> missedAt = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<Profile>>> asking = new ConcurrentHashMap<>();

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
        return profile(lookup(userId), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS)).flatMap(Profile::zone);
    }

    /**
     * The names Slack shows for {@code userIds} (display name, else real name), looked up side by
     * side within one moment; a person whose name is not known then is left out.
     */
    public Map<String, String> names(Collection<String> userIds) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        Map<String, CompletableFuture<Optional<Profile>>> lookups = new LinkedHashMap<>();
        userIds.forEach(id -> lookups.put(id, lookup(id)));
        Map<String, String> names = new LinkedHashMap<>();
        lookups.forEach((id, lookup) -> profile(lookup, deadline).flatMap(Profile::name).ifPresent(n -> names.put(id, n)));
        return names;
    }

    private CompletableFuture<Optional<Profile>> lookup(String userId) {
        Profile cached = known.get(userId);
        Long missed = missedAt.get(userId);
        if (cached != null || slack.isEmpty() || missed != null && System.nanoTime() - missed < MISS_NANOS) {
            return CompletableFuture.completedFuture(Optional.ofNullable(cached));
        }
        // One lookup per person at a time; one that outlasts its caller's moment still fills the cache.
        CompletableFuture<Optional<Profile>> fresh = new CompletableFuture<>();
        CompletableFuture<Optional<Profile>> running = asking.putIfAbsent(userId, fresh);
        if (running != null) {
            return running;
        }
        Thread.ofVirtual().start(() -> {
            Optional<Profile> profile = Optional.empty();
            try {
                profile = ask(userId);
            } finally {
                profile.ifPresentOrElse(p -> {
                    known.put(userId, p);
                    missedAt.remove(userId);
                }, () -> missedAt.put(userId, System.nanoTime()));
                asking.remove(userId, fresh);
                fresh.complete(profile);
            }
        });
        return fresh;
    }

    private static Optional<Profile> profile(CompletableFuture<Optional<Profile>> lookup, long deadlineNanos) {
        try {
            return lookup.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private Optional<Profile> ask(String userId) {
        try {
            var answer = slack.get().usersInfo(r -> r.user(userId));
            if (!answer.isOk() || answer.getUser() == null) {
                return Optional.empty();
            }
            var user = answer.getUser();
            Optional<ZoneId> zone = Optional.empty();
            try {
                zone = Optional.ofNullable(user.getTz()).map(ZoneId::of);
            } catch (DateTimeException e) {
                // An unknown zone is no zone; the name is still worth having.
            }
            Optional<String> name = (user.getProfile() == null ? List.<String>of()
                    : Arrays.asList(user.getProfile().getDisplayName(), user.getProfile().getRealName()))
                    .stream().filter(n -> n != null && !n.isBlank()).findFirst()
                    .or(() -> Optional.ofNullable(user.getRealName()).filter(n -> !n.isBlank()));
            return Optional.of(new Profile(zone, name));
        } catch (IOException | SlackApiException e) {
            return Optional.empty();
        }
    }
}
