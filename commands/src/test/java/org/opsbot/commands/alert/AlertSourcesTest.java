package org.opsbot.commands.alert;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class AlertSourcesTest {
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            roles:
              responders: [U0ALICE001]
            teams:
              cdc: {channel: "#cdc-alerts", responders: responders}
              extraction: {channel: "#extraction-alerts", responders: responders}
            routes:
              - {match: {team: extraction}, team: extraction, group-by: [alertname, center]}
              - {team: cdc}
            """, "opsbot.yaml").require();

    @Test
    void everyWebhookSourceIsServedAtItsKeyAndStoredUnderTheNameItsRowsAlreadyHold() {
        assertThat(AlertSources.webhooks()).extracting(AlertSource::key, WebhookSource::path, AlertSource::storedName)
                .containsExactly(
                        tuple("alertmanager", "/alerts/alertmanager", "ALERTMANAGER"),
                        tuple("grafana", "/alerts/grafana", "GRAFANA"),
                        tuple("generic", "/alerts/generic", "GENERIC"));
        assertThat(AlertSources.stored("GRAFANA")).containsSame(AlertSources.webhook("grafana"));
        assertThat(AlertSources.stored("grafana")).isEmpty();
        assertThat(AlertSources.find("heartbeat")).isEmpty();
        assertThatThrownBy(() -> AlertSources.webhook("heartbeat")).hasMessageContaining("heartbeat");
    }

    @Test
    void alertmanagerKeepsItsOwnGroupsAndTheirKeysStayAsStoredGroupsHaveThem() throws Exception {
        Grouping.Batch batch = only(notification("alertmanager", "cdc", "db-1"));

        assertThat(batch.key()).as("groups opened before keep receiving their alerts")
                .isEqualTo(WebhookParser.sha256("ALERTMANAGER\u0000cdc\u0000{}:{alertname=\"Lag\"}"));
        assertThat(batch.groupLabels()).isEqualTo(Map.of("alertname", "Lag"));
        assertThat(only(notification("alertmanager", "extraction", "berlin")).groupLabels())
                .as("even where the route names its own group-by").isEqualTo(Map.of("alertname", "Lag"));
    }

    @Test
    void grafanaKeepsItsGroupsUnlessTheRouteGroupsByItsOwnLabels() throws Exception {
        assertThat(only(notification("grafana", "cdc", "db-1")).key())
                .isEqualTo(WebhookParser.sha256("GRAFANA\u0000cdc\u0000{}:{alertname=\"Lag\"}"));
        Grouping.Batch routed = only(notification("grafana", "extraction", "berlin"));
        assertThat(routed.groupLabels()).isEqualTo(Map.of("alertname", "Lag", "center", "berlin"));
        assertThat(routed.key()).isEqualTo(WebhookParser.sha256("GRAFANA\u0000extraction\u0000{alertname=Lag, center=berlin}"));
    }

    @Test
    void genericAlertsAreGroupedByTheirRoutesLabelsOrByAlertname() throws Exception {
        Grouping grouping = new Grouping(CONFIG);
        Notification n = AlertSources.webhook("generic").parse("""
                [{"title":"Lag","labels":{"team":"cdc"},"fingerprint":"a"},
                 {"title":"Lag","labels":{"team":"extraction","center":"berlin"},"fingerprint":"b"},
                 {"title":"Lag","labels":{"team":"extraction"},"fingerprint":"c"}]""".getBytes(StandardCharsets.UTF_8));

        assertThat(grouping.batches(n)).extracting(Grouping.Batch::key, Grouping.Batch::groupLabels)
                .containsExactlyInAnyOrder(
                        tuple(WebhookParser.sha256("GENERIC\u0000cdc\u0000{alertname=Lag}"),
                                Map.of("alertname", "Lag")),
                        tuple(
                                WebhookParser.sha256("GENERIC\u0000extraction\u0000{alertname=Lag, center=berlin}"),
                                Map.of("alertname", "Lag", "center", "berlin")),
                        tuple(
                                WebhookParser.sha256("GENERIC\u0000extraction\u0000{alertname=Lag, center=}"),
                                Map.of("alertname", "Lag", "center", "")));
    }

    private static Notification notification(String source, String team, String center) throws Exception {
        return AlertSources.webhook(source).parse("""
                {"alerts":[{"status":"firing","labels":{"alertname":"Lag","team":"%s","center":"%s"},
                  "startsAt":"2026-11-22T03:00:00Z"}],
                 "groupLabels":{"alertname":"Lag"},"groupKey":"{}:{alertname=\\"Lag\\"}"}"""
                .formatted(team, center).getBytes(StandardCharsets.UTF_8));
    }

    private static Grouping.Batch only(Notification n) {
        List<Grouping.Batch> batches = new Grouping(CONFIG).batches(n);
        assertThat(batches).hasSize(1);
        return batches.getFirst();
    }
}
