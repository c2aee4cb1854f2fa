package org.opsbot.bot.stats;

import org.opsbot.bot.oncall.UserTimeZones;
import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.commands.config.Digest;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Team;
import org.opsbot.commands.stats.Stats;
import org.opsbot.commands.stats.StatsPeriod;
import org.opsbot.commands.stats.TeamStats;
import org.opsbot.bot.outbox.SentPosts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Posts each team's weekly digest to its channel at its {@code digest:} time: the seven days
 * before, with the chart. Runs on the lease holder, and each digest is posted once by its key
 * ({@code digest:<team>:<date>}), so two replicas or a restart never post it twice; one missed
 * while the bot was down is posted when it is back within a day, an older one is skipped. It
 * names people by their Slack names rather than mentions, so a digest notifies nobody.
 */
final class WeeklyDigest {
    static final Duration LATE_AT_MOST = Duration.ofDays(1);
    private static final Logger LOG = LoggerFactory.getLogger(WeeklyDigest.class);

    private final Stats stats;
    private final Supplier<OpsbotConfig> config;
    private final Outbox outbox;
    private final SentPosts posted;
    private final UserTimeZones people;

    WeeklyDigest(Stats stats, Supplier<OpsbotConfig> config, Outbox outbox, SentPosts posted, UserTimeZones people) {
        this.stats = stats;
        this.config = config;
        this.outbox = outbox;
        this.posted = posted;
        this.people = people;
    }

    Scheduler.Job job() {
        return Scheduler.Job.onLeaseHolder("weekly-digest", this::runDue);
    }

    void runDue(Instant now) {
        OpsbotConfig cfg = config.get();
        for (Team team : cfg.teams().values()) {
            Digest digest = team.digest();
            Optional<String> channel = team.channel().or(() -> cfg.slack().defaultChannel());
            if (!digest.enabled() || channel.isEmpty()) {
                continue;
            }
            ZoneId zone = digest.zone().orElse(Stats.zone(team, cfg));
            ZonedDateTime due = lastOccurrence(digest, zone, now);
            if (Duration.between(due.toInstant(), now).compareTo(LATE_AT_MOST) > 0) {
                continue;
            }
            // The message and its chart each go into the outbox once by key: a stop between the
            // two leaves only the missing one to do.
            String key = "digest:" + team.name() + ":" + due.toLocalDate();
            String chartKey = key + ":chart";
            boolean message = !posted.hasKey(key);
            boolean chart = !posted.hasKey(chartKey);
            if (!message && !chart) {
                continue;
            }
            try {
                LocalDate last = due.toLocalDate().minusDays(1);
                TeamStats s = stats.of(Optional.of(team.name()), new StatsPeriod(last.minusDays(6), last, zone));
                if (message) {
                    outbox.postOnce(key, channel.get(), StatsText.slack(s, "Weekly digest · /ops stats " + team.name()
                            + " for any period · digest: in opsbot.yaml sets its day and time", people.names(StatsText.people(s))));
                }
                if (chart) {
                    outbox.shareBytesOnce(chartKey, channel.get(), StatsChart.fileName(s), StatsText.title(s), StatsChart.png(s));
                }
                LOG.info("Posted the weekly digest of {} for {}", team.name(), s.period().label());
            } catch (RuntimeException e) {
                // Not marked as posted: the next tick tries again.
                LOG.error("The weekly digest of {} could not be worked out; trying again", team.name(), e);
            }
        }
    }

    /** The digest's time this week, or last week's if this week's is still ahead. */
    static ZonedDateTime lastOccurrence(Digest digest, ZoneId zone, Instant now) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime candidate = local.with(TemporalAdjusters.previousOrSame(digest.day())).with(digest.at());
        return candidate.isAfter(local) ? candidate.minusWeeks(1) : candidate;
    }
}
