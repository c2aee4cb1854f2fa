package org.opsbot.bot.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Black-box benchmarks of the built bot: start-up to ready (and the CPU it took), idle resident
 * memory, and the ack latency of a signed {@code /ops help}, under an open-loop load and in bursts
 * of concurrent commands. Run with
 * {@code ./mvnw -q verify -Pbench -DskipTests}; see BENCHMARKS.md for the method.
 *
 * <p>It lives in the test sources so that neither it nor WireMock ends up in the shipped jar, and
 * it is a program rather than a test because its figures are for people to read and compare, not
 * pass/fail assertions that flake on a busy 2-core machine.
 *
 * <p>Options ({@code --name value} or {@code --name=value}; the last one given wins):
 * <pre>
 *   --jar PATH        the bot's jar (bot/target/opsbot.jar)
 *   --config PATH     opsbot.yaml to start it with (opsbot.example.yaml)
 *   --java PATH       java to start the bot with (the JVM running this harness)
 *   --jvm-opts "..."  the bot's JVM flags (-XX:+UseSerialGC, as `-Prun` starts it)
 *   --work DIR        where the SQLite file and the bot's log go (bot/target/bench)
 *   --url URL         measure a server that is already running instead (no start-up, no RSS
 *                     unless --pid is given); its signing secret comes from --secret
 *   --pid N           the process to read VmRSS of in --url mode
 *   --secret S        signing secret in --url mode
 *   --rate N          requests per second (100)
 *   --warmup SECONDS  load before measuring, discarded (10)
 *   --duration SECONDS measured load (30)
 *   --idle SECONDS    wait after ready before reading the idle RSS (10)
 *   --burst N         commands sent at the same instant, as when a channel all types at once (50)
 *   --bursts N        how many such bursts, one a second (20)
 * </pre>
 */
public final class Benchmarks {

    private static final double TARGET_P99_MS = 50;
    private static final double TARGET_STARTUP_S = 2;
    private static final double TARGET_RSS_MB = 200;
    private static final Duration SLACK_ACK_DEADLINE = Duration.ofSeconds(3);
    private static final String COMMAND = "./mvnw -q verify -Pbench -DskipTests";

    private final Map<String, String> opts;
    private final HttpClient http = HttpClient.newBuilder()
            // Slack talks HTTP/1.1 to the bot (through whatever proxy terminates TLS); no h2c upgrade.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Benchmarks(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        try {
            new Benchmarks(opts).run();
        } catch (BenchFailure e) {
            System.err.println("benchmark failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private void run() throws Exception {
        int rate = intOpt("rate", 100);
        int warmup = intOpt("warmup", 10);
        int duration = intOpt("duration", 30);
        int idle = intOpt("idle", 10);
        int burst = intOpt("burst", 50);
        int bursts = intOpt("bursts", 20);
        String secret = opts.getOrDefault("secret", randomToken());

        WireMockServer slack = startFakeSlack();
        warmUp(slack);
        Bot bot = null;
        try {
            String baseUrl;
            Long startupMs = null;
            Long firstStartMs = null;
            Long idleRssKb = null;
            StartCpu firstCpu = null;
            StartCpu restartCpu = null;
            long pid;
            if (opts.containsKey("url")) {
                baseUrl = stripSlash(opts.get("url"));
                pid = Long.parseLong(opts.getOrDefault("pid", "-1"));
                if (pid > 0) {
                    sleepSeconds(idle);
                    idleRssKb = rssKb(pid);
                }
            } else {
                // A first start, on an empty database, creates the schema and writes the
                // class-data archive the JVM flags name: what a fresh install costs once. The
                // measured start is a restart on that database, as a deployed bot restarts.
                Bot first = Bot.start(this, secret, slack, true);
                try {
                    firstStartMs = first.waitUntilReady(Duration.ofSeconds(60));
                    firstCpu = first.startCpu;
                    log("first start ready after %d ms; stopping it, then starting again", firstStartMs);
                } finally {
                    first.stop();
                }
                bot = Bot.start(this, secret, slack, false);
                baseUrl = bot.baseUrl;
                pid = bot.process.pid();
                startupMs = bot.waitUntilReady(Duration.ofSeconds(60));
                restartCpu = bot.startCpu;
                log("ready after %d ms; idling %d s before reading VmRSS", startupMs, idle);
                sleepSeconds(idle);
                bot.checkAlive();
                idleRssKb = rssKb(pid);
            }

            URI events = URI.create(baseUrl + "/slack/events");
            String responseUrl = slack.baseUrl() + "/response/T0BENCH/1/" + randomToken();
            log("warm-up: %d req/s for %d s", rate, warmup);
            runLoad(events, secret, responseUrl, rate, warmup);
            log("measuring: %d req/s for %d s", rate, duration);
            LoadResult load = runLoad(events, secret, responseUrl, rate, duration);
            log("bursts: %d commands at once, %d times", burst, bursts);
            LoadResult bursty = runBursts(events, secret, responseUrl, burst, bursts);
            Long loadedRssKb = pid > 0 ? rssKb(pid) : null;
            if (bot != null) {
                bot.checkAlive();
            }
            report(rate, duration, firstStartMs, startupMs, firstCpu, restartCpu, idleRssKb, loadedRssKb, load,
                    burst, bursty, bot);
        } finally {
            if (bot != null) {
                bot.stop();
            }
            slack.stop();
        }
    }

    // ---- the fake Slack Web API ----------------------------------------------------------

    private static WireMockServer startFakeSlack() {
        WireMockServer server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                // Nothing is verified afterwards; a journal would only grow during the load.
                .disableRequestJournal());
        server.start();
        server.stubFor(any(urlPathEqualTo("/api/auth.test")).willReturn(okJson(
                "{\"ok\":true,\"url\":\"https://bench.slack.com/\",\"team\":\"bench\",\"user\":\"opsbot\","
                        + "\"team_id\":\"T0BENCH\",\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\"}")));
        server.stubFor(any(urlPathEqualTo("/api/chat.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0BENCH\",\"ts\":\"1700000000.000100\","
                        + "\"message\":{\"type\":\"message\",\"text\":\"\",\"ts\":\"1700000000.000100\"}}")));
        server.stubFor(any(urlPathEqualTo("/api/chat.update")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0BENCH\",\"ts\":\"1700000000.000100\"}")));
        // Anything else the bot may call (conversations.open, users.info, ...) and the
        // response_url of the slash command: answered, so a missing stub cannot stall the bot.
        server.stubFor(any(urlPathMatching("/api/.*")).atPriority(10).willReturn(okJson("{\"ok\":true}")));
        server.stubFor(any(urlPathMatching("/response/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
        return server;
    }

    // ---- the bot as a child process -------------------------------------------------------

    private static final class Bot {
        final Process process;
        final String baseUrl;
        final Path log;
        final long startNanos;
        final long harnessCpuAtStart = harnessCpuNanos();
        final List<String> command;
        StartCpu startCpu;

        private Bot(Process process, String baseUrl, Path log, long startNanos, List<String> command) {
            this.process = process;
            this.baseUrl = baseUrl;
            this.log = log;
            this.startNanos = startNanos;
            this.command = command;
        }

        /**
         * @param freshDatabase start from an empty database (a new install: the schema is created);
         *                      otherwise the previous start's database is kept (a restart)
         */
        static Bot start(Benchmarks b, String secret, WireMockServer slack, boolean freshDatabase) throws IOException {
            Path jar = Path.of(b.opts.getOrDefault("jar", "bot/target/opsbot.jar")).toAbsolutePath();
            Path config = Path.of(b.opts.getOrDefault("config", "opsbot.example.yaml")).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new BenchFailure("no bot jar at " + jar + " (build it: ./mvnw -q package -DskipTests)");
            }
            if (!Files.isRegularFile(config)) {
                throw new BenchFailure("no config at " + config + " (pass --config PATH)");
            }
            Path work = Path.of(b.opts.getOrDefault("work", "bot/target/bench")).toAbsolutePath();
            Files.createDirectories(work);
            Path db = work.resolve("bench.db");
            List<String> jvmOpts = splitWords(b.opts.getOrDefault("jvm-opts", "-XX:+UseSerialGC"));
            if (freshDatabase) {
                for (String suffix : new String[] {"", "-wal", "-shm"}) {
                    Files.deleteIfExists(Path.of(db + suffix));
                }
                // A new install has no class-data archive either. An archive left by an earlier
                // build of the jar is not used (the jar's size and time differ) and, on JDK 25 at
                // least, -XX:+AutoCreateSharedArchive does not replace it: every later start
                // then ran without it, about a second slower, which is how a 2.18 s restart got
                // into BENCHMARKS.md.
                for (String opt : jvmOpts) {
                    if (opt.startsWith("-XX:SharedArchiveFile=")) {
                        Files.deleteIfExists(Path.of(opt.substring("-XX:SharedArchiveFile=".length())));
                    }
                }
            }
            Path log = work.resolve("opsbot.log");
            int port = freePort();

            List<String> cmd = new ArrayList<>();
            cmd.add(b.opts.getOrDefault("java", currentJava()));
            cmd.addAll(jvmOpts);
            cmd.addAll(List.of("-jar", jar.toString(), "serve"));

            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            // A developer's shell may hold real tokens or a Socket Mode token; none must leak in.
            env.keySet().removeIf(k -> k.startsWith("SLACK_") || k.startsWith("OPSBOT_"));
            env.put("SLACK_SIGNING_SECRET", secret);
            env.put("SLACK_BOT_TOKEN", "xoxb-bench");
            env.put("SLACK_API_URL", slack.baseUrl() + "/api/");
            env.put("SLACK_TEAM_ID", "T0BENCH");
            env.put("OPSBOT_PORT", Integer.toString(port));
            env.put("OPSBOT_DB", "jdbc:sqlite:" + db);
            env.put("OPSBOT_CONFIG", config.toString());
            env.put("OPSBOT_WEBHOOK_TOKEN", randomToken());

            long start = System.nanoTime();
            Process p = pb.start();
            Bot bot = new Bot(p, "http://127.0.0.1:" + port, log, start, cmd);
            Runtime.getRuntime().addShutdownHook(new Thread(bot::stop)); // Ctrl-C must not orphan it
            log("started pid %d on port %d, log %s", p.pid(), port, log);
            return bot;
        }

        long waitUntilReady(Duration timeout) throws Exception {
            HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofMillis(200)).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready"))
                    .timeout(Duration.ofSeconds(1)).GET().build();
            long deadline = startNanos + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                checkAlive();
                try {
                    if (probe.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
                        startCpu = StartCpu.of(process.pid(), (harnessCpuNanos() - harnessCpuAtStart) / 1_000_000);
                        return readyMs;
                    }
                } catch (IOException notYetListening) {
                    // expected until the server binds its port
                }
                // 5 ms polls: fine enough for a 2 s target, cheap enough not to slow the start.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            throw new BenchFailure("GET /health/ready did not answer 200 within " + timeout.toSeconds()
                    + " s\n" + tail());
        }

        void checkAlive() {
            if (!process.isAlive()) {
                throw new BenchFailure("the bot exited with code " + process.exitValue() + "\n" + tail());
            }
        }

        String tail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return "--- last lines of " + log + " ---\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        void stop() {
            if (!process.isAlive()) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /**
     * Where the CPU went until ready, read from {@code /proc}: a start on 2 cores is bounded by
     * CPU, so these say more than the wall-clock time on a busy machine. {@code harnessMs} is what
     * this JVM (load generator, fake Slack, readiness polls) used meanwhile, on the same cores.
     */
    record StartCpu(long botMs, long mainMs, long jitMs, long harnessMs) {
        static StartCpu of(long pid, long harnessMs) {
            long total = 0;
            long main = 0;
            long jit = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks.toList()) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException threadEnded) {
                        continue;
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // utime and stime (fields 14 and 15 of proc(5)), in clock ticks of 10 ms
                    long ms = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
                    total += ms;
                    if (name.equals("java")) {
                        main += ms; // the launcher's thread that runs main() keeps the process's name
                    } else if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        jit += ms;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return null; // not Linux, or the process is gone: no figure rather than a wrong one
            }
            return new StartCpu(total, main, jit, harnessMs);
        }

        String shown() {
            return String.format(Locale.ROOT, "%.2f s", botMs / 1000.0);
        }

        String detail() {
            return String.format(Locale.ROOT, "main thread %.2f s, JIT compilers %.2f s, other threads %.2f s;"
                    + " the harness used %.2f s meanwhile", mainMs / 1000.0, jitMs / 1000.0,
                    (botMs - mainMs - jitMs) / 1000.0, harnessMs / 1000.0);
        }
    }

    private static long harnessCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Exercises the fake Slack and this JVM's HTTP client before the bot starts: Slack's servers
     * are warm, and a cold WireMock answering the bot's first calls (auth.test,
     * usergroups.list) competed with the bot's start for the same 2 cores, which added about
     * 0.5 s to the measured start-up that was not the bot's.
     */
    private void warmUp(WireMockServer slack) throws InterruptedException {
        List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String method = List.of("auth.test", "usergroups.list", "chat.postMessage").get(i % 3);
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(slack.baseUrl() + "/api/" + method))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=xoxb-bench")).build(),
                    HttpResponse.BodyHandlers.discarding()));
            if (i % 20 == 19) {
                CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
                calls.clear();
            }
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        Thread.sleep(500); // let its JIT compilations finish too
    }

    // ---- open-loop load --------------------------------------------------------------------

    private record LoadResult(long sent, long[] latenciesNanos, Map<String, Long> errors,
                              long overSlackDeadline, long maxSendLagNanos) {}

    /**
     * Sends {@code rate * seconds} requests on a fixed timetable and measures each from the time
     * it was due, not from when it was actually sent: if the bot (or this machine) stalls, the
     * requests that should have gone out meanwhile are charged the wait, as they would be with
     * Slack, instead of silently not being sent (coordinated omission).
     */
    private LoadResult runLoad(URI events, String secret, String responseUrl, int rate, int seconds)
            throws InterruptedException {
        int n = rate * seconds;
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        AtomicLongArray latency = new AtomicLongArray(n);
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>(n);
        long maxLag = 0;
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < n; i++) {
            long due = t0 + i * periodNanos;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            maxLag = Math.max(maxLag, System.nanoTime() - due);
            HttpRequest request = signedSlashCommand(events, secret, responseUrl, "help");
            int slot = i;
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .handle((response, failure) -> {
                        long took = System.nanoTime() - due;
                        if (failure != null) {
                            errors.computeIfAbsent(rootCause(failure), k -> new LongAdder()).increment();
                            latency.set(slot, -1);
                        } else if (response.statusCode() / 100 != 2) {
                            errors.computeIfAbsent("HTTP " + response.statusCode(), k -> new LongAdder()).increment();
                            latency.set(slot, -1);
                        } else {
                            latency.set(slot, took);
                        }
                        return null;
                    }));
        }
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log("some requests were still outstanding 30 s after the last was sent");
        }
        long[] ok = new long[n];
        int count = 0;
        long overDeadline = 0;
        for (int i = 0; i < n; i++) {
            long v = latency.get(i);
            if (v > 0) {
                ok[count++] = v;
                if (v > SLACK_ACK_DEADLINE.toNanos()) {
                    overDeadline++;
                }
            } else if (v == 0) {
                errors.computeIfAbsent("no answer", k -> new LongAdder()).increment();
            }
        }
        long[] sorted = Arrays.copyOf(ok, count);
        Arrays.sort(sorted);
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        return new LoadResult(n, sorted, errorCounts, overDeadline, maxLag);
    }

    /**
     * {@code size} commands sent at the same instant, {@code rounds} times a second apart: the
     * case a steady rate hides (an incident, and the whole channel types {@code /ops} at once).
     * Each is timed from the burst's start, so the last one answered carries the queueing.
     */
    private LoadResult runBursts(URI events, String secret, String responseUrl, int size, int rounds)
            throws InterruptedException {
        List<Long> latencies = new ArrayList<>();
        Map<String, Long> errors = new TreeMap<>();
        long over = 0;
        for (int round = 0; round < rounds; round++) {
            List<HttpRequest> requests = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                requests.add(signedSlashCommand(events, secret, responseUrl, "help"));
            }
            long start = System.nanoTime();
            List<CompletableFuture<Long>> answers = new ArrayList<>();
            for (HttpRequest request : requests) {
                answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                        .handle((response, failure) -> failure != null ? -1L
                                : response.statusCode() / 100 != 2 ? -(long) response.statusCode()
                                : System.nanoTime() - start));
            }
            for (CompletableFuture<Long> answer : answers) {
                long v;
                try {
                    v = answer.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    v = -1;
                }
                if (v >= 0) {
                    latencies.add(v);
                    over += v > SLACK_ACK_DEADLINE.toNanos() ? 1 : 0;
                } else {
                    errors.merge(v == -1 ? "failed or no answer" : "HTTP " + (-v), 1L, Long::sum);
                }
            }
            Thread.sleep(1000);
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new LoadResult((long) size * rounds, sorted, errors, over, 0);
    }

    /** A slash command exactly as Slack sends it: its form fields, signed over {@code v0:ts:body}. */
    static HttpRequest signedSlashCommand(URI events, String secret, String responseUrl, String text) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", "bench-verification-token");
        form.put("team_id", "T0BENCH");
        form.put("team_domain", "bench");
        form.put("channel_id", "C0BENCH");
        form.put("channel_name", "bench");
        form.put("user_id", "U0BENCH001");
        form.put("user_name", "bench");
        form.put("command", "/ops");
        form.put("text", text);
        form.put("api_app_id", "A0BENCH");
        form.put("is_enterprise_install", "false");
        form.put("response_url", responseUrl);
        form.put("trigger_id", "1000000000.1000000000." + randomToken());
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        return HttpRequest.newBuilder(events)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
                .header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", sign(secret, timestamp, body.toString()))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    static String sign(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(digest);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the report ------------------------------------------------------------------------

    private void report(int rate, int duration, Long firstStartMs, Long startupMs, StartCpu firstCpu,
                        StartCpu restartCpu, Long idleRssKb, Long loadedRssKb, LoadResult load, int burst,
                        LoadResult bursty, Bot bot) {
        long[] l = load.latenciesNanos();
        long errors = load.errors().values().stream().mapToLong(Long::longValue).sum();
        StringBuilder out = new StringBuilder();
        out.append("\nopsbot benchmarks, ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        out.append("machine: ").append(machine()).append('\n');
        out.append("java:    ").append(javaDescription()).append('\n');
        if (bot != null) {
            out.append("bot:     ").append(String.join(" ", bot.command)).append('\n');
        } else {
            out.append("bot:     already running at ").append(opts.get("url")).append('\n');
        }
        out.append("command: ").append(COMMAND).append('\n');
        Map<String, String> shown = new LinkedHashMap<>(opts);
        shown.computeIfPresent("secret", (k, v) -> "***"); // the table gets pasted into docs
        out.append("options: ").append(shown).append('\n');
        out.append("load:    signed `/ops help`, open loop, ").append(rate).append(" req/s for ").append(duration)
                .append(" s after a ").append(intOpt("warmup", 10))
                .append(" s warm-up; the load generator shares the machine with the bot\n\n");

        String f = "| %-38s | %14s | %-10s | %-6s |%n";
        out.append(String.format(Locale.ROOT, f, "measure", "result", "target", ""));
        out.append(String.format(Locale.ROOT, f, "-".repeat(38), "-".repeat(14), "-".repeat(10), "-".repeat(6)));
        row(out, f, "first start (new schema, CDS archive)",
                firstStartMs == null ? null : firstStartMs / 1000.0, "%.2f s", "", null);
        row(out, f, "restart to ready (GET /health/ready)",
                startupMs == null ? null : startupMs / 1000.0, "%.2f s", "< 2 s", TARGET_STARTUP_S);
        row(out, f, "CPU used by the first start", firstCpu == null ? null : firstCpu.botMs() / 1000.0, "%.2f s", "", null);
        row(out, f, "CPU used by the restart", restartCpu == null ? null : restartCpu.botMs() / 1000.0, "%.2f s", "", null);
        row(out, f, "idle RSS, ready + " + intOpt("idle", 10) + " s",
                idleRssKb == null ? null : idleRssKb * 1024 / 1e6, "%.0f MB", "< 200 MB", TARGET_RSS_MB);
        row(out, f, "RSS after the load", loadedRssKb == null ? null : loadedRssKb * 1024 / 1e6, "%.0f MB", "", null);
        row(out, f, "requests sent", (double) load.sent(), "%.0f", "", null);
        row(out, f, "errors (non-2xx, failed, no answer)", (double) errors, "%.0f", "0", 0.0);
        row(out, f, "answered later than Slack's 3 s", (double) load.overSlackDeadline(), "%.0f", "0", 0.0);
        row(out, f, "ack latency p50", pct(l, 50), "%.1f ms", "", null);
        row(out, f, "ack latency p90", pct(l, 90), "%.1f ms", "", null);
        row(out, f, "ack latency p99", pct(l, 99), "%.1f ms", "< 50 ms", TARGET_P99_MS);
        row(out, f, "ack latency max", l.length == 0 ? null : l[l.length - 1] / 1e6, "%.1f ms", "", null);
        row(out, f, "load generator's worst send lag", load.maxSendLagNanos() / 1e6, "%.1f ms", "", null);
        long[] b = bursty.latenciesNanos();
        long burstErrors = bursty.errors().values().stream().mapToLong(Long::longValue).sum();
        String inBursts = burst + " at once";
        row(out, f, "commands sent in bursts of " + burst, (double) bursty.sent(), "%.0f", "", null);
        row(out, f, "errors, " + inBursts, (double) burstErrors, "%.0f", "0", 0.0);
        row(out, f, "answered later than 3 s, " + inBursts, (double) bursty.overSlackDeadline(), "%.0f", "0", 0.0);
        row(out, f, "ack latency p50, " + inBursts, pct(b, 50), "%.1f ms", "", null);
        row(out, f, "ack latency p99, " + inBursts, pct(b, 99), "%.1f ms", "< 3 s", (double) SLACK_ACK_DEADLINE.toMillis());
        row(out, f, "ack latency max, " + inBursts, b.length == 0 ? null : b[b.length - 1] / 1e6, "%.1f ms", "", null);
        if (restartCpu != null) {
            out.append("\nrestart CPU: ").append(restartCpu.detail()).append('\n');
        }
        if (firstCpu != null) {
            out.append("first start CPU: ").append(firstCpu.detail()).append('\n');
        }
        if (!load.errors().isEmpty()) {
            out.append("\nerrors: ").append(load.errors()).append('\n');
        }
        if (!bursty.errors().isEmpty()) {
            out.append("errors in bursts: ").append(bursty.errors()).append('\n');
        }
        System.out.print(out);
        System.out.flush();
    }

    /** One table row; a target given as a number is an upper bound and gets OK or MISSED. */
    private static void row(StringBuilder out, String format, String name, Double value, String unit,
                            String target, Double limit) {
        String shown = value == null ? "n/a" : String.format(Locale.ROOT, unit, value);
        String verdict = value == null || limit == null ? ""
                : (limit == 0 ? value == 0 : value < limit) ? "OK" : "MISSED";
        out.append(String.format(Locale.ROOT, format, name, shown, target, verdict));
    }

    /** Nearest-rank percentile, in milliseconds. */
    private static Double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    private static String machine() {
        String cpu = "unknown CPU";
        String memory = "unknown memory";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(s -> s.startsWith("model name")).findFirst()
                    .map(s -> s.substring(s.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException | UncheckedIOException ignored) {
            // not Linux: leave it unknown rather than fail the run
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            memory = lines.filter(s -> s.startsWith("MemTotal:")).findFirst()
                    .map(s -> String.format(Locale.ROOT, "%.1f GiB",
                            Long.parseLong(s.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .orElse(memory);
        } catch (IOException | UncheckedIOException ignored) {
            // as above
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (nproc), " + memory + ", " + cpu + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    private static String javaDescription() {
        return System.getProperty("java.vm.vendor") + " " + Runtime.version() + " (" + System.getProperty("java.home")
                + "); the bot runs on the same JDK unless --java says otherwise";
    }

    private static Long rssKb(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/" + pid + "/status"))) {
            return lines.filter(s -> s.startsWith("VmRSS:")).findFirst()
                    .map(s -> Long.parseLong(s.replaceAll("\\D", ""))).orElse(null);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    // ---- small helpers ---------------------------------------------------------------------

    private static final class BenchFailure extends RuntimeException {
        BenchFailure(String message) {
            super(message);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                opts.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < args.length) {
                opts.put(a.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("missing value for " + a);
            }
        }
        return opts;
    }

    private int intOpt(String name, int fallback) {
        return Integer.parseInt(opts.getOrDefault(name, Integer.toString(fallback)));
    }

    private static List<String> splitWords(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static String randomToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static void sleepSeconds(int seconds) throws InterruptedException {
        Thread.sleep(Duration.ofSeconds(seconds));
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
        System.out.flush();
    }
}
