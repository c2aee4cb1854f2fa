package org.opsbot.bot.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.RealAlertmanager;
import org.opsbot.bot.testing.RealPrometheus;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.escalation.FireLoop;
import org.opsbot.commands.store.TestDatabases;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bot against the real sources: Debian's Prometheus scrapes a gauge the test sets and
 * evaluates a rule over it, Debian's Alertmanager groups what fires and calls the bot's
 * {@code /alerts/alertmanager} with its bearer token, WireMock stands in for Slack, and people
 * act through signed Slack requests. Nothing of the bot is stubbed; every payload between the
 * servers is the one they really send.
 */
class PrometheusEndToEndTest {
    private static final String SECRET = "prometheus-e2e-signing-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "prometheus-e2e-webhook-token";
    private static final String GAUGE = "opsbot_demo_queue_depth";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Tier 2's wait: long enough to ack before it on a busy machine, short enough to wait out. */
    private static final Duration TEAM_LEAD_AFTER = Duration.ofSeconds(8);

    /** The rule docs/alerts.md shows. */
    static final String RULES = """
            groups:
              - name: opsbot-demo
                rules:
                  - alert: DemoQueueBacklog
                    expr: opsbot_demo_queue_depth > 100
                    for: 0s
                    labels:
                      severity: critical
                      team: ops
                    annotations:
                      summary: "Demo queue holds {{ $value }} jobs"
                      runbook: demo-queue
            """;

    /** The receiver docs/alerts.md shows, with waits shortened for a test. */
    static String alertmanagerYml(String botUrl) {
        return """
                route:
                  receiver: opsbot
                  group_by: [alertname, team]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 4h
                receivers:
                  - name: opsbot
                    webhook_configs:
                      - url: %s/alerts/alertmanager
                        send_resolved: true
                        http_config:
                          authorization:
                            type: Bearer
                            credentials: %s
                """.formatted(botUrl, TOKEN);
    }

    private static final String OPSBOT_YAML = """
            slack:
              default-channel: "#alerts"
            roles:
              responders: [U0ALICE001, U0BOB00001]
            severities:
              - {name: P1, ack-within: 5m, resolve-within: 1h}
              - {name: P2, ack-within: 1h}
            teams:
              ops:
                channel: "#alerts"
                responders: responders
                severity-map: {critical: P1, warning: P2}
                escalation:
                  tiers:
                    - {name: On-call engineer, notify: [U0BOB00001]}
                    - {name: Team lead, after: %ds, notify: [U0LEAD0001]}
            routes:
              - {team: ops}
            """.formatted(TEAM_LEAD_AFTER.toSeconds());

    @TempDir
    Path runbooks;

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final HttpClient http = HttpClient.newHttpClient();
    private Bot bot;
    private RealAlertmanager alertmanager;
    private RealPrometheus prometheus;

    /** A failure here is often in the servers, not the bot: their logs are printed before they are deleted. */
    @RegisterExtension
    final AfterTestExecutionCallback logsOnFailure = context -> context.getExecutionException().ifPresent(e -> {
        if (prometheus != null) {
            System.err.println("--- prometheus log ---\n" + prometheus.log());
            try {
                System.err.println("--- prometheus alerts ---\n" + prometheus.alerts());
            } catch (Exception ignored) {
                // it may be the part that failed
            }
        }
        if (alertmanager != null) {
            System.err.println("--- alertmanager log ---\n" + alertmanager.log());
        }
        System.err.println("--- slack calls ---\n" + String.join("\n", slack.calls().stream().map(Object::toString).toList()));
    });

    @AfterEach
    void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (alertmanager != null) {
            alertmanager.close();
        }
        if (bot != null) {
            bot.close();
        }
        slack.close();
    }

    /**
     * Alertmanager needs the bot's URL and the runbook Prometheus' URL before the bot starts (it
     * reads runbooks once), so the bot's port is picked first and the bot started last.
     */
    private void start() throws Exception {
        int botPort;
        try (ServerSocket s = new ServerSocket(0)) {
            botPort = s.getLocalPort();
        }
        alertmanager = RealAlertmanager.start(alertmanagerYml("http://127.0.0.1:" + botPort));
        prometheus = RealPrometheus.start(RULES, alertmanager);
        prometheus.set(GAUGE, 3);
        Files.writeString(runbooks.resolve("demo-queue.yaml"), """
                name: demo-queue
                title: Demo queue
                team: ops
                checks:
                  - name: Demo queue depth
                    prometheus:
                      url: %s
                      query: max(opsbot_demo_queue_depth)
                    warn: "> 100"
                    crit: "> 500"
                """.formatted(prometheus.url));
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.apiUrl(), botPort, TestDatabases.sqliteUrl(), Path.of("opsbot.yaml"), runbooks,
                Path.of("templates"), List.of(TOKEN), Optional.of(TEAM));
        bot = Bot.start(settings, ConfigParser.parse(OPSBOT_YAML, "opsbot.yaml").require(), Clock.systemUTC());
    }

    /**
     * One set of servers for both scenarios (starting Prometheus, Alertmanager and the bot is most
     * of a scenario's time); the check's runs are numbered from the first, as the alert scenario
     * runs no check.
     */
    @Test
    void aFiringRuleIsPostedAckedResolvedAndReopenedAndItsRunbooksPrometheusCheckReadsTheSameServer() throws Exception {
        start();
        aFiringRuleBecomesOneGroupMessageAnAckStopsEscalationTheRuleStoppingResolvesItAndFiringAgainReopensIt();
        aPrometheusCheckReadsTheSameServerCritWhileTheGaugeIsHighByCommandAndFromTheAlertAndOkOnceItIsNormal();
    }

    private void aFiringRuleBecomesOneGroupMessageAnAckStopsEscalationTheRuleStoppingResolvesItAndFiringAgainReopensIt()
            throws Exception {
        long high = System.nanoTime();
        prometheus.set(GAUGE, 750);
        Eventually.await("the group message in #alerts", WAIT, () -> !parents().isEmpty());
        long firedIn = Duration.ofNanos(System.nanoTime() - high).toMillis();
        RateLimitedSlack.Call parent = parents().getFirst();
        assertThat(parent.get("channel")).isEqualTo("#alerts");
        assertThat(parent.get("blocks")).contains("FIRING", "P1", "DemoQueueBacklog");
        assertThat(parent.get("attachments")).contains("Demo queue holds 750 jobs",
                "Acknowledge", "Run runbook", prometheus.url + "/graph?g0.expr=");

        // Tier 1 is paged at once; tier 2 is due TEAM_LEAD_AFTER later, as the message says.
        Eventually.await("the on-call engineer paged", WAIT, () -> paged().equals(List.of("U0BOB00001")));
        long pagedAt = System.nanoTime();
        Eventually.await("the page noted in the thread", WAIT, () -> slack.pageNotes().size() == 1);
        assertThat(slack.pageNotes().getFirst().get("text")).contains("Tier 1 (On-call engineer) paged <@U0BOB00001>");
        Eventually.await("the message shows the next tier", WAIT, () -> lastParent().contains("next: tier 2 (Team lead)"));

        String channel = slack.pageNotes().getFirst().get("channel");
        click("U0BOB00001", channel, slack.tsOf(parent), "alert.ack", groupId(parent));
        Eventually.await("acknowledged on the message", WAIT, () -> lastParent().contains("Acknowledged by <@U0BOB00001>"));
        assertThat(lastParent()).contains("ACKNOWLEDGED", "Escalation paused").doesNotContain("next: tier 2");
        assertThat(paged()).as("acked before tier 2 was due").containsExactly("U0BOB00001");

        // Past tier 2's due time, with four rounds of the escalation loop to look: nobody else is paged.
        long tier2Due = pagedAt + TEAM_LEAD_AFTER.toNanos();
        Thread.sleep(Math.max(0, Duration.ofNanos(tier2Due - System.nanoTime()).toMillis())
                + FireLoop.MAX_WAIT.multipliedBy(4).toMillis());
        assertThat(paged()).as("acknowledged: the team lead is not paged").containsExactly("U0BOB00001");
        assertThat(slack.pageNotes()).hasSize(1);

        long normal = System.nanoTime();
        prometheus.set(GAUGE, 3);
        Eventually.await("resolved on the message", WAIT, () -> lastParent().contains("RESOLVED"));
        // Mostly Prometheus' and Alertmanager's own intervals (1 s each here); printed, not asserted.
        System.out.printf("gauge high → group message at Slack: %d ms; gauge normal → message resolved: %d ms%n",
                firedIn, Duration.ofNanos(System.nanoTime() - normal).toMillis());
        assertThat(lastParent()).contains("Resolved at the source", "~Demo queue holds 750 jobs~")
                .doesNotContain("Acknowledge", "Escalation");
        Eventually.await("the thread says so", WAIT, () -> replies().stream()
                .anyMatch(r -> r.get("text").contains("Every alert has resolved at the source")));
        assertThat(parents()).as("one group message, updated in place, never reposted").hasSize(1);
        assertThat(slack.calls("chat.update").stream().filter(u -> u.get("attachments") != null))
                .as("the group's message (the page DM is redrawn too)")
                .allSatisfy(u -> assertThat(u.get("ts")).isEqualTo(slack.tsOf(parent)));
        assertThat(paged()).containsExactly("U0BOB00001");


        // Firing again is a new episode (Prometheus gives it a new startsAt): the same message
        // reopens, says so in its thread, and the escalation starts over.
        prometheus.set(GAUGE, 900);
        Eventually.await("reopened in the thread", WAIT, () -> replies().stream()
                .anyMatch(r -> r.get("text").contains("*Reopened*: a new firing episode started")));
        Eventually.await("the message firing again", WAIT, () -> lastParent().contains("Demo queue holds 900 jobs"));
        assertThat(lastParent()).contains("FIRING", "Acknowledge").doesNotContain("RESOLVED", "Acknowledged by");
        // Within two minutes of the first page: in that page DM, and told in its thread.
        Eventually.await("the on-call engineer paged again", WAIT, () -> slack.pageNotes().size() == 2
                && slack.calls("chat.postMessage").stream().anyMatch(c -> c.isReply() && c.get("text").contains("Paging you again")));
        assertThat(paged()).containsExactly("U0BOB00001");
        assertThat(parents()).as("still the one group message").hasSize(1);
    }

    private void aPrometheusCheckReadsTheSameServerCritWhileTheGaugeIsHighByCommandAndFromTheAlertAndOkOnceItIsNormal()
            throws Exception {
        prometheus.set(GAUGE, 750);
        awaitPrometheusSees("750");
        slash("U0ALICE001", "check demo-queue");
        String high = awaitReport(1).get("blocks");
        assertThat(high).contains(":red_circle: *Demo queue*: *CRIT* — ",
                ":red_circle: *Demo queue depth* — 750 (crit &gt; 500)", "run #1 by <@U0ALICE001>");

        // The alert the same gauge fires names the runbook: its button runs it into the group's thread.
        Eventually.await("the group message in #alerts", WAIT, () -> !parents().isEmpty());
        RateLimitedSlack.Call parent = parents().getFirst();
        assertThat(parent.get("attachments")).contains("Run runbook demo-queue");
        Eventually.await("the page noted in the thread", WAIT, () -> !slack.pageNotes().isEmpty());
        click("U0BOB00001", slack.pageNotes().getFirst().get("channel"), slack.tsOf(parent), "alert.run",
                groupId(parent) + ":demo-queue");
        RateLimitedSlack.Call fromTheAlert = awaitReport(2);
        assertThat(fromTheAlert.get("blocks")).contains(":red_circle: *Demo queue depth* — 750 (crit &gt; 500)",
                "run #2 by <@U0BOB00001>");
        assertThat(inThreadOf(parent, fromTheAlert)).as("the report is a reply in the group's thread").isTrue();

        prometheus.set(GAUGE, 3);
        awaitPrometheusSees("3");
        slash("U0ALICE001", "check demo-queue");
        String normal = awaitReport(3).get("blocks");
        assertThat(normal).contains("*Demo queue*: *OK* — ", ":white_check_mark: *Demo queue depth* — value 3",
                "run #3 by <@U0ALICE001>").doesNotContain("CRIT", "WARN");
    }

    private void awaitPrometheusSees(String value) {
        Eventually.await("Prometheus scraped " + value, WAIT, () -> {
            try {
                return prometheus.query("max(" + GAUGE + ")").contains(",\"" + value + "\"]");
            } catch (Exception e) {
                return false;
            }
        });
    }

    /**
     * The message holding the final report of run {@code n}: usually the "Running…" message
     * updated in place, but the outbox folds an update into a post Slack has not received yet, so
     * on a busy machine the post itself may already carry the report.
     */
    private RateLimitedSlack.Call awaitReport(int n) {
        Eventually.await("report of run #" + n, WAIT, () -> report(n).isPresent());
        return report(n).orElseThrow();
    }

    private Optional<RateLimitedSlack.Call> report(int n) {
        return slack.calls().stream()
                .filter(c -> c.method().equals("chat.postMessage") || c.method().equals("chat.update"))
                .filter(c -> String.valueOf(c.get("blocks")).contains("run #" + n + " by"))
                .reduce((a, b) -> b);
    }

    /** Whether {@code message} (a post, or an update of one) is a reply in {@code parent}'s thread. */
    private boolean inThreadOf(RateLimitedSlack.Call parent, RateLimitedSlack.Call message) {
        String parentTs = slack.tsOf(parent);
        if (message.method().equals("chat.postMessage")) {
            return parentTs.equals(message.get("thread_ts"));
        }
        return replies().stream().anyMatch(r -> parentTs.equals(r.get("thread_ts")) && slack.tsOf(r).equals(message.get("ts")));
    }

    private List<RateLimitedSlack.Call> parents() {
        return slack.channelPosts().stream().filter(c -> "#alerts".equals(c.get("channel")) && !c.isReply()).toList();
    }

    private List<RateLimitedSlack.Call> replies() {
        return slack.channelPosts().stream().filter(RateLimitedSlack.Call::isReply).toList();
    }

    /** The group message as Slack shows it now: the last update, or the post itself. */
    private String lastParent() {
        // The group's message (it has a coloured attachment), not the page DM (blocks only).
        List<RateLimitedSlack.Call> updates = slack.calls("chat.update").stream().filter(u -> u.get("attachments") != null).toList();
        RateLimitedSlack.Call last = updates.isEmpty() ? parents().getFirst() : updates.getLast();
        // The header (state, severity, title) is in the blocks, the rest in the coloured attachment.
        return last.get("blocks") + last.get("attachments");
    }

    private List<String> paged() {
        return slack.directMessages().stream().filter(c -> c.get("text").startsWith("You are paged"))
                .map(c -> c.get("channel")).toList();
    }

    private static String groupId(RateLimitedSlack.Call parent) {
        Matcher m = Pattern.compile("group `(\\d+)`").matcher(parent.get("attachments"));
        assertThat(m.find()).as("the group id on the message").isTrue();
        return m.group(1);
    }

    private void click(String user, String channel, String messageTs, String actionId, String value) throws Exception {
        String body = SlackPayloads.blockActions(TEAM, user, "bob", channel, messageTs, actionId, value, false);
        assertThat(http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM, body),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private void slash(String user, String text) throws Exception {
        assertThat(http.send(signer.post(URI.create("http://localhost:" + bot.port() + "/slack/events"), SlackSigner.FORM,
                SlackPayloads.slashCommand(TEAM, user, text)), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
