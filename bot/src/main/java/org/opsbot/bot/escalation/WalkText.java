package org.opsbot.bot.escalation;

import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.Escalation;
import org.opsbot.commands.config.Tier;
import org.opsbot.commands.model.Walk;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where an escalation stands, in one line for the subject's message. */
public final class WalkText {
    private WalkText() {
    }

    public static Optional<String> status(Walk walk, Escalation policy) {
        List<Tier> tiers = policy.tiers();
        if (tiers.isEmpty()) {
            return Optional.empty();
        }
        return switch (walk.status()) {
            case STOPPED -> Optional.empty();
            case ENDED -> Optional.of(":mega: Escalation: all " + tiers.size() + " tiers paged");
            case ACKNOWLEDGED -> Optional.of(":pause_button: Escalation paused"
                    + walk.dueAt().map(d -> ", resumes " + date(d) + " unless resolved").orElse(""));
            case WALKING -> {
                String done = walk.lastTier() >= 0
                        ? "tier " + (walk.lastTier() + 1) + " (" + SlackText.escape(tiers.get(walk.lastTier()).name()) + ") paged"
                        : "";
                String next = walk.nextTier() < tiers.size()
                        ? "next: tier " + (walk.nextTier() + 1) + " (" + SlackText.escape(tiers.get(walk.nextTier()).name()) + ")"
                        + walk.dueAt().map(d -> " " + date(d)).orElse("")
                        : "";
                yield Optional.of(":mega: Escalation: " + (done.isEmpty() ? next : next.isEmpty() ? done : done + "; " + next));
            }
        };
    }

    private static final java.time.format.DateTimeFormatter FALLBACK =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC);

    /** At a time each reader sees in their own zone; the fallback is for notifications and the log. */
    private static String date(Instant at) {
        return "at " + SlackText.date(at, "{time}", FALLBACK.format(at));
    }
}
