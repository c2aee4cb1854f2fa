package org.opsbot.commands.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class SlackSignatureStoreTest {
    private static final Instant SIGNED = Instant.parse("2026-11-22T10:00:00Z");

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void onlyTheFirstDeliveryOfASignatureCounts(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            SlackSignatureStore signatures = new SlackSignatureStore(db);

            assertThat(signatures.firstDelivery("v0=aa", SIGNED)).isTrue();
            assertThat(signatures.firstDelivery("v0=aa", SIGNED)).as("the same request again").isFalse();
            assertThat(signatures.firstDelivery("v0=aa", SIGNED.plusSeconds(1))).as("whatever time it claims").isFalse();
            assertThat(signatures.firstDelivery("v0=bb", SIGNED)).as("another request").isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aSignatureDeliveredToTwoReplicasAtOnceIsFirstForExactlyOne(Dialect dialect) throws Exception {
        String url = dialect == Dialect.SQLITE ? TestDatabases.sqliteUrl() : TestDatabases.POSTGRES_URL;
        String schema = dialect == Dialect.SQLITE ? null
                : TestDatabases.schema("t_");
        try (Database one = Database.open(url, schema); Database two = Database.open(url, schema);
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<SlackSignatureStore> replicas = List.of(new SlackSignatureStore(one), new SlackSignatureStore(two));
            int requests = 50;
            int deliveries = 4;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> outcomes = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                for (int d = 0; d < deliveries; d++) {
                    String signature = "v0=" + r;
                    SlackSignatureStore replica = replicas.get(d % 2);
                    outcomes.add(pool.submit(() -> {
                        go.await();
                        return replica.firstDelivery(signature, SIGNED);
                    }));
                }
            }
            go.countDown();
            int first = 0;
            for (Future<Boolean> outcome : outcomes) {
                first += outcome.get() ? 1 : 0;
            }

            assertThat(first).as("each of %d requests let in once, of %d deliveries each", requests, deliveries)
                    .isEqualTo(requests);
        }
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void signaturesOlderThanTheCutoffAreForgottenAndNewerOnesKept(Dialect dialect) {
        try (Database db = TestDatabases.open(dialect)) {
            SlackSignatureStore signatures = new SlackSignatureStore(db);
            signatures.firstDelivery("v0=old", SIGNED.minus(Duration.ofMinutes(11)));
            signatures.firstDelivery("v0=recent", SIGNED.minus(Duration.ofMinutes(9)));

            assertThat(signatures.forgetSignedBefore(SIGNED.minus(Duration.ofMinutes(10)))).isEqualTo(1);
            assertThat(signatures.firstDelivery("v0=recent", SIGNED)).as("still remembered").isFalse();
            assertThat(signatures.firstDelivery("v0=old", SIGNED)).as("forgotten").isTrue();
        }
    }
}
