package org.opsbot.bot.escalation;

import com.slack.api.util.json.GsonFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsbot.bot.scheduler.Scheduler;
import org.opsbot.bot.testing.Eventually;
import org.opsbot.bot.testing.RecordingOutbox;
import org.opsbot.commands.access.GroupDirectory;
import org.opsbot.commands.audit.AuditLog;
import org.opsbot.commands.config.ConfigParser;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.escalation.Escalations;
import org.opsbot.commands.escalation.OnCallRoster;
import org.opsbot.commands.escalation.Pager;
import org.opsbot.commands.model.Subject;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.Dialect;
import org.opsbot.commands.store.EscalationStore;
import org.opsbot.commands.store.LeaseStore;
import org.opsbot.commands.store.MutableClock;
import org.opsbot.commands.store.OverrideStore;
import org.opsbot.commands.store.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page DM's redraw survives the process that owed it: a group acknowledged by a bot that died
 * before redrawing its DM is redrawn by the next bot over the same database, as soon as it starts.
 */
class OwedPageDmRedrawsTest {
    private static final String BOB = "U0BOB00001";
    private static final String GROUP = Subject.alertGroup(7).toString();
    private static final OpsbotConfig CONFIG = ConfigParser.parse("""
            teams:
              cdc:
                channel: "#cdc"
                escalation:
                  tiers:
                    - {name: On-call engineer, notify: [U0BOB00001]}
            routes: [{team: cdc}]
            """, "opsbot.yaml").require();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T03:00:00Z"));
    // The group as its own feature keeps it: both bots read the same state.
    private final Map<String, Subjects.Standing> standing = new ConcurrentHashMap<>(Map.of(GROUP, Subjects.Standing.OPEN));

    static List<Dialect> dialects() {
        return TestDatabases.dialects();
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void aGroupAcknowledgedByABotThatDiedBeforeRedrawingIsRedrawnByTheNextBotAtStart(Dialect dialect) {
        Supplier<Database> sameDatabase = TestDatabases.reopenable(dialect);
        RecordingOutbox first = new RecordingOutbox();
        long dm;
        try (Database db = sameDatabase.get(); EscalationFeature bot = start(db, first, "replica-a")) {
            bot.escalations().open(GROUP, "cdc", "P1");
            Eventually.await("Bob is paged and his DM drawn", Duration.ofSeconds(10),
                    () -> posts(first).size() == 1 && !updates(first).isEmpty());
            dm = first.calls().indexOf(posts(first).getFirst()) + 1; // the RecordingOutbox's ids count its calls
            assertThat(json(updates(first).getLast())).contains(SlackPager.ACK);

            // Bob acknowledges in the channel: the change is stored, and the process dies before
            // it redraws the DM (here: its pager never gets to the redraw).
            standing.put(GROUP, new Subjects.Standing(Subjects.Standing.State.ACKNOWLEDGED, Optional.of(BOB),
                    Optional.of(clock.instant())));
            withoutRedraws(db).acknowledged(GROUP, BOB);
            assertThat(bot.escalations().find(GROUP)).map(Walk::status).contains(Walk.Status.ACKNOWLEDGED);
        }
        assertThat(updates(first)).as("nothing redrew the DM after the ack")
                .noneMatch(u -> json(u).contains("Acknowledged"));

        RecordingOutbox second = new RecordingOutbox();
        try (Database db = sameDatabase.get(); EscalationFeature bot = start(db, second, "replica-b");
             Scheduler scheduler = new Scheduler(new LeaseStore(db, clock), clock, Duration.ofSeconds(5), bot.jobs(),
                     "replica-b").start()) {
            Eventually.await("the next bot redraws the DM as it starts", Duration.ofSeconds(10),
                    () -> !updates(second).isEmpty());
            RecordingOutbox.Call update = updates(second).getFirst();
            assertThat(update.target()).isEqualTo(Long.toString(dm));
            assertThat(json(update)).contains("Acknowledged").doesNotContain(SlackPager.ACK);
        }
    }

    /** The escalation feature as Bot builds it, over {@code db}, posting into {@code outbox}. */
    private EscalationFeature start(Database db, RecordingOutbox outbox, String replica) {
        EscalationFeature feature = EscalationFeature.start(pager -> escalations(db, pager), outbox, user -> Optional.empty(),
                Optional.empty(), new LeaseStore(db, clock), replica, Executors.newVirtualThreadPerTaskExecutor(), null, db, clock);
        feature.subjects(new Subjects() {
            @Override
            public Optional<Description> find(Subject subject) {
                return Optional.of(new Description("CDCReplicationLagHigh", "cdc", "P1", "#cdc", Optional.empty(),
                        Optional.empty(), "#7", Optional.empty(), Optional.empty(), standing.get(subject.toString())));
            }

            @Override
            public String acknowledge(Subject subject, String userId) {
                return "ok";
            }
        });
        return feature;
    }

    /** The engine of a process whose pager dies before it redraws anything. */
    private Escalations withoutRedraws(Database db) {
        return escalations(db, new Pager() {
            @Override
            public Result page(Walk walk, OnCallRoster.TierOnCall tier, String why) {
                return new Result(List.of(), List.of());
            }
        });
    }

    private Escalations escalations(Database db, Pager pager) {
        return new Escalations(new EscalationStore(db, clock), CONFIG, GroupDirectory.none(), new OverrideStore(db, clock),
                new AuditLog(db, clock), pager, clock);
    }

    private static List<RecordingOutbox.Call> posts(RecordingOutbox outbox) {
        return outbox.calls().stream().filter(c -> c.method().equals("post") && c.target().equals(BOB)).toList();
    }

    private static List<RecordingOutbox.Call> updates(RecordingOutbox outbox) {
        return outbox.calls().stream().filter(c -> c.method().equals("update")).toList();
    }

    private static String json(RecordingOutbox.Call call) {
        return GsonFactory.createSnakeCase().toJson(call.message().blocks());
    }

}
