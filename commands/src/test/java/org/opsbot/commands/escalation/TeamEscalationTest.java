package org.opsbot.commands.escalation;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.alert.AlertSources;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.incident.IncidentException;
import org.opsbot.commands.incident.Incidents;
import org.opsbot.commands.model.WalkEvent;
import org.opsbot.commands.store.AlertStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.OverrideStore;
import org.opsbot.commands.store.TestDatabases;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Escalation as each seed writes it: a team's own levels, and tiers limited by alert labels. */
class TeamEscalationTest {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            severities:
              - {name: P1, ack-within: 5m}
              - {name: P2, ack-within: 1h}
              - {name: P3, ack-within: 4h}
            teams:
              sync:
                channel: "#sync"
                severities:
                  - {name: S1, ack-within: 15m}
                  - {name: S2, ack-within: 1h}
                  - {name: S3, ack-within: 4h}
                  - {name: S4, ack-within: 1d}
                severity-map: {critical: S1, warning: S3}
                escalation:
                  tiers:
                    - {name: On-call, notify: [U0ONCALL01]}
                    - {name: CTO, after: 0m, notify: [U0CTO00001], match: {category: [data-loss, security]}}
                    - {name: Lead, after: 30m, notify: [U0LEAD0001], severities: [S1]}
            routes: [{team: sync}]
            """, "opsbot.yaml").require();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final List<String> pages = new ArrayList<>();
    private final Database db = Database.open(TestDatabases.sqliteUrl());
    private final AuditLog audit = new AuditLog(db, clock);
    private final Escalations escalations = new Escalations(new EscalationStore(db, clock), CONFIG, GroupDirectory.none(),
            new OverrideStore(db, clock), audit, (walk, tier, why) -> {
                tier.people().forEach(p -> pages.add(tier.name() + ":" + p.userId()));
                return new Pager.Result(tier.people().stream().map(OnCallRoster.Person::userId).toList(), List.of());
            }, clock, SubjectLabels.stored(new AlertStore(db)));
    private final Alerts alerts = new Alerts(db, CONFIG, clock);

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aLabelMatchedTierPagesWhenTheAlertCarriesOneOfItsValues() throws Exception {
        String subject = alertGroup("ReplicaDiverged", "security");

        escalations.open(subject, "sync", "S1");
        escalations.fireDue();

        assertThat(pages).containsExactly("On-call:U0ONCALL01", "CTO:U0CTO00001");
    }

    @Test
    void aLabelMatchedTierIsPassedOverForOtherLabelsAndSaysWhy() throws Exception {
        String subject = alertGroup("ReplicaSlow", "latency");

        escalations.open(subject, "sync", "S1");
        escalations.fireDue();

        assertThat(pages).containsExactly("On-call:U0ONCALL01");
        assertThat(escalations.history(subject)).filteredOn(e -> e.kind() == WalkEvent.Kind.PASSED_OVER)
                .extracting(WalkEvent::detail).containsExactly("CTO: only for alerts labelled category=data-loss|security");
    }

    @Test
    void anIncidentCarriesNoLabelsSoALabelMatchedTierIsPassedOver() {
        escalations.open("incident:7", "sync", "S1");
        escalations.fireDue();

        assertThat(pages).containsExactly("On-call:U0ONCALL01");
    }

    @Test
    void theTeamsOwnListDecidesTheTopSeverityAndWhichLevelsPage() {
        Incidents incidents = new Incidents(db, CONFIG, escalations, audit, clock);
        Optional<String> sync = Optional.of("sync");

        assertThat(incidents.isTopSeverity(sync, incidents.severity(sync, "s1"))).isTrue();
        assertThat(incidents.isTopSeverity(Optional.empty(), incidents.severity("P1"))).isTrue();
        assertThat(incidents.pages(sync, "S2")).isTrue();
        assertThat(incidents.pages(sync, "S3")).isFalse();
        assertThatThrownBy(() -> incidents.severity(sync, "P1")).isInstanceOf(IncidentException.class)
                .hasMessage("There is no severity `P1` for team sync. Severities: S1, S2, S3, S4.");

        incidents.declare(incidents.severity(sync, "S2"), sync, "Sync stalled", "U0ALICE001", Optional.empty(), Optional.empty());
        incidents.declare(incidents.severity(sync, "S3"), sync, "Sync slow", "U0ALICE001", Optional.empty(), Optional.empty());
        escalations.fireDue();

        assertThat(pages).as("S2 is the team's second level and pages; S3 does not").containsExactly("On-call:U0ONCALL01");
    }

    @Test
    void anAlertsSeverityLabelMapsIntoTheTeamsOwnLevels() throws Exception {
        String subject = alertGroup("ReplicaSlow", "latency");
        long id = Long.parseLong(subject.substring("alert-group:".length()));

        assertThat(alerts.severity(alerts.group(id).orElseThrow()).map(s -> s.name())).contains("S1");
    }

    private String alertGroup(String name, String category) throws Exception {
        String json = """
                {"receiver":"opsbot","status":"firing","alerts":[
                 {"status":"firing","labels":{"alertname":"%s","category":"%s","severity":"critical"},
                  "annotations":{},"startsAt":"2026-01-13T09:58:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"%s"}],
                 "groupLabels":{"alertname":"%s"},"commonLabels":{},"commonAnnotations":{},
                 "externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\\"%s\\"}",
                 "truncatedAlerts":0}""".formatted(name, category, name, name, name);
        long id = alerts.receive(AlertSources.webhook("alertmanager").parse(json.getBytes(StandardCharsets.UTF_8)))
                .changes().getFirst().group().id();
        return "alert-group:" + id;
    }
}
