package org.opsbot.commands.runbook;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.check.Check;
import org.opsbot.commands.check.DiskKind;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduleCalendarTest {
    private static final Schedule SIX_UTC = new Schedule("0 6 * * *", ZoneId.of("UTC"), Optional.of("#cdc-alerts"));
    private static final Schedule SIX_BERLIN = new Schedule("0 6 * * *", ZoneId.of("Europe/Berlin"), Optional.empty());

    private static Runbook runbook(Schedule... schedules) {
        return new Runbook("cdc", "CDC", "cdc", Optional.empty(), List.of(schedules),
                List.of(new Check("disk", new DiskKind.Disk("/"))), List.of(), List.of(), Path.of("cdc.yaml"));
    }

    @Test
    void aScheduleIsDueOnceItsTimeHasComeSinceItLastFired() {
        Instant yesterday = Instant.parse("2026-11-21T06:00:00Z");

        assertThat(ScheduleCalendar.due(runbook(SIX_UTC), Map.of(SIX_UTC.key(), yesterday), Instant.parse("2026-11-22T05:59:00Z")))
                .isEmpty();
        assertThat(ScheduleCalendar.due(runbook(SIX_UTC), Map.of(SIX_UTC.key(), yesterday), Instant.parse("2026-11-22T06:00:20Z")))
                .singleElement().satisfies(d -> {
                    assertThat(d.scheduledFor()).isEqualTo(Instant.parse("2026-11-22T06:00:00Z"));
                    assertThat(d.actor()).isEqualTo("schedule:0 6 * * *");
                });
    }

    @Test
    void runsMissedDuringThreeDaysOfDowntimeRunOnceNotThreeTimes() {
        Instant lastFired = Instant.parse("2026-11-19T06:00:00Z");
        Instant backUp = Instant.parse("2026-11-22T10:00:00Z");

        List<ScheduleCalendar.DueRun> due = ScheduleCalendar.due(runbook(SIX_UTC), Map.of(SIX_UTC.key(), lastFired), backUp);

        assertThat(due).singleElement().satisfies(d -> {
            assertThat(d.scheduledFor()).isEqualTo(Instant.parse("2026-11-22T06:00:00Z"));
            assertThat(d.late()).isEqualTo(Duration.ofHours(4));
        });
        assertThat(ScheduleCalendar.due(runbook(SIX_UTC), Map.of(SIX_UTC.key(), due.get(0).scheduledFor()), backUp.plusSeconds(60)))
                .as("once recorded, it is not due again").isEmpty();
    }

    @Test
    void aScheduleThatNeverFiredWaitsForItsNextTime() {
        assertThat(ScheduleCalendar.due(runbook(SIX_UTC), Map.of(), Instant.parse("2026-11-22T10:00:00Z"))).isEmpty();
        assertThat(ScheduleCalendar.due(runbook(SIX_UTC), Map.of(), Instant.parse("2026-11-22T06:00:30Z"))).hasSize(1);
    }

    @Test
    void theCronIsReadInTheSchedulesTimeZone() {
        Instant winter = Instant.parse("2026-11-22T05:00:10Z");
        Instant summer = Instant.parse("2026-07-01T04:00:10Z");

        assertThat(ScheduleCalendar.latest(SIX_BERLIN, winter)).contains(Instant.parse("2026-11-22T05:00:00Z"));
        assertThat(ScheduleCalendar.latest(SIX_BERLIN, summer)).contains(Instant.parse("2026-07-01T04:00:00Z"));
        assertThat(ScheduleCalendar.next(SIX_BERLIN, winter)).contains(Instant.parse("2026-11-23T05:00:00Z"));
    }

    @Test
    void eachScheduleOfARunbookIsJudgedOnItsOwn() {
        Instant now = Instant.parse("2026-11-22T06:00:10Z");
        Map<String, Instant> fired = Map.of(SIX_UTC.key(), Instant.parse("2026-11-22T06:00:00Z"),
                SIX_BERLIN.key(), Instant.parse("2026-11-21T05:00:00Z"));

        assertThat(ScheduleCalendar.due(runbook(SIX_UTC, SIX_BERLIN), fired, now))
                .extracting(ScheduleCalendar.DueRun::schedule).containsExactly(SIX_BERLIN);
    }
}
