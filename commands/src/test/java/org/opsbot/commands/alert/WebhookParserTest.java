package org.opsbot.commands.alert;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookParserTest {

    static Notification parse(AlertSource source, String json) throws Exception {
        return WebhookParser.parse(source, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAlertmanagerV4PayloadWithMixedStatusesAndTruncatedAlertsIsReadWhole() throws Exception {
        Notification n = parse(AlertSource.ALERTMANAGER, """
                {"receiver":"opsbot","status":"firing","alerts":[
                  {"status":"firing","labels":{"alertname":"DiskFull","instance":"a"},"annotations":{"summary":"91%"},
                   "startsAt":"2026-11-22T03:00:00.123456789Z","endsAt":"0001-01-01T00:00:00Z",
                   "generatorURL":"http://prom:9090/graph?g0.expr=x","fingerprint":"aaaa"},
                  {"status":"resolved","labels":{"alertname":"DiskFull","instance":"b"},"annotations":{},
                   "startsAt":"2026-11-22T02:00:00+01:00","endsAt":"2026-11-22T03:10:00Z","generatorURL":"","fingerprint":"bbbb"}],
                 "groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull"},"commonAnnotations":{},
                 "externalURL":"http://am:9093","version":"4","groupKey":"{}:{alertname=\\"DiskFull\\"}","truncatedAlerts":12}""");
        assertThat(n.problems()).isEmpty();
        assertThat(n.truncated()).isEqualTo(12);
        assertThat(n.groupKey()).contains("{}:{alertname=\"DiskFull\"}");
        assertThat(n.externalUrl()).contains("http://am:9093");
        assertThat(n.alerts()).satisfiesExactly(
                a -> {
                    assertThat(a.firing()).isTrue();
                    assertThat(a.startsAt()).contains(Instant.parse("2026-11-22T03:00:00.123456789Z"));
                    assertThat(a.endsAt()).isEmpty();
                    assertThat(a.generatorUrl()).contains("http://prom:9090/graph?g0.expr=x");
                },
                b -> {
                    assertThat(b.firing()).isFalse();
                    assertThat(b.startsAt()).contains(Instant.parse("2026-11-22T01:00:00Z"));
                    assertThat(b.endsAt()).contains(Instant.parse("2026-11-22T03:10:00Z"));
                    assertThat(b.generatorUrl()).isEmpty();
                });
    }

    @Test
    void badAlertsAreSkippedWithAProblemEachAndOnlyNonJsonIsRefused() throws Exception {
        Notification n = parse(AlertSource.ALERTMANAGER, """
                {"alerts":[1, {"status":"firing","labels":{}},
                 {"status":"firing","labels":{"alertname":"X","n":3,"ok":true},"startsAt":"2026-11-22T03:00:00Z","annotations":null},
                 {"status":"firing","labels":{"alertname":"X"},"startsAt":"yesterday"},
                 {"status":"firing","labels":{"alertname":"X"},"startsAt":"2026-11-22T03:00:00Z","fingerprint":"%s"},
                 {"status":"firing","labels":{"alertname":"X","k\\u0000":"v\\u0000v"},"startsAt":"2026-11-22T03:00:00Z"}]}"""
                .formatted("f".repeat(500)));
        assertThat(n.problems()).hasSize(4).anySatisfy(p -> assertThat(p).startsWith("alerts[0]: not an object"))
                .anySatisfy(p -> assertThat(p).contains("alerts[3]", "startsAt"))
                .anySatisfy(p -> assertThat(p).contains("fingerprint"));
        assertThat(n.alerts()).hasSize(2);
        assertThat(n.alerts().getFirst().labels()).containsEntry("n", "3").containsEntry("ok", "true");
        assertThat(n.alerts().get(1).labels()).containsEntry("k", "vv");
        assertThat(n.alerts().getFirst().fingerprint()).hasSize(16);

        assertThatThrownBy(() -> parse(AlertSource.ALERTMANAGER, "<html>")).isInstanceOf(WebhookParser.NotJsonException.class);
        assertThatThrownBy(() -> parse(AlertSource.ALERTMANAGER, "\"a string\"")).isInstanceOf(WebhookParser.NotJsonException.class);
        assertThat(parse(AlertSource.ALERTMANAGER, "{}").problems()).containsExactly("`alerts` is missing or not a list");
    }

    @Test
    void longTextIsCutWithoutSplittingAnEmoji() throws Exception {
        String summary = "a".repeat(WebhookParser.MAX_ANNOTATION_CHARS - 2) + "🔥🔥🔥";
        Notification n = parse(AlertSource.ALERTMANAGER, """
                {"alerts":[{"status":"firing","labels":{"alertname":"X"},"annotations":{"summary":"%s"},
                 "startsAt":"2026-11-22T03:00:00Z"}]}""".formatted(summary));
        String kept = n.alerts().getFirst().annotations().get("summary");
        assertThat(kept).hasSizeLessThanOrEqualTo(WebhookParser.MAX_ANNOTATION_CHARS).endsWith("…");
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 2))).isFalse();
    }

    @Test
    void grafanaValuesBecomeAnAnnotationAndGenericAlertsNeedOnlyATitle() throws Exception {
        Notification grafana = parse(AlertSource.GRAFANA, """
                {"receiver":"r","status":"firing","orgId":1,"alerts":[{"status":"firing","labels":{"alertname":"High memory usage"},
                 "annotations":{},"startsAt":"2021-10-12T09:51:03.157076+02:00","endsAt":"0001-01-01T00:00:00Z",
                 "generatorURL":"https://play.grafana.org/alerting/1afz29v7z/edit","fingerprint":"c6eadffa33fcdf37",
                 "values":{"B":44.23943737541908,"C":1}}],"groupKey":"{}:{}","externalURL":"https://play.grafana.org/","version":"1"}""");
        assertThat(grafana.alerts().getFirst().annotations()).containsEntry("values", "B=44.23943737541908, C=1");

        Notification generic = parse(AlertSource.GENERIC, """
                [{"title":"Backup failed","severity":"CRITICAL","runbook":"backups"},
                 {"title":"Backup ok","status":"resolved","fingerprint":"x","labels":{"team":"cdc"}},
                 {"severity":"critical"}]""");
        assertThat(generic.problems()).containsExactly("alerts[2]: `title` is missing or not a string");
        assertThat(generic.alerts().getFirst().labels()).containsEntry("alertname", "Backup failed").containsEntry("severity", "critical");
        assertThat(generic.alerts().getFirst().annotations()).containsEntry("summary", "Backup failed").containsEntry("runbook", "backups");
        assertThat(generic.alerts().getFirst().startsAt()).isEmpty();
        assertThat(generic.alerts().get(1).firing()).isFalse();
    }
}
