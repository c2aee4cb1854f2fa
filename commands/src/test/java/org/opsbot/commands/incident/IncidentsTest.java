package org.opsbot.commands.incident;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.alert.AlertSources;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.escalation.Pager;
import org.opsbot.commands.model.Incident;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.OverrideStore;
import org.opsbot.commands.store.TestDatabases;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class IncidentsTest {
    private static final OpsbotConfig CONFIG = ConfigLoader.bundledExample().require();
    private static final String ALICE = "U0ALICE001";
    private static final String BOB = "U0BOB00001";

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T03:00:00Z"));
    private final List<String> pages = new ArrayList<>();
    @TempDir
    Path templates;
    private Escalations escalations;

    private Incidents incidents(Database db) {
        AuditLog audit = new AuditLog(db, clock);
        Pager pager = (walk, tier, why) -> {
            tier.people().forEach(p -> pages.add(walk.subject() + " → " + p.userId()));
            return new Pager.Result(tier.people().stream().map(p -> p.userId()).toList(), List.of());
        };
        escalations = new Escalations(new EscalationStore(db, clock), CONFIG, GroupDirectory.none(),
                new OverrideStore(db, clock), audit, pager, clock);
        return new Incidents(db, CONFIG, escalations, audit, clock);
    }

    private static long alertGroup(Alerts alerts) throws Exception {
        String json = """
                {"receiver":"opsbot","status":"firing","alerts":[
                 {"status":"firing","labels":{"alertname":"ReplicationLagHigh","team":"cdc","severity":"critical"},
                  "annotations":{"summary":"Replication lag is 1200s","runbook":"cdc-morning"},"startsAt":"2026-11-22T02:58:00Z",
                  "endsAt":"0001-01-01T00:00:00Z","fingerprint":"fp1"}],
                 "groupLabels":{"alertname":"ReplicationLagHigh"},"commonLabels":{"team":"cdc"},"commonAnnotations":{},
                 "externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\\"ReplicationLagHigh\\"}",
                 "truncatedAlerts":0}""";
        return alerts.receive(AlertSources.webhook("alertmanager").parse(json.getBytes(StandardCharsets.UTF_8)))
                .changes().getFirst().group().id();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aProceduresStepsRecordedAgainstAnIncidentAreInItsTimeline(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Incidents incidents = incidents(db);
            Incident incident = incidents.declare(incidents.severity("P3"), Optional.of("cdc"), "Source connector failed",
                    ALICE, Optional.of("C0INC00001"), Optional.empty());
            AuditLog audit = new AuditLog(db, clock);
            clock.advance(Duration.ofMinutes(1));
            audit.append(ALICE, "procedure.start", incident.subject(), java.util.Map.of("procedure", "cdc-morning/recover-connector", "run", 7));
            audit.append(BOB, "procedure.step", incident.subject(), java.util.Map.of("procedure", "cdc-morning/recover-connector",
                    "run", 7, "step", 1, "outcome", "done", "text", "Read why it failed"));
            audit.append("opsbot", "procedure.stop", incident.subject(), java.util.Map.of("procedure", "cdc-morning/recover-connector",
                    "run", 7, "outcome", "stopped at step 4: Source connector running CRIT"));

            assertThat(incidents.timeline(incident.id())).filteredOn(e -> e.kind().startsWith("procedure."))
                    .extracting(TimelineEntry::source, TimelineEntry::actor, TimelineEntry::text)
                    .containsExactly(
                            tuple("procedure", ALICE, "procedure cdc-morning/recover-connector (#7): started"),
                            tuple("procedure", BOB, "procedure cdc-morning/recover-connector (#7), step 1 done: Read why it failed"),
                            tuple("procedure", "opsbot", "procedure cdc-morning/recover-connector (#7): stopped at step 4:"
                                    + " Source connector running CRIT"));
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aFullIncidentKeepsItsTimesAndATimelineInOrderFromEverySource(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Incidents incidents = incidents(db);
            Alerts alerts = new Alerts(db, CONFIG, clock);
            long group = alertGroup(alerts);

            Incident declared = incidents.declare(incidents.severity("p1"), Optional.of("cdc"), "Orders are not replicated",
                    ALICE, Optional.of("C0INC00001"), Optional.empty());
            assertThat(declared.commander()).isEqualTo(ALICE);
            assertThat(incidents.pages("P1")).isTrue();
            assertThat(incidents.pages("P3")).isFalse();
            escalations.fireDue();
            assertThat(pages).as("P1 pages the team's first tier at once").isNotEmpty();

            clock.advance(Duration.ofMinutes(1));
            assertThat(incidents.link(declared.id(), group, ALICE).changed()).isTrue();
            assertThat(incidents.link(declared.id(), group, ALICE).why()).contains("linked already");
            clock.advance(Duration.ofMinutes(2));
            alerts.acknowledge(group, BOB);
            new AuditLog(db, clock).append(BOB, "check.run", "cdc-morning", java.util.Map.of("status", "WARN", "summary", "lag 1200s"));
            new AuditLog(db, clock).append(BOB, "check.run", "other-runbook", java.util.Map.of("status", "OK"));
            clock.advance(Duration.ofSeconds(1));
            assertThat(incidents.acknowledge(declared.id(), BOB).changed()).isTrue();
            assertThat(incidents.acknowledge(declared.id(), ALICE).why()).contains(BOB);
            clock.advance(Duration.ofMinutes(10));
            incidents.update(declared.id(), ALICE, "Failing over to the replica");
            incidents.handOver(declared.id(), ALICE, BOB);
            clock.advance(Duration.ofMinutes(5));
            incidents.mitigate(declared.id(), BOB);
            clock.advance(Duration.ofMinutes(30));
            Incident resolved = incidents.resolve(declared.id(), BOB).incident();

            assertThat(resolved.commander()).isEqualTo(BOB);
            assertThat(resolved.timeToAcknowledge()).contains(Duration.ofMinutes(3).plusSeconds(1));
            assertThat(resolved.timeToMitigate()).contains(Duration.ofMinutes(18).plusSeconds(1));
            assertThat(resolved.timeToResolve()).contains(Duration.ofMinutes(48).plusSeconds(1));
            assertThat(incidents.resolve(declared.id(), ALICE).changed()).isFalse();
            assertThat(incidents.open()).isEmpty();

            List<TimelineEntry> timeline = incidents.timeline(declared.id());
            assertThat(timeline).extracting(TimelineEntry::at).isSorted();
            assertThat(timeline).extracting(TimelineEntry::text).containsSubsequence(
                    "ReplicationLagHigh fired: Replication lag is 1200s",
                    "P1 declared: Orders are not replicated",
                    "linked alert group #" + group + ": ReplicationLagHigh",
                    "acknowledged alert group #" + group + " (ReplicationLagHigh)",
                    "checks of runbook cdc-morning: WARN — lag 1200s",
                    "acknowledged the incident",
                    "Failing over to the replica",
                    "<@" + BOB + "> is the commander now",
                    "marked the impact mitigated",
                    "resolved the incident");
            assertThat(timeline).anySatisfy(e -> assertThat(e.text()).startsWith("escalation: "));
            assertThat(timeline).noneMatch(e -> e.text().contains("other-runbook"));
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void theTimelineCreditsEachLinkedAlertToTheSourceThatSentIt(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Incidents incidents = incidents(db);
            Alerts alerts = new Alerts(db, CONFIG, clock);
            long fromAlertmanager = alertGroup(alerts);
            String grafana = """
                    {"receiver":"opsbot","status":"%1$s","orgId":1,"alerts":[
                     {"status":"%1$s","labels":{"alertname":"HighMemory","team":"cdc"},"annotations":{},
                      "startsAt":"2026-11-22T02:50:00Z","endsAt":"%2$s","fingerprint":"g1","values":{"B":91}}],
                     "groupKey":"{}:{alertname=\\"HighMemory\\"}","externalURL":"https://grafana.example/","version":"1"}""";
            long fromGrafana = alerts.receive(AlertSources.webhook("grafana").parse(grafana
                    .formatted("firing", "0001-01-01T00:00:00Z").getBytes(StandardCharsets.UTF_8))).changes().getFirst().group().id();
            alerts.receive(AlertSources.webhook("grafana").parse(grafana
                    .formatted("resolved", "2026-11-22T02:55:00Z").getBytes(StandardCharsets.UTF_8)));
            long fromScript = alerts.receive(AlertSources.webhook("generic").parse("""
                    {"title":"Nightly backup failed","labels":{"team":"cdc"},"startsAt":"2026-11-22T02:40:00Z"}"""
                    .getBytes(StandardCharsets.UTF_8))).changes().getFirst().group().id();
            Incident incident = incidents.declare(incidents.severity("P2"), Optional.of("cdc"), "Replication is slow",
                    ALICE, Optional.empty(), Optional.empty());
            for (long group : List.of(fromAlertmanager, fromGrafana, fromScript)) {
                incidents.link(incident.id(), group, ALICE);
            }

            assertThat(incidents.timeline(incident.id()))
                    .filteredOn(e -> e.kind().startsWith("ALERT_"))
                    .extracting(TimelineEntry::source, TimelineEntry::kind, TimelineEntry::actor)
                    .containsExactlyInAnyOrder(
                            tuple("alert-group:" + fromAlertmanager, "ALERT_FIRING", "alertmanager"),
                            tuple("alert-group:" + fromGrafana, "ALERT_FIRING", "grafana"),
                            tuple("alert-group:" + fromGrafana, "ALERT_RESOLVED", "grafana"),
                            tuple("alert-group:" + fromScript, "ALERT_FIRING", "generic"));
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void commandsWithoutAnIdFindTheIncidentOfTheChannelAndSayWhenThereAreSeveral(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            Incidents incidents = incidents(db);
            Incident first = incidents.declare(incidents.severity("P3"), Optional.empty(), "Slow search", ALICE,
                    Optional.of("C1"), Optional.empty());
            assertThat(incidents.ofChannel("C1").id()).isEqualTo(first.id());
            assertThatThrownBy(() -> incidents.ofChannel("C2")).hasMessageContaining("No open incident");
            incidents.declare(incidents.severity("P4"), Optional.empty(), "Typos", ALICE, Optional.of("C1"), Optional.empty());
            assertThatThrownBy(() -> incidents.ofChannel("C1")).hasMessageContaining("Several incidents");
            escalations.fireDue();
            assertThat(pages).as("low severities page nobody").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aQuietIncidentIsRemindedOncePerQuietSpell(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            Incidents incidents = incidents(db);
            Incident p1 = incidents.declare(incidents.severity("P1"), Optional.empty(), "Outage", ALICE,
                    Optional.empty(), Optional.empty());
            clock.advance(Duration.ofMinutes(29));
            assertThat(incidents.claimReminders()).isEmpty();
            clock.advance(Duration.ofMinutes(1));
            assertThat(incidents.claimReminders()).extracting(Incident::id).containsExactly(p1.id());
            assertThat(incidents.claimReminders()).isEmpty();
            incidents.update(p1.id(), ALICE, "Still on it");
            clock.advance(Duration.ofMinutes(30));
            assertThat(incidents.claimReminders()).extracting(Incident::id).containsExactly(p1.id());
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void badRequestsSayWhatWouldBeRight(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            Incidents incidents = incidents(db);
            assertThatThrownBy(() -> incidents.severity("P9")).hasMessageContaining("P1, P2, P3, P4");
            assertThatThrownBy(() -> incidents.declare(incidents.severity("P2"), Optional.of("nope"), "x", ALICE,
                    Optional.empty(), Optional.empty())).hasMessageContaining("no team `nope`");
            assertThatThrownBy(() -> incidents.update(42, ALICE, "hi")).hasMessageContaining("no incident #42");
            assertThatThrownBy(() -> incidents.link(42, 1, ALICE)).hasMessageContaining("no incident #42");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void thePostmortemShowsTheTimelineInOrderWithComputedDurations(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Incidents incidents = incidents(db);
            Incident i = incidents.declare(incidents.severity("P2"), Optional.of("cdc"), "Checkout is slow", ALICE,
                    Optional.empty(), Optional.empty());
            clock.advance(Duration.ofSeconds(270));
            incidents.acknowledge(i.id(), BOB);
            clock.advance(Duration.ofMinutes(20));
            incidents.update(i.id(), BOB, "Cache | warmed");
            clock.advance(Duration.ofMinutes(95).minusSeconds(270));
            incidents.resolve(i.id(), BOB);

            String md = new Postmortems(incidents, templates, clock).render(i.id()).markdown();

            assertThat(md).contains("# Postmortem: Checkout is slow", "| Severity | P2 (Major degradation) |",
                    "Time to acknowledge: 4m 30s (target 1h, met)", "Time to mitigate: 1h 55m", "Time to resolve: 1h 55m",
                    "- U0ALICE001", "- U0BOB00001 (commander)".replace(" (commander)", ""),
                    "| 2026-11-22 03:00:00 UTC | 0s | U0ALICE001 | P2 declared: Checkout is slow |",
                    "Cache \\| warmed", "## Root cause", "## Impact", "## Follow-ups", "No alert groups were linked.");
            assertThat(md.indexOf("P2 declared")).isLessThan(md.indexOf("acknowledged the incident"));
            assertThat(md.indexOf("acknowledged the incident")).isLessThan(md.indexOf("Cache \\| warmed"));
            assertThat(md.indexOf("Cache \\| warmed")).isLessThan(md.indexOf("resolved the incident"));
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void thePostmortemShowsWhatPeopleWroteAsTextInMarkdownNotAsMarkupOfAnyKind(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Incidents incidents = incidents(db);
            Incident i = incidents.declare(incidents.severity("P3"), Optional.empty(),
                    "*Checkout* <script>x</script> [click me](https://evil.example) <!here> & <@U0X|x>", ALICE,
                    Optional.empty(), Optional.empty());
            incidents.update(i.id(), BOB, "1. not a list\n# not a heading | not a cell &lt;b&gt;");

            String md = new Postmortems(incidents, templates, clock).render(i.id()).markdown();

            assertThat(md).contains("# Postmortem: \\*Checkout\\* \\<script\\>x\\</script\\> \\[click me\\](https://evil.example)"
                            + " \\<!here\\> \\& \\<@U0X\\|x\\>",
                    "| U0BOB00001 | 1\\. not a list # not a heading \\| not a cell \\&lt;b\\&gt; |")
                    .doesNotContain("<script>", "[click me]", "&amp;", "&lt;!here");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aTemplateInTheFolderOverridesTheBundledOneAndAPerSeverityOneWins(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Incidents incidents = incidents(db);
            Incident p2 = incidents.declare(incidents.severity("P2"), Optional.empty(), "Slow", ALICE, Optional.empty(), Optional.empty());
            Incident p1 = incidents.declare(incidents.severity("P1"), Optional.empty(), "Down", ALICE, Optional.empty(), Optional.empty());
            Files.writeString(templates.resolve("postmortem.md.ftl"), "Ours: ${incident.title}, ${timeline?size} event(s)");
            Files.writeString(templates.resolve("postmortem-P1.md.ftl"), "P1 write-up: ${incident.title}");
            Postmortems postmortems = new Postmortems(incidents, templates, clock);

            assertThat(postmortems.render(p2.id()).markdown()).isEqualTo("Ours: Slow, 1 event(s)");
            assertThat(postmortems.render(p1.id())).satisfies(r -> {
                assertThat(r.markdown()).isEqualTo("P1 write-up: Down");
                assertThat(r.template()).isEqualTo("postmortem-P1.md.ftl");
            });
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aTemplateErrorNamesTheTemplateTheLineAndTheProblem(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Incidents incidents = incidents(db);
            Incident i = incidents.declare(incidents.severity("P3"), Optional.empty(), "Slow", ALICE, Optional.empty(), Optional.empty());
            Postmortems postmortems = new Postmortems(incidents, templates, clock);

            Files.writeString(templates.resolve("postmortem.md.ftl"), "# ${incident.title}\n\nRoot cause: ${incident.rootCause}\n");
            assertThatThrownBy(() -> postmortems.render(i.id())).isInstanceOf(PostmortemException.class)
                    .hasMessageStartingWith("Template postmortem.md.ftl, line 3: ")
                    .hasMessageContaining("incident.rootCause");

            Files.writeString(templates.resolve("postmortem.md.ftl"), "# ${incident.title}\n<#if>\n");
            assertThatThrownBy(() -> postmortems.render(i.id())).isInstanceOf(PostmortemException.class)
                    .hasMessageStartingWith("Template postmortem.md.ftl, line 2: ");
        }
    }
}
