package org.opsbot.bot.oncall;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** A team's contacts: {@code /ops contacts} for anyone, and the line on incidents and pages, through the assembled bot. */
class ContactsEndToEndTest {
    private static final String SECRET = "contacts-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    // Not in any role: contacts are open to everyone in the workspace.
    private static final String NOBODY = "U0NOROLE01";
    // The example's own contacts left out, so that cdc's are the test's and extraction has none.
    static final String CONFIG = ConfigLoader.exampleText()
            .replaceAll("(?m)^    # Shown by /ops contacts.*\n", "").replaceAll("(?m)^    contacts:\n(^      - .*\n)+", "").replace("""
              cdc:
                channel: "#cdc-alerts"
            """, """
              cdc:
                channel: "#cdc-alerts"
                contacts:
                  - {name: DBA team, role: Oracle <and> PostgreSQL issues, email: dba@example.com, channel: "#database-ops"}
                  - {name: Kafka vendor, phone: "+49 30 1234-567"}
            """);

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final SlackSigner signer = new SlackSigner(SECRET);
    private Bot bot;
    @org.junit.jupiter.api.io.TempDir
    Path runbooks;

    @BeforeEach
    void start() {
        assertThat(CONFIG).contains("Kafka vendor");
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0CDC00001\",\"ts\":\"1768298400.000100\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(), Optional.of(TEAM));
        bot = Bot.start(settings, ConfigParser.parse(CONFIG, "opsbot.yaml").require(), clock);
    }

    @AfterEach
    void stop() {
        bot.close();
        slack.stop();
    }

    @Test
    void anyoneSeesATeamsContactsWithLinksAndEscapedText() throws Exception {
        String answer = ops(NOBODY, "contacts cdc");

        assertThat(answer).startsWith("ephemeral").contains("*cdc*",
                "• *DBA team* — Oracle &lt;and&gt; PostgreSQL issues · <mailto:dba@example.com|dba@example.com> · #database-ops",
                "• *Kafka vendor* · <tel:+49301234567|+49 30 1234-567>");
        assertThat(ops(NOBODY, "contacts")).contains("*DBA team*").doesNotContain("*extraction*");
        assertThat(ops(NOBODY, "contacts extraction")).contains("No contacts: add them under teams.extraction.contacts");
        assertThat(ops(NOBODY, "contacts cdx")).contains("There is no team `cdx`. Did you mean `cdc`?");
        assertThat(ops(NOBODY, "help")).contains("`/ops contacts [team]`");
    }

    @Test
    void anIncidentMessageAndItsPagesCarryTheTeamsContactsLine() throws Exception {
        ops("U0ALICE001", "incident declare P1 team=cdc Orders are not replicated");

        Eventually.await("the incident message and the page", Duration.ofSeconds(20), () ->
                posts().stream().filter(b -> b.contains("Contacts: *DBA team*")).count() >= 2);
        assertThat(posts()).anySatisfy(b -> assertThat(b).contains("channel=#incidents")
                .contains(":telephone_receiver: Contacts: *DBA team*"));
        assertThat(posts()).anySatisfy(b -> assertThat(b).contains("You are paged").contains("Contacts: *DBA team*")
                .contains("<tel:+49301234567|+49 30 1234-567>"));
    }

    private List<String> posts() {
        return slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).stream()
                .map(LoggedRequest::getBodyAsString).map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8))
                .map(b -> b.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")).toList();
    }

    private String ops(String user, String text) throws Exception {
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, user, text)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        var json = com.google.gson.JsonParser.parseString(response.body()).getAsJsonObject();
        StringBuilder shown = new StringBuilder(json.has("response_type") ? json.get("response_type").getAsString() + "\n" : "");
        shown.append(json.get("text").getAsString()).append('\n');
        if (json.has("blocks")) {
            json.getAsJsonArray("blocks").forEach(b -> shown.append(b).append('\n'));
        }
        return shown.toString().replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&");
    }
}
