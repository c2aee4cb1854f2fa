package org.opsbot.bot.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A real {@code opsbot serve} in a JVM of its own, started the way an operator starts it:
 * {@code org.opsbot.bot.Main serve} with the settings in environment variables. It can be
 * stopped cleanly (SIGTERM) or killed without a chance to clean up ({@link #kill9()}, SIGKILL).
 * Its output goes to a log file under {@code target/bot-processes}; register {@link PrintLogs}
 * to have the logs printed when a test fails.
 */
public final class BotProcess implements AutoCloseable {
    private static final Path LOGS = Path.of("target", "bot-processes").toAbsolutePath();
    private static final List<BotProcess> STARTED = new CopyOnWriteArrayList<>();
    // Start-up speed over peak speed: these processes live for seconds, on a small shared machine.
    private static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xmx256m", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED");

    private final String name;
    private final Process process;
    private final String baseUrl;
    private final Path log;
    private final long startedNanos;

    private BotProcess(String name, Process process, String baseUrl, Path log, long startedNanos) {
        this.name = name;
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code opsbot serve} with {@code env} (SLACK_*, OPSBOT_*; OPSBOT_PORT is chosen here
     * unless {@code env} sets it) and nothing of this JVM's own SLACK_* or OPSBOT_* variables.
     * Returns at once; see {@link #awaitReady}.
     */
    public static BotProcess start(String name, Map<String, String> env) {
        try {
            Files.createDirectories(LOGS);
            int port = env.containsKey("OPSBOT_PORT") ? Integer.parseInt(env.get("OPSBOT_PORT")) : freePort();
            Path work = Files.createDirectories(LOGS.resolve(name + "-work"));
            Path log = LOGS.resolve(name + "-" + System.currentTimeMillis() + ".log");
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(JVM_FLAGS);
            command.add("-cp");
            command.add(String.join(File.pathSeparator, applicationClasspath()));
            command.add("org.opsbot.bot.Main");
            command.add("serve");
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> environment = builder.environment();
            // A developer's shell may hold real tokens; none of them may reach a test bot.
            environment.keySet().removeIf(k -> k.startsWith("SLACK_") || k.startsWith("OPSBOT_"));
            environment.putAll(env);
            environment.put("OPSBOT_PORT", Integer.toString(port));
            long started = System.nanoTime();
            BotProcess bot = new BotProcess(name, builder.start(), "http://127.0.0.1:" + port, log, started);
            STARTED.add(bot);
            return bot;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code GET /health/ready} answers 200; fails with the log's tail if it does not. */
    public BotProcess awaitReady(Duration timeout) {
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest ready = HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with code " + process.exitValue() + " before it was ready\n" + tail(60));
            }
            try {
                if (probe.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException notListeningYet) {
                // until the server has bound its port
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + name);
            }
            sleep(50);
        }
        throw new AssertionError(name + " was not ready within " + timeout.toSeconds() + " s\n" + tail(60));
    }

    /** Waits for the process to end by itself and returns its exit status; fails with the log's tail if it does not. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " was still running after " + timeout.toSeconds() + " s\n" + tail(60));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name + " to exit");
        }
    }

    /** The whole log so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How long it has been since the process was started. */
    public Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** SIGKILL: the process ends at once, without shutdown hooks, releasing nothing. */
    public void kill9() {
        // On Linux destroyForcibly() is kill(pid, SIGKILL).
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " (pid " + pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, as an orchestrator stops a pod: the bot closes cleanly (releasing its leases). */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The last {@code lines} lines of the log, headed by the process's name and log path. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return "--- " + name + " (pid " + pid() + ", " + log + "), last " + Math.min(lines, all.size()) + " lines ---\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "--- " + name + ": no log (" + e.getMessage() + ") ---";
        }
    }

    /** Whether the log has a line containing {@code text}. */
    public boolean logged(String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The classpath of the application: this JVM's, without the test classes, and with Surefire's
     * manifest-only booter jar (whose manifest {@code Class-Path} holds the real classpath)
     * expanded.
     */
    public static List<String> applicationClasspath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.addAll(expand(Path.of(entry)));
            }
        }
        List<String> app = entries.stream()
                .filter(e -> !e.endsWith("test-classes") && !e.endsWith("test-classes" + File.separator)
                        && !e.endsWith("-tests.jar"))
                .toList();
        if (app.stream().noneMatch(e -> Files.isRegularFile(Path.of(e, "org", "opsbot", "bot", "Main.class"))
                || e.endsWith(".jar") && e.contains("opsbot-bot"))) {
            throw new IllegalStateException("the bot's classes are not on this JVM's classpath: " + app);
        }
        return app;
    }

    private static List<String> expand(Path entry) {
        if (!entry.toString().endsWith(".jar") || !Files.isRegularFile(entry)) {
            return List.of(entry.toAbsolutePath().toString());
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            boolean booter = entry.getFileName().toString().startsWith("surefirebooter");
            if (classPath == null || !booter) {
                return List.of(entry.toAbsolutePath().toString());
            }
            List<String> out = new ArrayList<>();
            for (String item : classPath.trim().split("\\s+")) {
                // Surefire writes absolute file: URLs; relative ones are relative to the jar.
                Path p = item.startsWith("file:") ? Path.of(URI.create(item)) : entry.getParent().resolve(item);
                out.add(p.toAbsolutePath().toString());
            }
            return out;
        } catch (IOException e) {
            return List.of(entry.toAbsolutePath().toString());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Prints the logs of the bot processes a test class started when one of its tests (or its
     * set-up) fails, so a CI failure shows what the bots said.
     */
    public static final class PrintLogs implements BeforeAllCallback, TestExecutionExceptionHandler,
            LifecycleMethodExecutionExceptionHandler {
        private final Map<String, Integer> firstOfClass = new LinkedHashMap<>();

        @Override
        public void beforeAll(ExtensionContext context) {
            firstOfClass.put(context.getRequiredTestClass().getName(), STARTED.size());
        }

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
            print(context);
            throw throwable;
        }

        @Override
        public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
            print(context);
            throw throwable;
        }

        @Override
        public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
            print(context);
            throw throwable;
        }

        private void print(ExtensionContext context) {
            int from = firstOfClass.getOrDefault(context.getRequiredTestClass().getName(), 0);
            List<BotProcess> mine = STARTED.subList(Math.min(from, STARTED.size()), STARTED.size());
            for (BotProcess bot : mine) {
                System.err.println(bot.tail(150));
            }
        }
    }
}
