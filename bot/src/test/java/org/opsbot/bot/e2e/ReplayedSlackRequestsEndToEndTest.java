package org.opsbot.bot.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.commands.store.TestDatabases;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A signed Slack request captured on the way (a proxy's log, a debugging dump) and sent again
 * unchanged within its five minutes is refused: Slack never sends a slash command or a click
 * twice, so a second delivery of the same signature is not Slack.
 */
class ReplayedSlackRequestsEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String RUN = "run cdc/pause-connector connector=postgres-sink-connector";

    @TempDir
    Path dir;
    private ActionsBot slack;

    @AfterEach
    void stop() {
        if (slack != null) {
            slack.close();
        }
    }

    private HttpRequest signedRun() {
        return slack.signed(SlackPayloads.slashCommand(ActionsBot.TEAM, ActionsBot.ALICE, RUN));
    }

    private void awaitTheRun() {
        Eventually.await("the action ran", WAIT, () -> slack.targetCalls() == 1);
    }

    @Test
    void aReplayedRunCommandIsRefusedWith401AndTheActionRunsOnce() throws Exception {
        slack = new ActionsBot(dir, TestDatabases.sqliteUrl()).start();
        HttpRequest run = signedRun();

        HttpResponse<String> first = slack.send(run);
        awaitTheRun();
        HttpResponse<String> second = slack.send(run);
        HttpResponse<String> third = slack.send(run);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("Running Pause a connector");
        assertThat(second.statusCode()).isEqualTo(401);
        assertThat(third.statusCode()).isEqualTo(401);
        Thread.sleep(1_000); // a second run would have reached the target by now
        assertThat(slack.targetCalls()).isEqualTo(1);
    }

    @Test
    void aReplayAfterTheBotRestartedOnTheSameDatabaseIsRefused() throws Exception {
        slack = new ActionsBot(dir, TestDatabases.sqliteUrl()).start();
        HttpRequest run = signedRun();
        assertThat(slack.send(run).statusCode()).isEqualTo(200);
        awaitTheRun();

        slack.stop();
        slack.start();
        HttpResponse<String> replay = slack.send(HttpRequest.newBuilder(run, (name, value) -> true)
                .uri(slack.events()).build());

        assertThat(replay.statusCode()).isEqualTo(401);
        Thread.sleep(1_000);
        assertThat(slack.targetCalls()).isEqualTo(1);
    }

    @Test
    void twoDeliveriesOfOneRequestAtTheSameMomentRunItOnce() throws Exception {
        slack = new ActionsBot(dir, TestDatabases.sqliteUrl()).start();
        HttpRequest run = signedRun();

        CompletableFuture<HttpResponse<String>> one = CompletableFuture.supplyAsync(() -> slack.send(run));
        CompletableFuture<HttpResponse<String>> two = CompletableFuture.supplyAsync(() -> slack.send(run));

        assertThat(List.of(one.get().statusCode(), two.get().statusCode())).containsExactlyInAnyOrder(200, 401);
        awaitTheRun();
        Thread.sleep(1_000);
        assertThat(slack.targetCalls()).isEqualTo(1);
    }

    @Test
    void theSameCommandTypedAgainIsANewRequestAndRuns() throws Exception {
        slack = new ActionsBot(dir, TestDatabases.sqliteUrl()).start();
        assertThat(slack.send(signedRun()).statusCode()).isEqualTo(200);
        awaitTheRun();

        // Slack gives every command a trigger_id of its own, and signs it when it sends it.
        HttpResponse<String> again = slack.send(signedRun());

        assertThat(again.statusCode()).isEqualTo(200);
        Eventually.await("the action ran again", WAIT, () -> slack.targetCalls() == 2);
    }
}
