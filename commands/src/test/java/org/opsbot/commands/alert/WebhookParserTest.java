package org.opsbot.commands.alert;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class WebhookParserTest {
    private static final WebhookSource ALERTMANAGER = AlertSources.webhook("alertmanager");
    private static final WebhookSource GRAFANA = AlertSources.webhook("grafana");
    private static final WebhookSource GENERIC = AlertSources.webhook("generic");

    static Notification parse(WebhookSource source, String json) throws Exception {
        return source.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAlertmanagerV4PayloadWithMixedStatusesAndTruncatedAlertsIsReadWhole() throws Exception {
        Notification n = parse(ALERTMANAGER, """
                {"receiver":"opsbot","status":"firing","alerts":[
                  {"status":"firing","labels":{"alertname":"DiskFull","instance":"a"},"annotations":{"summary":"91%"},
                   "startsAt":"2026-11-22T03:00:00.123456789Z","endsAt":"0001-01-01T00:00:00Z",
                   "generatorURL":"http://prom:9090/graph?g0.expr=x","fingerprint":"aaaa"},
                  {"status":"resolved","labels":{"alertname":"DiskFull","instance":"b"},"annotations":{},
                   "startsAt":"2026-11-22T02:00:00+01:00","endsAt":"2026-11-22T03:10:00Z","generatorURL":"","fingerprint":"bbbb"}],
                 "groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull"},"commonAnnotations":{},
                 "externalURL":"http://am:9093","version":"4","groupKey":"{}:{alertname=\\"DiskFull\\"}","truncatedAlerts":12}""");
        assertThat(n.rejected()).isEmpty();
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
    void badAlertsAreSkippedWithAReasonEachAndOnlyABodyThatIsNoWebhookIsRefused() throws Exception {
        Notification n = parse(ALERTMANAGER, """
                {"alerts":[1, {"status":"firing","labels":{}},
                 {"status":"firing","labels":{"alertname":"X","n":3,"ok":true},"startsAt":"2026-11-22T03:00:00Z","annotations":null},
                 {"status":"firing","labels":{"alertname":"X"},"startsAt":"yesterday","fingerprint":"y"},
                 {"status":"firing","labels":{"alertname":"X"},"startsAt":"2026-11-22T03:00:00Z","fingerprint":"%s"},
                 {"status":"firing","labels":{"alertname":"X","k\\u0000":"v\\u0000v"},"startsAt":"2026-11-22T03:00:00Z"}]}"""
                .formatted("f".repeat(500)));
        assertThat(n.rejected()).extracting(Rejection::index, r -> r.reason().tag()).containsExactly(
                tuple(0, "bad-type"), tuple(1, "missing-field"), tuple(2, "bad-type"), tuple(3, "bad-time"), tuple(4, "too-large"));
        assertThat(n.rejected().get(2).problem()).contains("`labels.n` is a number", "must be strings", "\"3\"");
        assertThat(n.rejected().get(3).fingerprint()).contains("y");
        assertThat(n.rejected().get(3).alertname()).contains("X");
        assertThat(n.rejected().get(3).problem()).contains("`startsAt` is \"yesterday\", not an RFC 3339 time");
        assertThat(n.rejected().get(4).problem()).contains("`fingerprint` has 500 characters; at most 128");
        assertThat(n.alerts()).singleElement().satisfies(a -> {
            assertThat(a.labels()).containsEntry("k", "vv");
            assertThat(a.fingerprint()).hasSize(16);
        });

        assertThatThrownBy(() -> parse(ALERTMANAGER, "<html>")).isInstanceOf(WebhookParser.BadBodyException.class)
                .hasMessageStartingWith("the body is not JSON");
        assertThatThrownBy(() -> parse(ALERTMANAGER, "\"a string\"")).isInstanceOf(WebhookParser.BadBodyException.class)
                .hasMessage("the body must be a JSON object, not a string");
        assertThatThrownBy(() -> parse(GRAFANA, "[]")).isInstanceOf(WebhookParser.BadBodyException.class)
                .hasMessage("the body must be a JSON object, not a list");
        assertThatThrownBy(() -> parse(ALERTMANAGER, "")).isInstanceOf(WebhookParser.BadBodyException.class)
                .hasMessageStartingWith("the body is empty");
        assertThatThrownBy(() -> parse(ALERTMANAGER, "{}")).isInstanceOf(WebhookParser.BadBodyException.class)
                .hasMessageContaining("no `alerts`");
        assertThatThrownBy(() -> parse(GENERIC, "{\"alerts\":5}")).isInstanceOf(WebhookParser.BadBodyException.class)
                .hasMessage("`alerts` is a number; it must be a list of alerts");
    }

    @Test
    void timesFrom1970To9999AreTimesGosZeroTimeIsNotSetAndAnythingElseIsABadTime() throws Exception {
        Notification n = parse(ALERTMANAGER, """
                {"alerts":[
                 {"status":"firing","labels":{"alertname":"A"},"startsAt":"1970-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"epoch"},
                 {"status":"resolved","labels":{"alertname":"A"},"startsAt":"2026-11-22T03:00:00Z","endsAt":"9999-12-31T23:59:59.999Z","fingerprint":"last"},
                 {"status":"firing","labels":{"alertname":"A"},"startsAt":"+300000000-01-01T00:00:00Z","fingerprint":"far"},
                 {"status":"resolved","labels":{"alertname":"A"},"startsAt":"2026-11-22T03:00:00Z","endsAt":"+999999999-12-31T23:59:59Z","fingerprint":"never"},
                 {"status":"firing","labels":{"alertname":"A"},"startsAt":"1969-12-31T23:59:59Z","fingerprint":"before"},
                 {"status":"firing","labels":{"alertname":"A"},"startsAt":"0001-01-01T00:00:00Z","fingerprint":"zero-start"},
                 {"status":"firing","labels":{"alertname":"A"},"startsAt":1700000000,"fingerprint":"number"},
                 {"status":"firing","labels":{"alertname":"A"},"startsAt":"10000-01-01T00:00:00Z","fingerprint":"y10k"}]}""");
        assertThat(n.alerts()).satisfiesExactly(
                epoch -> {
                    assertThat(epoch.startsAt()).contains(Instant.EPOCH);
                    assertThat(epoch.endsAt()).isEmpty();
                },
                last -> assertThat(last.endsAt()).contains(Instant.parse("9999-12-31T23:59:59.999Z")));
        assertThat(n.rejected()).extracting(r -> r.fingerprint().orElseThrow(), r -> r.reason().tag()).containsExactly(
                tuple("far", "bad-time"), tuple("never", "bad-time"), tuple("before", "bad-time"),
                tuple("zero-start", "missing-field"), tuple("number", "bad-type"), tuple("y10k", "bad-time"));
        assertThat(n.rejected().get(1).problem()).contains("`endsAt` is +999999999-12-31T23:59:59Z",
                "1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z (or null) when it is not set");

        Notification generic = parse(GENERIC, """
                [{"title":"Epoch","startsAt":"1970-01-01T00:00:00Z"},{"title":"Far","startsAt":"+300000000-01-01T00:00:00Z"}]""");
        assertThat(generic.alerts()).singleElement().satisfies(a -> assertThat(a.startsAt()).contains(Instant.EPOCH));
        assertThat(generic.rejected()).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(1);
            assertThat(r.alertname()).contains("Far");
            assertThat(r.reason()).isEqualTo(Rejection.Reason.BAD_TIME);
        });
    }

    @Test
    void textThatIsNotUtf8CostsOnlyTheAlertThatHoldsIt() throws Exception {
        byte[] body = concat("{\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"Bytes\",\"host\":\"db-",
                new byte[]{(byte) 0xC3, (byte) 0x28, (byte) 0xFF},
                """
                \"},"startsAt":"2026-11-22T03:00:00Z","fingerprint":"bytes"},
                 {"status":"firing","labels":{"alertname":"Escape"},"annotations":{"summary":"half \\ud83d an emoji"},
                  "startsAt":"2026-11-22T03:00:00Z","fingerprint":"escape"},
                 {"status":"firing","labels":{"alertname":"Fine 🔥"},"startsAt":"2026-11-22T03:00:00Z","fingerprint":"fine"}]}""");
        Notification n = ALERTMANAGER.parse(body);
        assertThat(n.alerts()).extracting(IncomingAlert::fingerprint).containsExactly("fine");
        assertThat(n.alerts().getFirst().labels()).containsEntry("alertname", "Fine 🔥");
        assertThat(n.rejected()).extracting(Rejection::index, r -> r.reason().tag(), Rejection::problem).containsExactly(
                tuple(0, "bad-encoding", "`labels.host` is not valid UTF-8 (invalid bytes, or a lone surrogate in a \\u escape); send it as UTF-8 text"),
                tuple(1, "bad-encoding", "`annotations.summary` is not valid UTF-8 (invalid bytes, or a lone surrogate in a \\u escape); send it as UTF-8 text"));

        byte[] broken = concat("{\"alerts\":[]", new byte[]{(byte) 0xFF}, "}");
        assertThatThrownBy(() -> ALERTMANAGER.parse(broken)).isInstanceOf(WebhookParser.BadBodyException.class);
    }

    @Test
    void wrongTypesOversizedValuesAndRepeatedFingerprintsAreEachABadAlertNamedByIndexFingerprintAndAlertname() throws Exception {
        Notification n = parse(GENERIC, """
                {"alerts":[
                 {"title":"Ok","fingerprint":"ok"},
                 {"title":"Status","status":7,"fingerprint":"status"},
                 {"title":"Status","status":"exploded","fingerprint":"unknown"},
                 {"title":"Labels","labels":["a"],"fingerprint":"labels"},
                 {"title":"Null label","labels":{"team":null},"fingerprint":"null"},
                 {"title":"Long label","labels":{"team":"%s"},"fingerprint":"long"},
                 {"title":"Ok again","fingerprint":"ok"},
                 {"labels":{"team":"cdc"},"fingerprint":"untitled"},
                 {"title":"Url","url":{"href":"x"},"fingerprint":"url"}]}""".formatted("t".repeat(1_001)));
        assertThat(n.alerts()).extracting(IncomingAlert::fingerprint).containsExactly("ok");
        assertThat(n.rejected()).extracting(Rejection::index, r -> r.fingerprint().orElseThrow(), r -> r.reason().tag())
                .containsExactly(tuple(1, "status", "bad-type"), tuple(2, "unknown", "bad-value"), tuple(3, "labels", "bad-type"),
                        tuple(4, "null", "bad-type"), tuple(5, "long", "too-large"), tuple(6, "ok", "duplicate"),
                        tuple(7, "untitled", "missing-field"), tuple(8, "url", "bad-type"));
        assertThat(n.rejected().get(1).describe())
                .isEqualTo("alerts[2] (fingerprint unknown, alertname Status): bad-value: `status` is \"exploded\"; "
                        + "it must be \"firing\" or \"resolved\"");
        assertThat(n.rejected().get(5).problem()).contains("first at alerts[0]");
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] a = before.strip().getBytes(StandardCharsets.UTF_8);
        byte[] c = after.strip().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(middle, 0, out, a.length, middle.length);
        System.arraycopy(c, 0, out, a.length + middle.length, c.length);
        return out;
    }

    @Test
    void longTextIsCutWithoutSplittingAnEmoji() throws Exception {
        String summary = "a".repeat(WebhookParser.MAX_ANNOTATION_CHARS - 2) + "🔥🔥🔥";
        Notification n = parse(ALERTMANAGER, """
                {"alerts":[{"status":"firing","labels":{"alertname":"X"},"annotations":{"summary":"%s"},
                 "startsAt":"2026-11-22T03:00:00Z"}]}""".formatted(summary));
        String kept = n.alerts().getFirst().annotations().get("summary");
        assertThat(kept).hasSizeLessThanOrEqualTo(WebhookParser.MAX_ANNOTATION_CHARS).endsWith("…");
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 2))).isFalse();
    }

    @Test
    void grafanaValuesBecomeAnAnnotationAndGenericAlertsNeedOnlyATitle() throws Exception {
        Notification grafana = parse(GRAFANA, """
                {"receiver":"r","status":"firing","orgId":1,"alerts":[{"status":"firing","labels":{"alertname":"High memory usage"},
                 "annotations":{},"startsAt":"2021-10-12T09:51:03.157076+02:00","endsAt":"0001-01-01T00:00:00Z",
                 "generatorURL":"https://play.grafana.org/alerting/1afz29v7z/edit","fingerprint":"c6eadffa33fcdf37",
                 "values":{"B":44.23943737541908,"C":1}}],"groupKey":"{}:{}","externalURL":"https://play.grafana.org/","version":"1"}""");
        assertThat(grafana.alerts().getFirst().annotations()).containsEntry("values", "B=44.23943737541908, C=1");

        Notification generic = parse(GENERIC, """
                [{"title":"Backup failed","severity":"CRITICAL","runbook":"backups"},
                 {"title":"Backup ok","status":"resolved","fingerprint":"x","labels":{"team":"cdc"}},
                 {"severity":"critical"}]""");
        assertThat(generic.rejected()).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(2);
            assertThat(r.reason()).isEqualTo(Rejection.Reason.MISSING_FIELD);
            assertThat(r.problem()).startsWith("`title` is missing or empty");
        });
        assertThat(generic.alerts().getFirst().labels()).containsEntry("alertname", "Backup failed").containsEntry("severity", "critical");
        assertThat(generic.alerts().getFirst().annotations()).containsEntry("summary", "Backup failed").containsEntry("runbook", "backups");
        assertThat(generic.alerts().getFirst().startsAt()).isEmpty();
        assertThat(generic.alerts().get(1).firing()).isFalse();
    }
}
