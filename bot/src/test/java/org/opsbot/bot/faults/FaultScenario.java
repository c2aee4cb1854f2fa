package org.opsbot.bot.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.alert.Alerts;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.model.StoredAlertGroup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The real bot, started as production starts it ({@link Bot#start}) on a database the test
 * names, with {@link RateLimitedSlack} as Slack; and the requests Slack and Alertmanager send
 * it. Three teams, each with its own channel, and no escalation, so every message in a
 * channel is one the test caused.
 */
final class FaultScenario implements AutoCloseable {
    static final String SECRET = "faults-signing-secret";
    static final String TEAM = "T0E2E00001";
    static final String TOKEN = "faults-webhook-token";
    static final List<String> TEAMS = List.of("storage", "network", "payments");

    static final String CONFIG = """
            slack:
              default-channel: "#alerts"
            roles:
              responders: [U0ALICE001, U0BOB00001]
            severities:
              - {name: P1, description: "Outage", ack-within: 5m}
              - {name: P2, description: "Degraded", ack-within: 1h}
            teams:
              storage: {channel: "#storage-alerts", responders: responders, severity-map: {critical: P1, warning: P2}}
              network: {channel: "#network-alerts", responders: responders, severity-map: {critical: P1, warning: P2}}
              payments: {channel: "#payments-alerts", responders: responders, severity-map: {critical: P1, warning: P2}}
            routes:
              - {match: {team: storage}, team: storage}
              - {match: {team: network}, team: network}
              - {match: {team: payments}, team: payments}
            permissions:
              run: [responders]
            """;

    final RateLimitedSlack slack = new RateLimitedSlack().channels("#storage-alerts", "#network-alerts", "#payments-alerts");
    final OpsbotConfig config = ConfigParser.parse(CONFIG, "faults.yaml").require();
    final SlackSigner signer = new SlackSigner(SECRET);
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Bot bot;
    private static final ObjectMapper JSON = new ObjectMapper();

    FaultScenario(String databaseUrl, Path runbooks) {
        Settings settings = new Settings(Optional.of("xoxb-faults"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), 0, databaseUrl, Path.of("opsbot.yaml"), runbooks, Path.of("templates"),
                List.of(TOKEN), Optional.of(TEAM));
        Bot started;
        try {
            started = Bot.start(settings, config, Clock.systemUTC());
        } catch (RuntimeException e) {
            slack.close();
            throw e;
        }
        bot = started;
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + bot.port() + path);
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> alertmanager(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/alerts/alertmanager"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> slash(String user, String text) throws Exception {
        return http.send(signer.post(uri("/slack/events"), SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> event(String json) throws Exception {
        return http.send(signer.post(uri("/slack/events"), SlackSigner.JSON, json), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> click(String user, String actionId, String value) throws Exception {
        String body = SlackPayloads.blockActions(TEAM, user, "steve", "C000000001", "1700000.000100", actionId, value, false);
        return http.send(signer.post(uri("/slack/events"), SlackSigner.FORM, body), HttpResponse.BodyHandlers.ofString());
    }

    /** The alert groups the database holds, open or not, read as the bot reads them. */
    List<StoredAlertGroup> groups() {
        return new Alerts(bot.database(), config, Clock.systemUTC()).open(Optional.empty(), 1_000);
    }

    /** How many alerts the database holds, across {@link #groups()}. */
    int storedAlerts() {
        Alerts alerts = new Alerts(bot.database(), config, Clock.systemUTC());
        return groups().stream().mapToInt(g -> alerts.alerts(g.id()).size()).sum();
    }

    /**
     * An Alertmanager notification for one group, as Alertmanager sends it on every
     * group_interval: all of the group's alerts so far, here {@code waves × perWave} of them.
     */
    static String notification(String team, String alertname, int waves, int perWave) {
        StringBuilder alerts = new StringBuilder();
        for (int w = 1; w <= waves; w++) {
            for (int a = 1; a <= perWave; a++) {
                alerts.append(alerts.isEmpty() ? "" : ",").append("""
                        {"status":"firing","labels":{"alertname":"%1$s","team":"%2$s","severity":"critical",
                         "instance":"%2$s-%3$02d-%4$02d:9100"},
                         "annotations":{"summary":"wave %3$02d alert %4$02d of %1$s"},
                         "startsAt":"2026-11-22T02:58:07.311Z","endsAt":"0001-01-01T00:00:00Z",
                         "generatorURL":"http://prometheus:9090/graph","fingerprint":"%2$s-%1$s-%3$02d-%4$02d"}"""
                        .formatted(alertname, team, w, a));
            }
        }
        return """
                {"receiver":"opsbot","status":"firing","alerts":[%s],"groupLabels":{"alertname":"%s"},
                 "commonLabels":{"alertname":"%s","team":"%s"},"commonAnnotations":{},
                 "externalURL":"http://127.0.0.1:1","version":"4",
                 "groupKey":"{}/{team=\\"%s\\"}:{alertname=\\"%s\\"}","truncatedAlerts":0}"""
                .formatted(alerts, alertname, alertname, team, team, alertname);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    @Override
    public void close() {
        bot.close();
        slack.close();
    }
}
