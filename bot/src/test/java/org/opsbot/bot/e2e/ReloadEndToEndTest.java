package org.opsbot.bot.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.ConfigReload;
import org.opsbot.bot.Main;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ExampleText;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changing opsbot.yaml while the bot runs: {@code opsbot reload} (and the SIGHUP path) puts a
 * valid change in force at once, and an invalid one is refused with file:line while the
 * configuration in force stays.
 */
class ReloadEndToEndTest {
    private static final String SECRET = "reload-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "reload-webhook-token";
    private static final String BILLING = """
              billing:
                channel: "#billing-alerts"
                contacts:
                  - {name: Payments vendor, phone: "+44 20 7946 0000"}
            """;

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-13T10:00:00Z"));
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final String db = TestDatabases.sqliteUrl();
    @TempDir
    Path dir;
    private Path config;
    private Bot bot;

    @BeforeEach
    void start() throws Exception {
        slack.start();
        slack.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0CDC00001\",\"ts\":\"1768298400.000100\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/chat.update")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0CDC00001\",\"ts\":\"1768298400.000100\"}")));
        slack.stubFor(post(urlPathEqualTo("/api/usergroups.list")).willReturn(okJson("{\"ok\":true,\"usergroups\":[]}")));
        config = Files.writeString(dir.resolve("opsbot.yaml"), ExampleText.forOtherRunbooks());
        Files.createDirectories(dir.resolve("runbooks"));
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, db, config, dir.resolve("runbooks"), Path.of("templates"), List.of(TOKEN),
                Optional.of(TEAM));
        bot = Bot.start(settings, ConfigLoader.load(settings).require(), clock);
    }

    @AfterEach
    void stop() {
        bot.close();
        slack.stop();
    }

    @Test
    void aValidChangeTakesEffectAtOnceAndAnInvalidOneIsRefusedWithTheOldOneInForce() throws Exception {
        assertThat(ops("contacts billing")).contains("There is no team `billing`");

        // A new team with contacts, and a route that sends service=billing to it.
        Files.writeString(config, ExampleText.forOtherRunbooks()
                .replace("  ops: {channel: \"#ops\"}\n", BILLING + "  ops: {channel: \"#ops\"}\n")
                .replace("routes:\n", "routes:\n  - {match: {service: [billing, invoices]}, team: billing}\n"));
        Cli reload = opsbot("reload");

        assertThat(reload.code()).as(reload.err()).isZero();
        assertThat(reload.out()).contains(": applied: ").contains("opsbot.yaml");
        assertThat(ops("contacts billing")).contains("*Payments vendor* · <tel:+442079460000|+44 20 7946 0000>");
        alert("InvoiceExportFailed", "invoices");
        Eventually.await("the alert group in the new team's channel", Duration.ofSeconds(20),
                () -> posts().stream().anyMatch(b -> b.startsWith("channel=#billing-alerts") && b.contains("InvoiceExportFailed")));

        // A route to a team that does not exist: refused where it is asked, with the file's line.
        String valid = Files.readString(config);
        Files.writeString(config, valid.replace("team: billing}", "team: bililng}"));
        Cli refused = opsbot("reload");
        ConfigReload.Outcome signalled = bot.reloadOnSignal();

        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("opsbot.yaml:").contains("names team 'bililng', which is not defined under teams:")
                .contains("did you mean 'billing'?").contains("not reloading");
        assertThat(signalled.applied()).isFalse();
        assertThat(signalled.problems()).anySatisfy(p -> assertThat(p).contains("names team 'bililng'"));
        assertThat(ops("contacts billing")).as("the configuration in force stays").contains("*Payments vendor*");
        alert("InvoiceExportSlow", "billing");
        Eventually.await("the alert still routed by the configuration in force", Duration.ofSeconds(20),
                () -> posts().stream().anyMatch(b -> b.startsWith("channel=#billing-alerts") && b.contains("InvoiceExportSlow")));
    }

    @Test
    void aGapTheNewFileLeavesInTheNextDayIsPostedOnceToTheTeamsChannel() throws Exception {
        // cdc-primary kept only for office hours: from 18:00 Berlin tonight nobody is on call.
        String example = ExampleText.forOtherRunbooks();
        String weekly = example.substring(example.indexOf("  cdc-primary:\n"), example.indexOf("  extraction-primary:"));
        Files.writeString(config, example.replace(weekly, """
                  cdc-primary:
                    time-zone: Europe/Berlin
                    layers:
                      - rotation: weekly
                        start: 2026-01-05
                        hand-off: "Mon 09:00"
                        members: [U0ALICE001, U0BOB00001]
                        restrict: {days: Mon-Fri, from: "09:00", to: "18:00"}
                """));

        assertThat(bot.reloadOnSignal().applied()).isTrue();
        assertThat(bot.reloadOnSignal().applied()).as("the same file again").isTrue();

        Eventually.await("the new gap posted", Duration.ofSeconds(20), () -> gapPosts().size() == 1);
        assertThat(gapPosts().getFirst()).startsWith("channel=#cdc-alerts").contains("nobody is on call on schedule `cdc-primary`")
                .contains("/ops override cdc-primary");
        Thread.sleep(1_000);
        assertThat(gapPosts()).as("once, however often the file is reloaded").hasSize(1);
    }

    @Test
    void heartbeatsAndMaintenanceWindowsAreAddedAndRemovedByAReload() throws Exception {
        String example = ExampleText.forOtherRunbooks();
        assertThat(ops("heartbeats")).doesNotContain("nightly-export");

        // Tuesday 10:00 UTC: a window whose time has come, and a heartbeat that never checked in.
        Files.writeString(config, example
                .replace("\nheartbeats:\n", "\nheartbeats:\n  - {name: nightly-export, team: cdc, every: 1h, severity: P2}\n")
                .replace("\nmaintenance:\n", "\nmaintenance:\n  - {name: cdc-patching, team: cdc, cron: \"0 10 * * TUE\","
                        + " duration: 2h, time-zone: UTC}\n"));
        assertThat(bot.reloadOnSignal().applied()).isTrue();

        assertThat(ops("heartbeats")).contains("*nightly-export* · cdc · every 1h · last check-in never");
        Eventually.await("the new window starts and is announced", Duration.ofSeconds(20), () -> posts().stream()
                .anyMatch(b -> b.startsWith("channel=#cdc-alerts") && b.contains("Maintenance started for *cdc*: cdc-patching")));
        assertThat(ops("maintenance")).contains("*In maintenance now*").contains("cdc-patching");
        clock.advance(Duration.ofMinutes(59));
        assertThat(ops("heartbeats")).as("new: counted from the reload, not missed at once")
                .contains(":white_check_mark: OK · *nightly-export*");
        clock.advance(Duration.ofMinutes(2));
        Eventually.await("the missed heartbeat is posted", Duration.ofSeconds(20), () -> posts().stream()
                .anyMatch(b -> b.startsWith("channel=#cdc-alerts") && b.contains("Heartbeat nightly-export missed")));

        Files.writeString(config, example);
        assertThat(bot.reloadOnSignal().applied()).isTrue();

        assertThat(ops("heartbeats")).doesNotContain("nightly-export");
        Eventually.await("the removed heartbeat's alert resolves", Duration.ofSeconds(20), () -> updates().stream()
                .anyMatch(b -> b.contains("Heartbeat nightly-export missed") && b.contains("Resolved")));
        Eventually.await("the removed window ends and says why", Duration.ofSeconds(20), () -> posts().stream()
                .anyMatch(b -> b.startsWith("channel=#cdc-alerts") && b.contains("Maintenance ended for *cdc*: cdc-patching")
                        && b.contains("removed from the configuration")));
        assertThat(ops("maintenance")).contains("*No maintenance now.*").doesNotContain("cdc-patching");
    }

    private List<String> updates() {
        return slack.findAll(postRequestedFor(urlEqualTo("/api/chat.update"))).stream()
                .map(LoggedRequest::getBodyAsString).map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8)).toList();
    }

    private List<String> gapPosts() {
        return posts().stream().filter(b -> b.contains("After the configuration was reloaded")).toList();
    }

    private record Cli(int code, String out, String err) {
    }

    private Cli opsbot(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = Map.of("OPSBOT_CONFIG", config.toString(), "OPSBOT_DB", db,
                "OPSBOT_RUNBOOKS", dir.resolve("runbooks").toString());
        int code = new CommandLine(new Main(env)).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    private void alert(String name, String service) throws Exception {
        String json = """
                {"receiver":"opsbot","status":"firing","alerts":[
                 {"status":"firing","labels":{"alertname":"%s","service":"%s","severity":"critical"},
                  "annotations":{},"startsAt":"2026-01-13T09:58:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"%s"}],
                 "groupLabels":{"alertname":"%s"},"commonLabels":{},"commonAnnotations":{},
                 "externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\\"%s\\"}",
                 "truncatedAlerts":0}""".formatted(name, service, name, name, name);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + bot.port() + "/alerts/alertmanager"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    private List<String> posts() {
        return slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))).stream()
                .map(LoggedRequest::getBodyAsString).map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8)).toList();
    }

    private String ops(String text) throws Exception {
        HttpResponse<String> response = http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"),
                SlackSigner.FORM, SlackPayloads.slashCommand(TEAM, "U0NOROLE01", text)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&");
    }
}
