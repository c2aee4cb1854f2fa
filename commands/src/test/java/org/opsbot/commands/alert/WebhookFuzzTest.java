package org.opsbot.commands.alert;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.model.StoredAlert;
import org.opsbot.commands.store.AlertStore;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.TestDatabases;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Random webhooks of every format, valid and broken alerts mixed ({@link WebhookFuzz}), through the
 * parser and the store: every valid alert is stored as sent, every broken one is named with its
 * reason, and nothing throws. A new seed each run widens the search; a failure prints its seed,
 * and {@code -Dopsbot.fuzz.seed=N} replays it ({@code -Dopsbot.fuzz.tries=N} searches longer).
 */
class WebhookFuzzTest {
    static final int TRIES_PER_FORMAT = Integer.getInteger("opsbot.fuzz.tries", 30);
    static final long SEED = Long.getLong("opsbot.fuzz.seed", new SplittableRandom().nextLong());

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T03:00:00Z"));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void randomMixesOfValidAndBrokenAlertsStoreEveryValidOneAndNameEveryBrokenOneInEveryFormat(Dialect dialect) throws Exception {
        try (Database db = TestDatabases.open(dialect)) {
            Alerts alerts = new Alerts(db, ConfigLoader.bundledExample().require(), clock);
            AlertStore store = new AlertStore(db);
            List<WebhookSource> sources = AlertSources.webhooks();
            for (int format = 0; format < sources.size(); format++) {
                for (int i = 0; i < TRIES_PER_FORMAT; i++) {
                    WebhookFuzz.Case webhook = WebhookFuzz.generate(sources.get(format), SEED + 1_000L * format + i);
                    storesTheValidAndNamesTheBroken(webhook, alerts, store);
                }
            }
        }
    }

    private void storesTheValidAndNamesTheBroken(WebhookFuzz.Case webhook, Alerts alerts, AlertStore store) throws Exception {
        String what = "(replay with -Dopsbot.fuzz.seed=" + SEED + ") " + webhook.describe();
        Notification n = webhook.source().parse(webhook.body());
        assertThat(n.alerts()).as(what).extracting(IncomingAlert::fingerprint)
                .containsExactlyElementsOf(webhook.valid().stream().map(e -> e.fingerprint().orElseThrow()).toList());
        assertThat(n.rejected()).as(what).extracting(Rejection::index, Rejection::reason)
                .containsExactlyElementsOf(webhook.broken().stream().map(e -> tuple(e.index(), e.broken().orElseThrow())).toList());
        for (int i = 0; i < n.rejected().size(); i++) {
            WebhookFuzz.Expected expected = webhook.broken().get(i);
            if (expected.fingerprint().isPresent()) {
                assertThat(n.rejected().get(i).fingerprint()).as(what).isEqualTo(expected.fingerprint());
            }
        }

        Alerts.Intake[] intake = new Alerts.Intake[1];
        assertThatCode(() -> intake[0] = alerts.receive(n)).as(what).doesNotThrowAnyException();
        assertThat(intake[0].alerts()).as(what).isEqualTo(webhook.valid().size());
        Map<String, StoredAlert> stored = intake[0].changes().stream()
                .flatMap(change -> store.alerts(change.group().id()).stream())
                .collect(Collectors.toMap(StoredAlert::fingerprint, Function.identity()));
        assertThat(stored.keySet()).as(what)
                .containsExactlyInAnyOrderElementsOf(webhook.valid().stream().map(e -> e.fingerprint().orElseThrow()).toList());
        long now = clock.millis();
        for (WebhookFuzz.Expected e : webhook.valid()) {
            StoredAlert a = stored.get(e.fingerprint().orElseThrow());
            assertThat(a.firing()).as(what).isEqualTo(e.firing());
            assertThat(a.startsAt()).as(what).isEqualTo(e.startsAt().map(Instant::toEpochMilli).orElse(now));
            assertThat(a.endsAt()).as(what).isEqualTo(e.firing() ? null : e.endsAt().map(Instant::toEpochMilli).orElse(now));
        }
    }
}
