package org.opsbot.bot.stats;

import org.opsbot.bot.oncall.UserTimeZones;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.SlackFeature;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.stats.Stats;
import org.opsbot.bot.outbox.SentPosts;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** A team's on-call numbers: {@code /ops stats} and the weekly digest, each with its chart. */
public final class StatsFeature implements SlackFeature {
    private final List<OpsCommand> commands;
    private final WeeklyDigest digest;

    public StatsFeature(Stats stats, Supplier<OpsbotConfig> config, Outbox outbox, SentPosts posted,
                        UserTimeZones zones, Clock clock) {
        this.commands = List.of(new StatsCommand(stats, config, zones, clock));
        this.digest = new WeeklyDigest(stats, config, outbox, posted, zones);
    }

    @Override
    public List<OpsCommand> commands() {
        return commands;
    }

    @Override
    public List<Scheduler.Job> jobs() {
        return List.of(digest.job());
    }
}
