package org.opsbot.bot.stats;

import org.opsbot.bot.oncall.UserTimeZones;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.commands.yaml.Suggestions;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.stats.Stats;
import org.opsbot.commands.stats.StatsPeriod;
import org.opsbot.commands.stats.TeamStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /ops stats [team] [7d|30d|from YYYY-MM-DD to YYYY-MM-DD]}: a team's on-call load,
 * posted where it was asked with its chart. Open to everyone: it is the team's own load.
 */
final class StatsCommand implements OpsCommand {
    private static final Logger LOG = LoggerFactory.getLogger(StatsCommand.class);

    private final Stats stats;
    private final Supplier<OpsbotConfig> config;
    private final UserTimeZones zones;
    private final Clock clock;

    StatsCommand(Stats stats, Supplier<OpsbotConfig> config, UserTimeZones zones, Clock clock) {
        this.stats = stats;
        this.config = config;
        this.zones = zones;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "stats";
    }

    @Override
    public String usage() {
        return "[team|all] [7d|30d|from YYYY-MM-DD to YYYY-MM-DD]";
    }

    @Override
    public String summary() {
        return "alert groups, pages, time to acknowledge and resolve, noisiest alerts, with a chart";
    }

    @Override
    public CommandReply handle(OpsInvocation in) throws UsageException {
        List<String> args = in.args();
        Optional<String> team = Optional.empty();
        int rest = 0;
        if (!args.isEmpty() && args.getFirst().equalsIgnoreCase(OpsInvocation.ALL_TEAMS)) {
            rest = 1;
        } else if (!args.isEmpty() && !looksLikePeriod(args.getFirst())) {
            team = Optional.of(team(args.getFirst()));
            rest = 1;
        } else {
            team = in.teamOr(Optional.empty());
        }
        Optional<ZoneId> known = zones.of(in.userId());
        ZoneId zone = known.orElse(ZoneOffset.UTC);
        StatsPeriod period;
        try {
            period = StatsPeriod.parse(String.join(" ", args.subList(rest, args.size())), zone, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new UsageException(SlackText.escape(e.getMessage()));
        }
        Optional<String> chosen = team;
        String zoneNote = known.isPresent() ? "" : " (days in UTC: your Slack time zone was not at hand)";
        in.executor().execute(() -> post(in, chosen, period, zoneNote));
        return CommandReply.ephemeral(":hourglass_flowing_sand: Working out the stats for "
                + SlackText.escape(chosen.orElse("all teams")) + ", " + period.label() + zoneNote + "…");
    }

    private void post(OpsInvocation in, Optional<String> team, StatsPeriod period, String zoneNote) {
        try {
            TeamStats s = stats.of(team, period);
            long posted = in.outbox().post(in.channelId(), StatsText.slack(s, "Asked by " + in.userName()
                    + " · /ops stats " + String.join(" ", in.args()) + zoneNote, zones.names(StatsText.people(s))));
            in.outbox().shareBytes(in.channelId(), StatsChart.fileName(s), StatsText.title(s), StatsChart.png(s), in.userId());
            LOG.debug("stats for {} posted as outbox call {}", team.orElse("all teams"), posted);
        } catch (RuntimeException e) {
            LOG.error("/ops stats failed", e);
            in.outbox().ephemeral(in.channelId(), in.userId(), org.opsbot.bot.outbox.SlackMessage.text(
                    ":x: The stats could not be worked out (" + SlackText.escape(String.valueOf(e.getMessage()))
                            + "). The log has the details; try again in a minute."));
        }
    }

    private static boolean looksLikePeriod(String word) {
        return word.equals("from") || word.matches("\\d+d");
    }

    private String team(String name) throws UsageException {
        if (config.get().teams().containsKey(name)) {
            return name;
        }
        String hint = Suggestions.closest(name, config.get().teams().keySet()).map(t -> " Did you mean " + SlackText.code(t) + "?")
                .orElse(" Teams: " + String.join(", ", config.get().teams().keySet().stream().map(SlackText::code).toList()) + ".");
        throw new UsageException("There is no team " + SlackText.code(name, 40) + "." + hint
                + " A period is written " + StatsPeriod.EXAMPLES + ".");
    }
}
