package org.opsbot.bot;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.testing.InstalledOpsbot;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The first {@code opsbot serve} as the README's "first five minutes" start it, in dry-run with a
 * signing secret and a webhook token: what it prints, and that the banner's "Try:" lines work.
 */
class FirstStartTest {
    private static final String SECRET = "local-secret";
    private static final String TOKEN = "secret-token";

    @TempDir
    static Path dir;
    private static Process bot;
    private static Path log;
    private static int port;
    private static String output;

    @BeforeAll
    static void startTheBotAsTheReadmeSays() throws Exception {
        InstalledOpsbot opsbot = InstalledOpsbot.in(dir.resolve("install"));
        Path work = Files.createDirectories(dir.resolve("work"));
        port = freePort();
        log = dir.resolve("serve.log");
        bot = opsbot.start(work, Map.of("SLACK_SIGNING_SECRET", SECRET, "OPSBOT_WEBHOOK_TOKEN", TOKEN,
                "OPSBOT_PORT", Integer.toString(port), "OPSBOT_RUNBOOKS", InstalledOpsbot.ROOT.resolve("runbooks").toString(),
                "OPSBOT_WEBHOOK_TOKENS", TOKEN), log, "serve");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log).contains("opsbot is ready")) {
            assertThat(bot.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("ready within 120 s\n" + Files.readString(log)).isLessThan(deadline);
            Thread.sleep(100);
        }
        Thread.sleep(300);
        output = Files.readString(log);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (bot != null) {
            bot.destroy();
            if (!bot.waitFor(20, TimeUnit.SECONDS)) {
                bot.destroyForcibly();
            }
        }
    }

    @Test
    void theStartPrintsNoStrayHelidonOrNativeAccessLines() {
        assertThat(output).doesNotContain("There is no Helidon logging implementation")
                .doesNotContain("restricted method").doesNotContain("WARNING:");
    }

    @Test
    void aVariableCloseToOneOfOursIsWarnedOfAtStartUp() {
        assertThat(output).contains("WARN Main - environment: OPSBOT_WEBHOOK_TOKENS is set, but opsbot does not read it."
                + " Fix: did you mean OPSBOT_WEBHOOK_TOKEN? Rename it").doesNotContain(TOKEN);
    }

    @Test
    void theTryOpsUserOfTheBannerMayAckWhatAUserWithNoRoleMayNot() throws Exception {
        assumeTrue(onPath("curl") && onPath("openssl"), "bin/try-ops needs curl and openssl");
        Matcher line = Pattern.compile("TRY_OPS_USER=(\\S+) bin/try-ops ack 1").matcher(output);
        assertThat(line.find()).as(output).isTrue();
        String responder = line.group(1);
        HttpResponse<String> alert = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/alerts/alertmanager"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofFile(InstalledOpsbot.ROOT.resolve("examples/alertmanager-sample.json")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(alert.statusCode()).as(alert.body()).isEqualTo(200);

        String nobody = tryOps(Map.of(), "ack", "1");
        String asResponder = tryOps(Map.of("TRY_OPS_USER", responder), "ack", "1");

        assertThat(nobody).contains("may act on it").contains("set TRY_OPS_USER to a member id");
        assertThat(asResponder).doesNotContain("may act on it").doesNotContain("HTTP ");
    }

    /** {@code bin/try-ops words…}, as the banner says; returns what it printed. */
    private static String tryOps(Map<String, String> env, String... words) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                java.util.stream.Stream.concat(List.of(InstalledOpsbot.ROOT.resolve("bin/try-ops").toString()).stream(),
                        List.of(words).stream()).toList()).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("SLACK_") || k.startsWith("OPSBOT_") || k.startsWith("TRY_OPS"));
        environment.putAll(Map.of("SLACK_SIGNING_SECRET", SECRET, "OPSBOT_PORT", Integer.toString(port), "TRY_OPS_JSON", "1"));
        environment.putAll(env);
        Process p = builder.start();
        String printed = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return printed;
    }

    private static boolean onPath(String program) {
        return java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
