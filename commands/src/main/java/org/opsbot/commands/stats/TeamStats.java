package org.opsbot.commands.stats;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A team's on-call load over a period: what {@code /ops stats}, {@code opsbot stats} and the
 * weekly digest show. {@code team} empty means every team together.
 *
 * @param pagesByTier      tier name → pages sent
 * @param pagesByPerson    Slack user id (or pager name) → pages sent
 * @param pagesByHour      24 counts: pages sent in each hour of the day, in the period's zone
 * @param onCallHours      person → hours on call in the period, per the schedules
 * @param onCallFromSchedule true while hours come from today's schedules, not recorded hand-offs
 */
public record TeamStats(Optional<String> team, StatsPeriod period, int groupsOpened, int pagesSent, int pagesNotReached,
                        Map<String, Integer> pagesByTier, Map<String, Integer> pagesByPerson,
                        int pagesInHours, int pagesOutOfHours, List<SeverityTimes> severities,
                        int escalatedPastFirstTier, List<NoisyAlert> noisiest, Incidents incidents,
                        Map<String, Double> onCallHours, boolean onCallFromSchedule, List<Integer> pagesByHour,
                        List<DayAck> ackByDay) {

    public TeamStats {
        pagesByTier = Map.copyOf(pagesByTier);
        pagesByPerson = Map.copyOf(pagesByPerson);
        severities = List.copyOf(severities);
        noisiest = List.copyOf(noisiest);
        onCallHours = Map.copyOf(onCallHours);
        pagesByHour = List.copyOf(pagesByHour);
        ackByDay = List.copyOf(ackByDay);
    }

    /**
     * Time to acknowledge and to resolve one severity's groups, against its targets.
     *
     * @param ackedInTime groups acknowledged within {@code ackWithin}
     */
    public record SeverityTimes(String severity, int groups, Percentiles ack, Optional<Duration> ackWithin, int ackedInTime,
                                Percentiles resolve, Optional<Duration> resolveWithin, int resolvedInTime) {
    }

    /** @param resolvedUnacked groups resolved without anyone acknowledging them */
    public record NoisyAlert(String alertname, int groups, int resolvedUnacked, int notActionable) {
    }

    public record Incidents(int declared, Percentiles durations) {
    }

    /** The median time to acknowledge of the groups opened that day; empty when none was acked. */
    public record DayAck(LocalDate day, Optional<Duration> median, Optional<Duration> target) {
    }
}
