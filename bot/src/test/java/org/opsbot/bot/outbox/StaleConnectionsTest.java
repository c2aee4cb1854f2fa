package org.opsbot.bot.outbox;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsbot.bot.testing.ClosingEdge;
import org.opsbot.bot.testing.RateLimitedSlack;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bot's HTTP clients for Slack against an edge that closes connections under them: a
 * connection found closed before a request is replaced at once; a request that may have been
 * acted on is never sent twice by a client for calls that act.
 */
class StaleConnectionsTest {
    private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded");

    private final RateLimitedSlack slack = new RateLimitedSlack();
    private ClosingEdge edge;
    private final SlackWebApi.Http http = SlackWebApi.http(Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        slack.close();
    }

    private int post(OkHttpClient client, String method, String text) throws IOException {
        Request request = new Request.Builder().url(edge.apiUrl() + method)
                .post(RequestBody.create("channel=C000000001&text=" + text, FORM)).build();
        try (Response response = client.newCall(request).execute()) {
            return response.code();
        }
    }

    @Test
    void aPostOnAConnectionClosedAfterItsLastAnswerGoesOutOnAFreshOneOnce() throws Exception {
        edge = new ClosingEdge(slack, ClosingEdge.Style.SILENT);
        for (int i = 0; i < 5; i++) {
            assertThat(post(http.acting(), "chat.update", "v" + i)).isEqualTo(200);
        }
        assertThat(slack.calls("chat.update")).hasSize(5);
        assertThat(edge.closedUnanswered()).as("connections found closed were dropped before use").isZero();
    }

    @Test
    void aPostWhoseKeptConnectionClosesUnderItIsReportedNotSentAgain() throws Exception {
        edge = new ClosingEdge(slack, ClosingEdge.Style.ACTS_THEN_CLOSES_UNDER_THE_NEXT);
        assertThat(post(http.acting(), "chat.update", "first")).isEqualTo(200);
        assertThatThrownBy(() -> post(http.acting(), "chat.update", "second"))
                .isInstanceOf(StaleConnections.ClosedAfterSending.class);
        assertThat(slack.calls("chat.update")).as("acted on once, never sent again").hasSize(2);
    }

    @Test
    void aCallThatMayBeRepeatedIsSentAgainOnAFreshConnection() throws Exception {
        edge = new ClosingEdge(slack, ClosingEdge.Style.CLOSES_UNDER_THE_NEXT);
        assertThat(post(http.asking(), "chat.update", "first")).isEqualTo(200);
        assertThat(post(http.asking(), "chat.update", "second")).isEqualTo(200);
        assertThat(slack.calls("chat.update")).hasSize(2);
        assertThat(edge.closedUnderRequests()).isEqualTo(1);
    }

    @Test
    void theFreshClientNeverUsesAPooledConnection() throws Exception {
        edge = new ClosingEdge(slack, ClosingEdge.Style.CLOSES_UNDER_THE_NEXT);
        assertThat(post(http.acting(), "chat.update", "first")).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(post(http.actingFresh(), "chat.update", "again " + i)).isEqualTo(200);
        }
        assertThat(edge.closedUnderRequests()).isZero();
    }
}
