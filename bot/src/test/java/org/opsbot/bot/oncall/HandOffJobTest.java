package org.opsbot.bot.oncall;

import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.RecordingOutbox;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.escalation.HandOffs;
import org.opsbot.commands.escalation.Overrides;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a hand-off says: the notice to the incoming person and the line in the team's channel. */
class HandOffJobTest {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            schedules:
              cdc-primary:
                time-zone: UTC
                rotation: daily
                start: 2026-01-05
                hand-off: "09:00"
                members: [U0ALICE001, U0BOB00001]
            teams:
              cdc:
                channel: "#cdc"
                escalation:
                  tiers:
                    - {name: On-call, notify: ["schedule:cdc-primary"]}
            routes: [{team: cdc}]
            """, "opsbot.yaml").require();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-06T07:00:00Z"));
    private final RecordingOutbox outbox = new RecordingOutbox();
    private final HandOffFacts facts = new HandOffFacts() {
        @Override
        public int openAlertGroups(String team) {
            return team.equals("cdc") ? 2 : 0;
        }

        @Override
        public List<String> maintenance(String team, Instant from, Instant until) {
            return List.of("db-upgrade (Wed)");
        }
    };

    private List<String> texts(String target) {
        return outbox.calls().stream().filter(c -> c.target().equals(target)).map(c -> c.message().text()).toList();
    }

    @Test
    void theIncomingPersonIsToldWhatAwaitsThemAndTheTeamWhoIsOnCall() {
        try (Database db = TestDatabases.open(Dialect.SQLITE)) {
            Overrides overrides = new Overrides(db, CONFIG, new AuditLog(db, clock), clock);
            HandOffJob job = new HandOffJob(() -> CONFIG, overrides, new HandOffs(db, clock), outbox, facts);
            job.accept(clock.instant());
            assertThat(outbox.calls()).as("nothing on first sight").isEmpty();

            clock.advance(Duration.ofHours(1));
            job.accept(clock.instant());
            assertThat(texts("U0BOB00001")).singleElement().asString()
                    .contains("You are on call for schedule `cdc-primary` (cdc)", "taking over from <@U0ALICE001>",
                            "2 open alert groups", "Maintenance during your shift: db-upgrade (Wed)");
            assertThat(texts("#cdc")).isEmpty();

            clock.advance(Duration.ofHours(1));
            job.accept(clock.instant());
            job.accept(clock.instant());
            assertThat(texts("#cdc")).singleElement().asString()
                    .startsWith(":arrows_counterclockwise: <@U0BOB00001> is on call for cdc until <!date^1767776400^")
                    .endsWith("· 2 open alert groups");
            assertThat(texts("U0BOB00001")).hasSize(1);
        }
    }
}
