package org.opsbot.commands.stats;

import org.opsbot.commands.model.Verdict;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.StatsStore;

import java.time.Clock;
import java.util.Optional;

/** The Actionable? answers on resolved alert groups, which the noisiest alerts count. */
public final class Verdicts {
    private final StatsStore store;
    private final Clock clock;

    public Verdicts(Database db, Clock clock) {
        this.store = new StatsStore(db);
        this.clock = clock;
    }

    public void answer(long groupId, boolean actionable, String by) {
        store.markActionable(groupId, actionable, by, clock.instant());
    }

    public Optional<Verdict> of(long groupId) {
        return store.verdict(groupId);
    }
}
