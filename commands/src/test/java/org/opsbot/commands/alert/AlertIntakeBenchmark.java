package org.opsbot.commands.alert;

import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.TestDatabases;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Issue 4's intake target, printed (not asserted; run by hand): Alertmanager webhooks of 100
 * alerts each, parsed and stored with dedup on the default SQLite database, first as new alerts
 * and then as the re-sends a {@code repeat_interval} brings, from 4 senders at once.
 */
public final class AlertIntakeBenchmark {
    private AlertIntakeBenchmark() {
    }

    /** {@code java -cp <test classpath> org.opsbot.commands.alert.AlertIntakeBenchmark [webhooks]} */
    public static void main(String[] args) throws Exception {
        int webhooks = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        try (Database db = Database.open(TestDatabases.sqliteUrl());
             ExecutorService senders = Executors.newFixedThreadPool(4)) {
            Alerts alerts = new Alerts(db, ConfigLoader.bundledExample().require(), Clock.systemUTC());
            List<byte[]> bodies = new ArrayList<>();
            for (int w = 0; w < webhooks; w++) {
                bodies.add(webhook(w).getBytes(StandardCharsets.UTF_8));
            }
            for (int round = 0; round < 3; round++) {
                run("warm-up", alerts, senders, bodies.subList(0, Math.min(20, webhooks)));
            }
            run("new alerts", alerts, senders, bodies);
            run("re-sends (dedup)", alerts, senders, bodies);
        }
    }

    private static void run(String what, Alerts alerts, ExecutorService senders, List<byte[]> bodies) throws Exception {
        long start = System.nanoTime();
        List<Future<Integer>> done = new ArrayList<>();
        for (byte[] body : bodies) {
            done.add(senders.submit(() -> alerts.receive(WebhookParser.parse(AlertSource.ALERTMANAGER, body)).alerts()));
        }
        long total = 0;
        for (Future<Integer> f : done) {
            total += f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-18s %6d alerts in %5d webhooks: %6.0f ms, %,8.0f alerts/s (target ≥ 10,000)%n",
                what, total, bodies.size(), seconds * 1000, total / seconds);
    }

    private static String webhook(int group) {
        StringBuilder alerts = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            alerts.append(i == 0 ? "" : ",").append("""
                    {"status":"firing","labels":{"alertname":"Bench%d","team":"cdc","severity":"warning","instance":"host-%d:9100","job":"node"},
                     "annotations":{"summary":"Disk 91%% full on host-%d","description":"/var is 91%% full"},
                     "startsAt":"2026-11-22T03:00:00Z","endsAt":"0001-01-01T00:00:00Z",
                     "generatorURL":"http://prometheus:9090/graph?g0.expr=disk","fingerprint":"b%05d%03d"}"""
                    .formatted(group, i, i, group, i));
        }
        return """
                {"receiver":"opsbot","status":"firing","alerts":[%s],"groupLabels":{"alertname":"Bench%d"},
                 "commonLabels":{"team":"cdc"},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","version":"4",
                 "groupKey":"{}:{alertname=\\"Bench%d\\"}","truncatedAlerts":0}""".formatted(alerts, group, group);
    }
}
