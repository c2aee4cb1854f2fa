package org.opsbot.commands.store;

import org.opsbot.commands.model.HomeViewer;

import java.util.List;

/** Who opened the bot's App Home, and what was last published there for them. */
public final class HomeViewerStore {
    private final Database db;

    public HomeViewerStore(Database db) {
        this.db = db;
    }

    public void opened(String userId, long now) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO home_viewer (user_id, opened_at) VALUES (:user, :now)
                        ON CONFLICT (user_id) DO UPDATE SET opened_at = excluded.opened_at""")
                .bind("user", userId).bind("now", now).execute());
    }

    public List<HomeViewer> all() {
        return db.read(h -> h.createQuery("SELECT user_id, opened_at, published_at, view_hash FROM home_viewer ORDER BY user_id")
                .map((rs, ctx) -> {
                    long published = rs.getLong("published_at");
                    return new HomeViewer(rs.getString("user_id"), rs.getLong("opened_at"), rs.wasNull() ? null : published,
                            rs.getString("view_hash"));
                })
                .list());
    }

    public void published(String userId, String viewHash, long now) {
        db.write(h -> h.createUpdate("UPDATE home_viewer SET published_at = :now, view_hash = :hash WHERE user_id = :user")
                .bind("user", userId).bind("hash", viewHash).bind("now", now).execute());
    }
}
