package org.opsbot.bot.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * The assembled bot on a database that outlives it, with one runbook of actions: {@code
 * cdc/pause-connector} runs at once, {@code cdc/restart-connector} needs an approver. WireMock
 * stands in for Slack's Web API and for the action's target; requests are signed as Slack signs.
 */
final class ActionsBot implements AutoCloseable {
    static final String SECRET = "trust-e2e-signing-secret";
    static final String TEAM = "T0E2E00001";
    static final String CHANNEL = "C0CDC00001";
    static final String ALICE = "U0ALICE001";
    static final String LEAD = "U0LEAD0001";
    static final String PAUSE = "/connectors/postgres-sink-connector/pause";

    final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final WireMockServer target = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    final SlackSigner signer = new SlackSigner(SECRET);
    final String databaseUrl;
    private final Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private Bot bot;

    ActionsBot(Path dir, String databaseUrl) {
        this.dir = dir;
        this.databaseUrl = databaseUrl;
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson("""
                {"ok":true,"url":"https://e2e.slack.com/","team":"E2E","user":"opsbot","team_id":"%s",
                 "user_id":"U0BOT00001","bot_id":"B0BOT00001"}""".formatted(TEAM))));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"" + CHANNEL + "\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.update")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"" + CHANNEL + "\",\"ts\":\"1700000000.000900\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.postEphemeral")).willReturn(okJson("{\"ok\":true,\"message_ts\":\"1.2\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));
        target.start();
        target.stubFor(post(urlPathEqualTo("/connectors/sqlserver-source-connector/restart"))
                .willReturn(aResponse().withStatus(204)));
        target.stubFor(put(urlPathEqualTo(PAUSE)).willReturn(aResponse().withStatus(202).withBody("{\"paused\": true}")));
    }

    /** Starts the bot (again, after {@link #stop}, on the same database). */
    ActionsBot start() throws IOException {
        Path config = Files.writeString(dir.resolve("opsbot.yaml"), """
                slack:
                  default-channel: "#alerts"
                roles:
                  responders: [U0ALICE001]
                  approvers: [U0LEAD0001]
                teams:
                  cdc:
                    channel: C0CDC00001
                    responders: responders
                routes:
                  - {team: cdc}
                permissions:
                  run: [responders, approvers]
                """);
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(runbooks.resolve("cdc.yaml"), """
                name: cdc
                title: CDC pipeline
                team: cdc
                actions:
                  restart-connector:
                    title: Restart a connector
                    params:
                      connector: {enum: [sqlserver-source-connector]}
                    http: {method: POST, url: "%1$s/connectors/{{connector}}/restart"}
                    approval: {role: approvers, count: 1, within: 30m}
                  pause-connector:
                    title: Pause a connector
                    params:
                      connector: {pattern: "[a-z0-9-]{1,64}"}
                    http: {method: PUT, url: "%1$s/connectors/{{connector}}/pause"}
                    risk: low
                """.formatted(target.baseUrl()));
        OpsbotConfig opsbot = ConfigParser.parse(config).require();
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, databaseUrl, config, runbooks, Path.of("templates"), List.of(),
                Optional.of(TEAM));
        bot = Bot.start(settings, opsbot, Clock.systemUTC());
        return this;
    }

    void stop() {
        if (bot != null) {
            bot.close();
            bot = null;
        }
    }

    Bot bot() {
        return bot;
    }

    URI events() {
        return URI.create("http://localhost:" + bot.port() + "/slack/events");
    }

    /** A form body signed now, as Slack would send it; sending it twice replays it. */
    HttpRequest signed(String body) {
        return signer.post(events(), SlackSigner.FORM, body);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> slash(String user, String text) {
        return send(signed(SlackPayloads.slashCommand(TEAM, user, text)));
    }

    /** The bodies of the Web API calls of {@code method}, form-decoded. */
    List<String> calls(String method) {
        List<String> bodies = new ArrayList<>();
        for (LoggedRequest r : slack.findAll(postRequestedFor(urlEqualTo("/api/" + method)))) {
            bodies.add(URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8));
        }
        return bodies;
    }

    /** Web API calls that speak in Slack (post, update, ephemeral, modal). */
    int slackMessages() {
        return (int) slack.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> r.getUrl().startsWith("/api/chat.") || r.getUrl().startsWith("/api/views."))
                .count();
    }

    int targetCalls() {
        return target.findAll(anyRequestedFor(anyUrl())).size();
    }

    /** How many rows each table holds: what "nothing changed" compares. */
    Map<String, Long> rowsPerTable() {
        return bot.database().read(h -> {
            Map<String, Long> rows = new TreeMap<>();
            List<String> tables = h.createQuery("""
                            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'""")
                    .mapTo(String.class).list();
            for (String table : tables) {
                rows.put(table, h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
            }
            return rows;
        });
    }

    @Override
    public void close() {
        stop();
        slack.stop();
        target.stop();
    }
}
