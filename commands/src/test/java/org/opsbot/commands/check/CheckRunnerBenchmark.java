package org.opsbot.commands.check;

import com.sun.net.httpserver.HttpServer;
import org.opsbot.commands.model.RunReport;
import org.opsbot.commands.model.Status;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The figures of issue 3's targets, printed (not asserted; run it by hand, see the javadoc of
 * {@link #main}): one runbook of 20 HTTP checks against endpoints that take 200 ms, and 200
 * such runbooks at once. The endpoints are a JDK HttpServer whose handlers sleep on virtual
 * threads, so the server is not what is measured.
 */
public final class CheckRunnerBenchmark {
    private CheckRunnerBenchmark() {
    }

    /** {@code java -cp <test classpath> org.opsbot.commands.check.CheckRunnerBenchmark [runbooks]} */
    public static void main(String[] args) throws Exception {
        int runbooks = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"state\":\"RUNNING\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/slow";
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            checks.add(new Check("endpoint " + i, HttpKind.Http.get(url).withJson("/state").withEquals("RUNNING"))
                    .withTimeout(Duration.ofSeconds(30)));
        }
        CheckRunner runner = new CheckRunner(CheckRunner.defaultHttpClient(), ExecAllowList.none(), SecretMasker.of(), Clock.systemUTC());

        runner.run("warm-up", "Warm-up", checks, "bench");
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            RunReport report = runner.run("one", "One", checks, "bench");
            System.out.printf("1 runbook x 20 checks of 200 ms: %d ms, %s%n", (System.nanoTime() - start) / 1_000_000, report.summary());
        }

        System.gc();
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        List<Future<RunReport>> reports = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < runbooks; i++) {
                reports.add(callers.submit(() -> runner.run("many", "Many", checks, "bench", Duration.ofMinutes(1), ProgressListener.NONE)));
            }
            long peakThreads = Thread.activeCount();
            int ok = 0;
            for (Future<RunReport> f : reports) {
                ok += (int) f.get().count(Status.OK);
            }
            System.out.printf("%d runbooks x 20 checks at once: %d ms, %d/%d checks OK, heap +%d MiB, platform threads %d%n",
                    runbooks, (System.nanoTime() - start) / 1_000_000, ok, runbooks * 20,
                    (usedHeap() - heapBefore) / (1024 * 1024), peakThreads);
        }
        server.stop(0);
        System.exit(0);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
