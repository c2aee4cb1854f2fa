package org.opsbot.bot.oncall;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.escalation.Rotation;
import org.opsbot.commands.model.OnCallOverride;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * After a reload, the times in the next day with nobody on call that the new opsbot.yaml leaves
 * and the old one did not (a member removed, a layer's hours changed) are posted to the channels
 * of the teams whose escalation uses the schedule. Every replica reloads, so each gap is posted
 * once by its key; gaps the file always had are {@code opsbot validate}'s to report, not news.
 */
public final class NewGaps {
    static final Duration AHEAD = Duration.ofHours(24);

    private final Outbox outbox;
    private final Function<Instant, List<OnCallOverride>> overrides;
    private final Clock clock;

    public NewGaps(Outbox outbox, Function<Instant, List<OnCallOverride>> overrides, Clock clock) {
        this.outbox = outbox;
        this.overrides = overrides;
        this.clock = clock;
    }

    /** Posts the gaps {@code after} has in the next day that {@code before} had not; returns how many. */
    public int changed(OpsbotConfig before, OpsbotConfig after) {
        Instant now = clock.instant();
        Instant until = now.plus(AHEAD);
        List<OnCallOverride> active = overrides.apply(now);
        int posted = 0;
        for (Schedule schedule : after.schedules().values()) {
            Schedule old = before.schedules().get(schedule.name());
            List<Rotation.Gap> had = old == null ? List.of() : Rotation.gaps(old, active, now, until);
            for (Rotation.Gap gap : Rotation.gaps(schedule, active, now, until)) {
                List<Rotation.Gap> fresh = minus(gap, had);
                for (Rotation.Gap g : fresh) {
                    String text = ":warning: After the configuration was reloaded, nobody is on call on schedule "
                            + SlackText.code(schedule.name()) + " " + SlackText.date(g.from()) + " – " + SlackText.date(g.until())
                            + ". Cover it with " + SlackText.code("/ops override " + schedule.name() + " @someone <from> until <time>")
                            + " or fix the schedule in opsbot.yaml.";
                    for (String channel : ScheduleChannels.of(after, schedule)) {
                        outbox.postOnce("gap:" + schedule.name() + ":" + g.from().toEpochMilli() + ":" + g.until().toEpochMilli()
                                + ":" + channel, channel, SlackMessage.text(text));
                        posted++;
                    }
                }
            }
        }
        return posted;
    }

    /** The parts of {@code gap} that none of {@code had} covers. */
    static List<Rotation.Gap> minus(Rotation.Gap gap, List<Rotation.Gap> had) {
        List<Rotation.Gap> left = new ArrayList<>(List.of(gap));
        for (Rotation.Gap h : had) {
            List<Rotation.Gap> next = new ArrayList<>();
            for (Rotation.Gap g : left) {
                if (!h.until().isAfter(g.from()) || !h.from().isBefore(g.until())) {
                    next.add(g);
                    continue;
                }
                if (h.from().isAfter(g.from())) {
                    next.add(new Rotation.Gap(g.from(), h.from()));
                }
                if (h.until().isBefore(g.until())) {
                    next.add(new Rotation.Gap(h.until(), g.until()));
                }
            }
            left = next;
        }
        return left;
    }
}
