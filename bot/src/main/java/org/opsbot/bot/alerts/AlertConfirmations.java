package org.opsbot.bot.alerts;

import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.Durations;
import org.opsbot.commands.config.Escalation;
import org.opsbot.commands.config.Tier;
import org.opsbot.commands.model.StoredAlertGroup;
import org.opsbot.commands.model.Walk;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The answer, only for whoever acted, that says what their command or click did to which group
 * and what happens next: "Acknowledged #12 *CDCReplicationLagHigh* — escalation stopped; resolve
 * within 30m or it starts again". The thread tells everyone else; this tells the person, at once,
 * that it was the group they meant.
 */
final class AlertConfirmations {
    private AlertConfirmations() {
    }

    /**
     * Where the group's escalation stands after the act: its walk and its team's policy, or
     * empty when its team has no tiers to page.
     */
    record Escalating(Walk walk, Escalation policy) {
        static Optional<Escalating> of(Optional<Walk> walk, java.util.function.Function<Walk, Escalation> policy) {
            return walk.map(w -> new Escalating(w, policy.apply(w))).filter(e -> !e.policy().tiers().isEmpty());
        }

        /** Tier {@code index} as the group's thread names it: {@code tier 2 (Team lead)}. */
        String tier(int index) {
            List<Tier> tiers = policy.tiers();
            return "tier " + (index + 1) + (index < tiers.size() ? " (" + SlackText.plain(tiers.get(index).name(), 60) + ")" : "");
        }
    }

    /** {@code #12 *Title*}: the id people type and the title they recognise. */
    static String ref(StoredAlertGroup g) {
        return "#" + g.id() + " *" + SlackText.plain(g.title(), 80) + "*";
    }

    static String acknowledged(StoredAlertGroup g, Optional<Escalating> escalating, Optional<Duration> resolveWithin) {
        return ":white_check_mark: Acknowledged " + ref(g) + escalating.map(e -> " — escalation stopped"
                + resolveWithin.map(d -> "; resolve within " + Durations.format(d) + " or it starts again").orElse(""))
                .orElse(".");
    }

    /**
     * @param pagedSince the first tier paged since the unack, if the escalation loop already
     *                   reached it; otherwise the walk's next tier is where it starts again
     */
    static String unacknowledged(StoredAlertGroup g, Optional<Escalating> escalating, OptionalInt pagedSince) {
        return ":leftwards_arrow_with_hook: Unacknowledged " + ref(g) + escalating.map(e -> {
            Walk w = e.walk();
            if (pagedSince.isEmpty() && w.status() != Walk.Status.WALKING) {
                return " — it waits for someone to acknowledge it.";
            }
            return " — escalation starts again from " + e.tier(pagedSince.orElse(w.nextTier())) + ".";
        }).orElse(" — it waits for someone to acknowledge it.");
    }

    static String resolved(StoredAlertGroup g, Optional<Escalating> escalating) {
        return ":large_green_circle: Resolved " + ref(g) + escalating.map(e -> " — escalation stopped.").orElse(".");
    }

    static String snoozed(StoredAlertGroup g, Instant until, Duration duration) {
        return ":zzz: Snoozed " + ref(g) + " until " + SlackText.date(until) + " (" + Durations.format(duration)
                + "): the bot stays quiet about it; the source still fires.";
    }

    static String escalated(StoredAlertGroup g, Optional<Escalating> escalating) {
        return ":arrow_double_up: Escalated " + ref(g) + escalating.filter(e -> e.walk().lastTier() >= 0)
                .map(e -> " to " + e.tier(e.walk().lastTier()) + ".").orElse(": the next tier is being paged.");
    }

    static String silenced(StoredAlertGroup g) {
        return ":mute: Silenced " + ref(g) + " in Alertmanager"
                + (g.mutes().silencedUntil() == null ? "" : " until " + SlackText.date(g.mutes().silencedUntil()))
                + ": it sends nothing until then.";
    }

    static String unsilenced(StoredAlertGroup g) {
        return ":loud_sound: Removed the Alertmanager silence of " + ref(g) + ": its alerts come through again.";
    }
}
