package org.opsbot.commands.home;

import org.opsbot.commands.model.HomeViewer;
import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.HomeViewerStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The people whose App Home the bot keeps up to date: only those who opened it at least once
 * (publishing for everyone else would spend Slack's {@code views.publish} limit on views nobody
 * looks at). A refresh is due when the view would show something else than the last one, and
 * at most once every {@link #MIN_GAP} per person, so a burst of changes becomes one publish.
 */
public final class HomeViewers {
    /** The shortest time between two refreshes of one person's Home. */
    public static final Duration MIN_GAP = Duration.ofSeconds(5);

    private final HomeViewerStore store;
    private final Clock clock;

    public HomeViewers(Database db, Clock clock) {
        this.store = new HomeViewerStore(db);
        this.clock = clock;
    }

    /** Someone opened the Home tab: they are kept up to date from now on. */
    public void opened(String userId) {
        store.opened(userId, clock.millis());
    }

    public List<HomeViewer> all() {
        return store.all();
    }

    /** Whether a view with {@code hash} should be published for {@code viewer} now. */
    public boolean refreshDue(HomeViewer viewer, String hash) {
        if (hash.equals(viewer.viewHash())) {
            return false;
        }
        return viewer.publishedAt() == null
                || !clock.instant().isBefore(Instant.ofEpochMilli(viewer.publishedAt()).plus(MIN_GAP));
    }

    /** Their view with {@code hash} was handed to the outbox. */
    public void published(String userId, String hash) {
        store.published(userId, hash, clock.millis());
    }
}
