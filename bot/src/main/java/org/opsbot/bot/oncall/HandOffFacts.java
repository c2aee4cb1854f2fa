package org.opsbot.bot.oncall;

import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.maintenance.Maintenance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a hand-off tells the incoming person of the teams a schedule serves, asked of the features
 * that know it (alerts, maintenance) and handed in by {@code Bot}.
 */
public interface HandOffFacts {
    /** How many alert groups of {@code team} are open now. */
    int openAlertGroups(String team);

    /** The maintenance windows of {@code team} that overlap {@code [from, until)}, one line each. */
    List<String> maintenance(String team, Instant from, Instant until);

    /** Open groups as {@code alerts} has them; windows, running and upcoming, as {@code maintenance} has them. */
    static HandOffFacts of(Alerts alerts, Maintenance maintenance) {
        return new HandOffFacts() {
            @Override
            public int openAlertGroups(String team) {
                return alerts.open(Optional.of(team), 1_000).size();
            }

            @Override
            public List<String> maintenance(String team, Instant from, Instant until) {
                Maintenance.Overview overview = maintenance.overview();
                List<String> out = new ArrayList<>();
                overview.running().stream()
                        .filter(w -> w.team().equals(team) && w.endsAt().isAfter(from) && w.startsAt().isBefore(until))
                        .forEach(w -> out.add(line(w.title(), w.startsAt(), w.endsAt())));
                overview.upcoming().stream()
                        .filter(w -> w.team().equals(team) && w.until().isAfter(from) && w.from().isBefore(until))
                        .forEach(w -> out.add(line(w.title(), w.from(), w.until())));
                return out;
            }

            private static String line(String title, Instant from, Instant until) {
                return SlackText.escape(title) + " " + SlackText.date(from) + " – " + SlackText.date(until);
            }
        };
    }

    /** Knows nothing: no open groups, no windows. */
    HandOffFacts NONE = new HandOffFacts() {
        @Override
        public int openAlertGroups(String team) {
            return 0;
        }

        @Override
        public List<String> maintenance(String team, Instant from, Instant until) {
            return List.of();
        }
    };
}
