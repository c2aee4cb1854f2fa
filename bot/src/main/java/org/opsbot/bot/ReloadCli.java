package org.opsbot.bot;

import org.opsbot.commands.store.SettingStore;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code opsbot reload}: writes a reload request where every replica's background job looks
 * for it (the database: whoever can write there can already change everything the bot does, and
 * no port or token is added for it), then prints each replica's answer.
 */
final class ReloadCli {
    private static final Duration STEP = Duration.ofMillis(200);

    private ReloadCli() {
    }

    static int ask(SettingStore store, Duration wait, PrintWriter out, PrintWriter err) {
        String by = "opsbot reload by " + System.getProperty("user.name", "someone");
        String id = ConfigReload.request(store, by, Clock.systemUTC());
        Instant deadline = Instant.now().plus(wait);
        Instant firstAnswer = null;
        Map<String, String> answers = new TreeMap<>();
        try {
            while (Instant.now().isBefore(deadline)) {
                store.startingWith(ConfigReload.RESULT).forEach((name, value) -> {
                    if (value.startsWith(id + " ")) {
                        answers.put(name.substring(ConfigReload.RESULT.length()), value.substring(id.length() + 1));
                    }
                });
                if (!answers.isEmpty() && firstAnswer == null) {
                    firstAnswer = Instant.now();
                }
                // Other replicas poll as often: a little longer than one round gives them their turn.
                if (firstAnswer != null && Instant.now().isAfter(firstAnswer.plus(ConfigReload.POLL.multipliedBy(2)))) {
                    break;
                }
                Thread.sleep(STEP.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (answers.isEmpty()) {
            err.println("opsbot: no running opsbot answered within " + wait.toSeconds() + " s. Is it running, on this"
                    + " database? (A bot that starts later reads the files anyway.)");
            err.flush();
            return 1;
        }
        boolean allApplied = true;
        for (var answer : answers.entrySet()) {
            boolean applied = answer.getValue().startsWith("applied ");
            allApplied &= applied;
            String text = answer.getValue().substring(applied ? "applied ".length() : "refused ".length());
            (applied ? out : err).println(answer.getKey() + ": " + text);
        }
        out.flush();
        err.flush();
        return allApplied ? 0 : 1;
    }
}
