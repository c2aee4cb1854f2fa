package org.opsbot.bot.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.Bot;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.bot.testing.SlackSigner;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.store.TestDatabases;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One hostile corpus through every door text comes in by (each webhook format's names, titles,
 * labels and annotations; signed slash commands with titles, updates, reasons and arguments; a
 * runbook's titles; an action's output), then every Web API call the bot made and every answer it
 * gave Slack is searched for Slack markup from that input that is still live. Nothing from an
 * alert source may be; from people only plain user mentions ({@code <@U…>}, written by the bot)
 * in the commands that take a person or free text; a broadcast never.
 */
class UntrustedTextEndToEndTest {
    private static final String SECRET = "untrusted-text-e2e-secret";
    private static final String TEAM = "T0E2E00001";
    private static final String TOKEN = "untrusted-text-hook-token";
    private static final String ALICE = "U0ALICE001";
    private static final String TEAM_CHANNEL = "C0CDC00001";
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Sources whose user mentions may stay live, because a person wrote them: free text and a named person. */
    private static final Set<String> PEOPLE = Set.of("UPDATE", "REASON", "ESCALATE", "OVERRIDE");
    private static final Pattern LIVE = Pattern.compile("<([^<>]*)>");
    private static final Pattern DATE = Pattern.compile("!date\\^\\d+\\^[^|]*(\\|.*)?");

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .extensions(new AnswerForTheChannelAsked()));
    private final HttpClient http = HttpClient.newHttpClient();
    private final SlackSigner signer = new SlackSigner(SECRET);
    private final List<String> answers = Collections.synchronizedList(new ArrayList<>());
    private Bot bot;
    @TempDir
    Path dir;

    /**
     * Every way of writing live Slack markup the tests know, marked with {@code source} so a leak
     * says where it came from, plus look-alikes that must stay text ({@code &lt;!here&gt;}).
     */
    static String corpus(String source) {
        String t = source + "HOSTILE";
        return String.join(" ", "<!here>", "<!channel>", "<!everyone>", "<!here|here>", "<!group>",
                "<!subteam^S0" + t + "|@oncall>", "<!subteam^S0" + t + ">",
                "<@U0" + t + ">", "<@U0" + t + "|boss>", "<#C0" + t + ">", "<#C0" + t + "|general>",
                "<https://evil.example/" + t + "|click me>", "<https://evil.example/" + t + ">",
                "<mailto:" + t + "@evil.example|mail me>", "<!date^1700000000^{date}|" + t + " date>",
                "&lt;!here&gt;", "&amp;lt;!channel&amp;gt;", "*bold*", "_italic_", "~strike~", "`code`",
                "```block```", "&gt; quote", "&", "S0" + t);
    }

    private void start() throws Exception {
        slack.start();
        slack.stubFor(any(urlPathMatching("/api/.*")).willReturn(okJson(answer(TEAM_CHANNEL))));
        Path config = Files.writeString(dir.resolve("opsbot.yaml"), """
                slack:
                  default-channel: C0DEFAULT1
                  incidents-channel: C0INCIDENT
                roles:
                  responders: [U0ALICE001, U0BOB00001]
                  approvers: [U0LEAD0001]
                schedules:
                  cdc-primary:
                    time-zone: UTC
                    rotation: weekly
                    start: 2026-01-05
                    hand-off: "Mon 09:00"
                    members: [U0BOB00001]
                teams:
                  cdc:
                    channel: C0CDC00001
                    responders: responders
                    severity-map: {critical: P1}
                    escalation:
                      tiers:
                        - {name: On-call, notify: ["schedule:cdc-primary"]}
                        - {name: Lead, after: 30m, notify: [U0LEAD0001]}
                  web:
                    channel: C0WEB00001
                    responders: responders
                    severity-map: {critical: P1}
                    escalation:
                      tiers:
                        - {name: On-call, notify: ["schedule:cdc-primary"]}
                  db:
                    channel: C0DB000001
                    responders: responders
                    severity-map: {critical: P1}
                    escalation:
                      tiers:
                        - {name: On-call, notify: ["schedule:cdc-primary"]}
                routes:
                  - {match: {team: web}, team: web}
                  - {match: {team: db}, team: db}
                  - {team: cdc}
                permissions:
                  run: [responders]
                  override: [responders]
                  declare-top-severity: [responders]
                """);
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(runbooks.resolve("shouty.yaml"), """
                name: shouty
                title: "%1$s"
                description: "%1$s"
                team: cdc
                actions:
                  shout:
                    title: "%1$s"
                    description: "%1$s"
                    exec: {command: echo, args: ["%2$s"]}
                    risk: low
                """.formatted(corpus("RUNBOOK"), corpus("OUTPUT")));
        Settings settings = new Settings(Optional.of("xoxb-e2e"), Optional.of(SECRET), Optional.empty(),
                slack.baseUrl() + "/api/", 0, TestDatabases.sqliteUrl(), config, runbooks, Path.of("templates"),
                List.of(TOKEN), Optional.of(TEAM), List.of("echo"));
        bot = Bot.start(settings, ConfigParser.parse(config).require(), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (bot != null) {
            bot.close();
        }
        slack.stop();
    }

    @Test
    void noWebApiCallOrAnswerCarriesLiveMarkupFromOutsideBeyondAPersonsOwnMentions() throws Exception {
        start();

        webhook("alertmanager", alertmanager(corpus("AM")));
        webhook("grafana", grafana(corpus("GRAFANA")));
        webhook("generic", generic(corpus("GENERIC")));

        ops("incident declare P1 team=cdc " + corpus("DECLARE"));
        ops("incident update #1 " + corpus("UPDATE"));
        ops("run shouty/shout " + corpus("REASON"));
        // Escalating pages the tier after the one paged last: wait until the first is.
        Eventually.await("the on-call paged for the Alertmanager group", WAIT, () -> calls().stream()
                .anyMatch(c -> c.contains("\"channel\":\"U0BOB00001\"") && c.contains("S0AMHOSTILE")));
        ops("escalate 1 " + corpus("ESCALATE"));
        ops("override cdc <@U0OVERRIDEHOSTILE|boss> 1h");
        ops("override <!here> <@U0OVERRIDEHOSTILE|boss> 1h");
        ops("override cdc <!channel> 1h");
        ops("override cdc <@U0OVERRIDEHOSTILE|boss> <!everyone>");
        ops("override cdc <#C0OVERRIDEHOSTILE|general> 1h");
        // Words a command echoes back when it cannot use them.
        for (String command : List.of("", "help", "incident", "incident declare", "incident update #99", "check",
                "runbook", "alerts", "ack", "snooze 1", "silence 1", "oncall", "postmortem", "run", "breakglass",
                "breakglass shouty/shout")) {
            ops((command + " " + corpus("CMD")).strip());
        }
        for (String word : corpus("CMD").split(" ")) {
            for (String command : List.of("", "help", "check", "runbook", "alerts", "ack", "postmortem", "run", "incident ack")) {
                ops((command + " " + word).strip());
            }
        }
        // Confirmations name the group by its title, which came from outside.
        for (String act : List.of("ack", "unack", "snooze", "resolve")) {
            for (int group = 2; group <= 3; group++) {
                ops(act + " " + group + (act.equals("snooze") ? " 1h" : ""));
            }
        }
        assertThat(answers).anyMatch(a -> a.contains("Acknowledged #2 *")).anyMatch(a -> a.contains("Snoozed #3 *"))
                .anyMatch(a -> a.contains("Resolved #3 *"));
        click("action.open", "shouty/shout");

        Eventually.await("the action's output in its thread", WAIT, () -> seen("S0OUTPUTHOSTILE"));
        Eventually.await("the lead paged by the escalation", WAIT, () -> calls().stream()
                .anyMatch(c -> c.contains("U0LEAD0001") && c.contains("S0ESCALATEHOSTILE")));
        Eventually.await("the outbox has sent everything", WAIT, this::outboxIsEmpty);

        Set<String> leaks = new java.util.TreeSet<>();
        for (String call : calls()) {
            String method = JsonParser.parseString(call).getAsJsonObject().get("method").getAsString();
            strings(call).forEach(s -> live(s).forEach(token -> leaks.add(token + " in " + method + ": " + excerpt(s, token))));
        }
        for (String answer : List.copyOf(answers)) {
            strings(answer).forEach(s -> live(s).forEach(token -> leaks.add(token + " in an answer: " + excerpt(s, token))));
        }
        assertThat(leaks).as("live markup from outside in what the bot sent to Slack").isEmpty();

        // Each source did reach Slack, as text: the test cannot pass by the bot saying nothing.
        for (String source : List.of("AM", "GRAFANA", "GENERIC", "DECLARE", "UPDATE", "REASON", "ESCALATE", "OUTPUT",
                "RUNBOOK", "CMD", "OVERRIDE")) {
            assertThat(seen(source + "HOSTILE")).as(source + " reached Slack").isTrue();
        }
        assertThat(seen("&lt;!here&gt;")).isTrue();
        assertThat(calls()).as("a person's own mention in an update stays a mention")
                .anyMatch(c -> c.contains("<@U0UPDATEHOSTILE>"));
    }

    /** One answer for every Web API method, naming {@code channel} as the one acted in. */
    private static String answer(String channel) {
        return """
                {"ok":true,"channel":"%s","ts":"1700000000.000100","message_ts":"1700000000.000200","messages":[],
                 "has_more":false,"usergroups":[],"channels":[],"view":{"id":"V0VIEW0001"},"dnd_enabled":false,
                 "snooze_enabled":false,"response_metadata":{"next_cursor":""},"team_id":"%s","user_id":"U0BOT00001",
                 "bot_id":"B0BOT00001"}""".formatted(channel, TEAM);
    }

    /**
     * Answers with the channel the call named (the team's when it named none), as Slack does: were
     * every post answered as the team channel's, the bot would pace its DMs and the incident
     * channel's posts behind that one channel's second per post.
     */
    private static final class AnswerForTheChannelAsked implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "answer-for-the-channel-asked";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String channel = RateLimitedSlack.form(event.getRequest().getBodyAsString()).get("channel");
            return okJson(answer(channel == null || !channel.matches("[A-Z0-9]+") ? TEAM_CHANNEL : channel)).build();
        }
    }

    /** Live markup in {@code text} that came from the corpus and is not allowed to be live. */
    static List<String> live(String text) {
        List<String> bad = new ArrayList<>();
        Matcher m = LIVE.matcher(text);
        while (m.find()) {
            String token = m.group(1);
            boolean allowed;
            if (token.startsWith("!")) {
                // The bot itself never broadcasts; its own dates are fine.
                allowed = DATE.matcher(token).matches() && !token.contains("HOSTILE");
            } else if (token.startsWith("@")) {
                Matcher person = Pattern.compile("@U0([A-Z]+)HOSTILE").matcher(token);
                allowed = !token.contains("HOSTILE") || person.matches() && PEOPLE.contains(person.group(1));
            } else {
                allowed = !token.contains("HOSTILE") && !token.contains("evil") && !token.contains("click");
            }
            if (!allowed) {
                bad.add("<" + token + ">");
            }
        }
        return bad;
    }

    /** Where in {@code text} the first {@code token} is, with some text around it. */
    private static String excerpt(String text, String token) {
        int at = Math.max(0, text.indexOf(token));
        int from = Math.max(0, at - 60);
        return (from > 0 ? "…" : "") + text.substring(from, Math.min(text.length(), at + token.length() + 20)).replace("\n", " ") + "…";
    }

    private boolean seen(String marker) {
        return calls().stream().anyMatch(c -> c.contains(marker)) || List.copyOf(answers).stream().anyMatch(a -> a.contains(marker));
    }

    /** Every Web API call's fields, as Slack reads them, one string per call (JSON fields parsed). */
    private List<String> calls() {
        List<String> out = new ArrayList<>();
        for (LoggedRequest r : slack.findAll(anyRequestedFor(urlPathMatching("/api/.*")))) {
            JsonObject call = new JsonObject();
            call.addProperty("method", r.getUrl());
            for (Map.Entry<String, String> field : RateLimitedSlack.form(r.getBodyAsString()).entrySet()) {
                call.add(field.getKey(), parsed(field.getValue()));
            }
            out.add(call.toString().replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
                    .replace("\\u003d", "=").replace("\\u0027", "'"));
        }
        return out;
    }

    private static JsonElement parsed(String value) {
        String v = value.strip();
        if (v.startsWith("{") || v.startsWith("[")) {
            try {
                return JsonParser.parseString(v);
            } catch (RuntimeException notJson) {
                // a text that happens to start with a bracket
            }
        }
        return new com.google.gson.JsonPrimitive(value);
    }

    /** Every string in a JSON document (a call, an answer), values only. */
    private static List<String> strings(String json) {
        List<String> out = new ArrayList<>();
        collect(JsonParser.parseString(json), out);
        return out;
    }

    private static void collect(JsonElement e, List<String> out) {
        if (e == null || e.isJsonNull()) {
            return;
        }
        if (e.isJsonPrimitive()) {
            if (e.getAsJsonPrimitive().isString()) {
                out.add(e.getAsString());
            }
        } else if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> collect(x, out));
        } else {
            e.getAsJsonObject().entrySet().forEach(x -> collect(x.getValue(), out));
        }
    }

    private boolean outboxIsEmpty() {
        try {
            String metrics = http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().anyMatch(l -> l.startsWith("opsbot_outbox_pending ") && l.endsWith(" 0.0"));
        } catch (Exception e) {
            return false;
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + bot.port() + path);
    }

    private void webhook(String source, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/alerts/" + source))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(source + " webhook: " + response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"accepted\":1");
    }

    private void ops(String text) throws Exception {
        HttpResponse<String> response = http.send(signer.post(uri("/slack/events"), SlackSigner.FORM,
                SlackPayloads.slashCommand(TEAM, ALICE, text)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("/ops " + text).isEqualTo(200);
        if (!response.body().isBlank()) {
            answers.add(response.body());
        }
    }

    private void click(String actionId, String value) throws Exception {
        HttpResponse<String> response = http.send(signer.post(uri("/slack/events"), SlackSigner.FORM,
                SlackPayloads.blockActions(TEAM, ALICE, "alice", TEAM_CHANNEL, "1700000000.000100", actionId, value, false)),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        if (!response.body().isBlank()) {
            answers.add(response.body());
        }
    }

    private static String alertmanager(String hostile) {
        JsonObject labels = new JsonObject();
        labels.addProperty("alertname", hostile);
        labels.addProperty("team", "cdc");
        labels.addProperty("severity", "critical");
        labels.addProperty("instance", hostile);
        labels.addProperty("runbook", hostile);
        // Label names are at most 200 characters: the markup that fits.
        labels.addProperty(hostile.substring(0, hostile.indexOf("<#C0")), "a label named by the source");
        JsonObject annotations = new JsonObject();
        annotations.addProperty("summary", hostile);
        annotations.addProperty("description", hostile);
        annotations.addProperty("values", hostile);
        JsonObject alert = new JsonObject();
        alert.addProperty("status", "firing");
        alert.add("labels", labels);
        alert.add("annotations", annotations);
        alert.addProperty("startsAt", "2026-11-22T02:58:07Z");
        alert.addProperty("endsAt", "0001-01-01T00:00:00Z");
        alert.addProperty("generatorURL", "https://prometheus.example/graph?g0.expr=up");
        alert.addProperty("fingerprint", "fp-am");
        JsonObject group = new JsonObject();
        group.addProperty("alertname", hostile);
        JsonObject body = new JsonObject();
        body.addProperty("receiver", "opsbot");
        body.addProperty("status", "firing");
        JsonArray alerts = new JsonArray();
        alerts.add(alert);
        body.add("alerts", alerts);
        body.add("groupLabels", group);
        body.add("commonLabels", labels);
        body.add("commonAnnotations", annotations);
        body.addProperty("externalURL", "http://127.0.0.1:1");
        body.addProperty("version", "4");
        body.addProperty("groupKey", "{}:{alertname=\"hostile-am\"}");
        body.addProperty("truncatedAlerts", 0);
        return body.toString();
    }

    private static String grafana(String hostile) {
        JsonObject body = JsonParser.parseString(alertmanager(hostile)).getAsJsonObject();
        body.addProperty("groupKey", "{}:{alertname=\"hostile-grafana\"}");
        body.addProperty("title", "[FIRING:1] " + hostile);
        body.addProperty("message", hostile);
        body.addProperty("state", "alerting");
        JsonObject alert = body.getAsJsonArray("alerts").get(0).getAsJsonObject();
        alert.addProperty("fingerprint", "fp-grafana");
        // Grafana's group is team web's, the generic one team db's: each channel's posts are paced at
        // one a second, and every act on a group (ack, snooze, …) posts in its channel.
        alert.getAsJsonObject("labels").addProperty("team", "web");
        body.getAsJsonObject("commonLabels").addProperty("team", "web");
        alert.addProperty("silenceURL", "https://grafana.example/alerting/silence/new");
        JsonObject values = new JsonObject();
        values.addProperty(hostile, 1);
        alert.add("values", values);
        alert.getAsJsonObject("annotations").remove("values");
        return body.toString();
    }

    private static String generic(String hostile) {
        JsonObject labels = new JsonObject();
        labels.addProperty("team", "db");
        labels.addProperty("host", hostile);
        JsonObject annotations = new JsonObject();
        annotations.addProperty("note", hostile);
        JsonObject body = new JsonObject();
        body.addProperty("title", hostile);
        body.addProperty("severity", "critical");
        body.addProperty("status", "firing");
        body.addProperty("fingerprint", "fp-generic");
        body.addProperty("description", hostile);
        body.addProperty("url", "https://monitor.example/checks/1");
        body.add("labels", labels);
        body.add("annotations", annotations);
        return body.toString();
    }
}
