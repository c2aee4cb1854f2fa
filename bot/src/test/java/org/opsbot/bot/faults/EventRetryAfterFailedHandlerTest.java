package org.opsbot.bot.faults;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RateLimitedSlack;
import org.opsbot.bot.testing.SlackPayloads;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.TestDatabases;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Events API delivery whose handler fails after its delivery was recorded (the database
 * fails between the two writes) answers 5xx, and Slack's retry of it is then handled, once:
 * the record of a delivery counts only once its handling committed.
 *
 * <p>The failure is the real database's: a trigger on the outbox table that, on PostgreSQL,
 * terminates the connection it runs on (the server going away mid-request) and, on SQLite,
 * aborts the statement.
 */
class EventRetryAfterFailedHandlerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MENTION_TS = "1700000200.000100";
    private static final String MENTION = SlackPayloads.appMention(FaultScenario.TEAM, "Ev0HANDLER1", "U0ALICE001",
            "C0STORAGE1", MENTION_TS);

    @TempDir
    Path runbooks;

    private FaultScenario scenario;
    private String schema;

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @AfterEach
    void stop() throws Exception {
        if (scenario != null) {
            scenario.close();
        }
        if (schema != null) {
            sql(TestDatabases.POSTGRES_URL, "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aRetryOfAnEventWhoseHandlerFailedIsHandledOnce(Dialect dialect) throws Exception {
        String url = databaseUrl(dialect);
        scenario = new FaultScenario(url, runbooks);
        RateLimitedSlack slack = scenario.slack;

        failWritesToTheOutbox(dialect, url);
        HttpResponse<String> first = delivery(0);
        assertThat(first.statusCode()).as("the handler failed: Slack is asked to deliver again").isGreaterThanOrEqualTo(500);
        healTheOutbox(dialect, url);

        assertThat(delivery(1).statusCode()).isEqualTo(200);
        assertThat(delivery(2).statusCode()).as("a later retry of the handled event").isEqualTo(200);
        Eventually.await("the mention answered", WAIT, () -> slack.channelPosts().stream().anyMatch(this::mentionAnswer));
        assertThat(count(url, "SELECT COUNT(*) FROM outbox")).as("one reply, from one handling").isEqualTo(1);
        assertThat(slack.channelPosts().stream().filter(this::mentionAnswer)).hasSize(1);
    }

    /**
     * Slack's delivery of the mention: the first ({@code retry} 0) or a retry with its headers,
     * each signed anew at a later second (the same signature twice would be a replay).
     */
    private HttpResponse<String> delivery(int retry) throws Exception {
        var request = scenario.signer.builder(scenario.uri("/slack/events"), "application/json", MENTION,
                Instant.now().getEpochSecond() + retry);
        if (retry > 0) {
            request.header("X-Slack-Retry-Num", Integer.toString(retry)).header("X-Slack-Retry-Reason", "http_error");
        }
        return scenario.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private boolean mentionAnswer(RateLimitedSlack.Call post) {
        return MENTION_TS.equals(post.get("thread_ts"));
    }

    private String databaseUrl(Dialect dialect) throws Exception {
        if (dialect == Dialect.SQLITE) {
            return TestDatabases.sqliteUrl();
        }
        schema = TestDatabases.schema("events_");
        sql(TestDatabases.POSTGRES_URL, "CREATE SCHEMA " + schema);
        return TestDatabases.POSTGRES_URL + (TestDatabases.POSTGRES_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static void failWritesToTheOutbox(Dialect dialect, String url) throws Exception {
        if (dialect == Dialect.SQLITE) {
            sql(url, "CREATE TRIGGER outbox_fails BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'the disk failed'); END");
        } else {
            sql(url, """
                    CREATE FUNCTION outbox_fails() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        PERFORM pg_terminate_backend(pg_backend_pid());
                        RETURN NEW;
                    END $$""");
            sql(url, "CREATE TRIGGER outbox_fails BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_fails()");
        }
    }

    private static void healTheOutbox(Dialect dialect, String url) throws Exception {
        sql(url, "DROP TRIGGER outbox_fails" + (dialect == Dialect.SQLITE ? "" : " ON outbox"));
    }

    private static void sql(String url, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static long count(String url, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             var rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
