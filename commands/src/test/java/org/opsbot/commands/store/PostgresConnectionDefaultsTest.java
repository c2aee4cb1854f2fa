package org.opsbot.commands.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How long a PostgreSQL statement may wait for the server: 2 s for the bot's own calls, the
 * driver's socketTimeout (30 s unless the URL says otherwise) for the command-line tools, and
 * whatever the URL sets for everything when it sets one.
 */
class PostgresConnectionDefaultsTest {

    @BeforeEach
    void needsPostgresql() {
        assumeTrue(TestDatabases.dialects().contains(Dialect.POSTGRESQL), "no PostgreSQL (OPSBOT_TEST_POSTGRES_URL)");
    }

    @Test
    void theBotsStatementsWaitTwoSecondsForTheServer() {
        try (Database db = Database.open(TestDatabases.POSTGRES_URL)) {
            assertThat(networkTimeout(db)).isEqualTo(Database.CALL_NETWORK_TIMEOUT_MS);
        }
    }

    @Test
    void aToolsStatementsWaitTheDriversSocketTimeout() {
        try (Database db = Database.openForTool(TestDatabases.POSTGRES_URL)) {
            assertThat(networkTimeout(db)).isEqualTo(30_000);
        }
    }

    @Test
    void aSocketTimeoutInTheUrlHoldsForEveryStatement() {
        String url = TestDatabases.POSTGRES_URL + (TestDatabases.POSTGRES_URL.contains("?") ? "&" : "?") + "socketTimeout=7";
        try (Database db = Database.open(url); Database tool = Database.openForTool(url)) {
            assertThat(networkTimeout(db)).isEqualTo(7_000);
            assertThat(networkTimeout(tool)).isEqualTo(7_000);
        }
    }

    @Test
    void urlParametersAreRecognisedOnlyAsWholeNames() {
        assertThat(Database.urlSets("jdbc:postgresql://db/opsbot?user=a&socketTimeout=5", "socketTimeout")).isTrue();
        assertThat(Database.urlSets("jdbc:postgresql://db/opsbot?socketTimeout=5", "socketTimeout")).isTrue();
        assertThat(Database.urlSets("jdbc:postgresql://db/opsbot?xsocketTimeout=5", "socketTimeout")).isFalse();
        assertThat(Database.urlSets("jdbc:postgresql://db/socketTimeout", "socketTimeout")).isFalse();
    }

    private static int networkTimeout(Database db) {
        Integer millis = db.read(h -> {
            try {
                return h.getConnection().getNetworkTimeout();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        return millis;
    }
}
