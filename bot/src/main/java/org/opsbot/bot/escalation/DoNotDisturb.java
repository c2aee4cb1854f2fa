package org.opsbot.bot.escalation;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a person is in Slack's Do Not Disturb right now ({@code dnd.info}): a DM to them then
 * makes no sound, so it is not a page.
 */
public interface DoNotDisturb {

    /** Until when the person is in Do Not Disturb, or empty when they can be reached (or it cannot be told). */
    Optional<Instant> until(String userId);

    /** Dry-run: nobody is. */
    static DoNotDisturb nobody() {
        return user -> Optional.empty();
    }

    /** Asks Slack. If Slack cannot say, the person counts as reachable: the DM waits in the outbox. */
    static DoNotDisturb askSlack(MethodsClient slack, Clock clock) {
        return user -> {
            try {
                var info = slack.dndInfo(r -> r.user(user));
                if (!info.isOk()) {
                    return Optional.empty();
                }
                long now = clock.instant().getEpochSecond();
                if (info.isSnoozeEnabled() && info.getSnoozeEndtime() != null && info.getSnoozeEndtime() > now) {
                    return Optional.of(Instant.ofEpochSecond(info.getSnoozeEndtime()));
                }
                if (info.isDndEnabled() && info.getNextDndStartTs() != null && info.getNextDndEndTs() != null
                        && info.getNextDndStartTs() <= now && now < info.getNextDndEndTs()) {
                    return Optional.of(Instant.ofEpochSecond(info.getNextDndEndTs()));
                }
                return Optional.empty();
            } catch (IOException | SlackApiException e) {
                return Optional.empty();
            }
        };
    }
}
