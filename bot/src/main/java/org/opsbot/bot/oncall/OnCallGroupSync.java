package org.opsbot.bot.oncall;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Schedule;
import org.opsbot.commands.escalation.OnCallGroups;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.model.OnCallOverride;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The lease holder's round that keeps each schedule's {@code slack-usergroup} equal to who is on
 * call. It compares what the group should hold with what was last asked of it (kept in the
 * outbox, so a restart or a lease hand-over asks nothing twice), and asks Slack only for a
 * change: a hand-off, an override starting or ending, or the first round after the setting is
 * added. During a gap the last person stays (Slack refuses an empty group); the gap is logged
 * and said once in the schedule's team channels.
 */
final class OnCallGroupSync implements Consumer<Instant> {
    private static final Logger LOG = LoggerFactory.getLogger(OnCallGroupSync.class);
    /** Overrides that ended this long ago may still decide who was on call last. */
    private static final Duration LOOK_BACK = Duration.ofDays(1);

    private final Supplier<OpsbotConfig> config;
    private final Overrides overrides;
    private final Outbox outbox;
    // Gaps this process has reported; postOnce keeps a restart from saying one twice.
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    OnCallGroupSync(Supplier<OpsbotConfig> config, Overrides overrides, Outbox outbox) {
        this.config = config;
        this.overrides = overrides;
        this.outbox = outbox;
    }

    @Override
    public void accept(Instant now) {
        OpsbotConfig config = this.config.get();
        List<Schedule> grouped = config.schedules().values().stream().filter(s -> s.slackUsergroup().isPresent()).toList();
        if (grouped.isEmpty()) {
            return;
        }
        List<OnCallOverride> inForce = overrides.endingAfter(now.minus(LOOK_BACK));
        for (Schedule schedule : grouped) {
            String handle = schedule.slackUsergroup().get();
            OnCallGroups.wanted(schedule, inForce, now).ifPresent(wanted -> {
                List<String> members = List.of(wanted.user());
                if (!outbox.lastUsergroup(handle).filter(members::equals).isPresent()) {
                    LOG.info("Setting @{} to {} (on call for schedule {})", handle, wanted.user(), schedule.name());
                    outbox.setUsergroup(handle, members);
                }
                wanted.gapSince().ifPresent(since -> reportGap(config, schedule, handle, wanted.user(), since));
            });
        }
    }

    private void reportGap(OpsbotConfig config, Schedule schedule, String handle, String kept, Instant since) {
        String key = "usergroup-gap:" + schedule.name() + ":" + since.toEpochMilli();
        if (!reported.add(key)) {
            return;
        }
        LOG.warn("Nobody is on call for schedule {} since {}; @{} keeps {} (Slack refuses an empty user group)",
                schedule.name(), since, handle, kept);
        String line = ":warning: Nobody is on call for schedule " + SlackText.code(schedule.name()) + " since "
                + OnCallText.slack().time(since) + ". @" + SlackText.escape(handle) + " still reaches "
                + SlackText.user(kept) + ", who was on call last.";
        ScheduleChannels.of(config, schedule).forEach(c -> outbox.postOnce(key + ":" + c, c, SlackMessage.text(line)));
    }
}
