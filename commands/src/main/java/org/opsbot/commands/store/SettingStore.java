package org.opsbot.commands.store;

import java.util.Optional;
import java.util.UUID;

/** Small facts the installation keeps about itself across restarts. */
public final class SettingStore {
    private static final String INSTALLATION_ID = "installation-id";

    private final Database db;

    public SettingStore(Database db) {
        this.db = db;
    }

    public Optional<String> get(String name) {
        return db.read(h -> h.createQuery("SELECT value FROM setting WHERE name = :name")
                .bind("name", name)
                .mapTo(String.class)
                .findOne());
    }

    public void put(String name, String value) {
        db.write(h -> h.createUpdate("""
                        INSERT INTO setting (name, value) VALUES (:name, :value)
                        ON CONFLICT (name) DO UPDATE SET value = excluded.value""")
                .bind("name", name)
                .bind("value", value)
                .execute());
    }

    /** The settings whose names start with {@code prefix}, by name. */
    public java.util.Map<String, String> startingWith(String prefix) {
        // substr rather than LIKE: '_' and '%' in a prefix are plain characters.
        return db.read(h -> h.createQuery("SELECT name, value FROM setting WHERE substr(name, 1, :length) = :prefix")
                .bind("length", prefix.length())
                .bind("prefix", prefix)
                .reduceRows(new java.util.TreeMap<String, String>(), (map, row) -> {
                    map.put(row.getColumn("name", String.class), row.getColumn("value", String.class));
                    return map;
                }));
    }

    /**
     * This installation's id, made once. It travels in Slack message metadata so the outbox
     * recognises its own messages and not those of another opsbot in the same workspace.
     */
    public String installationId() {
        return db.write(h -> {
            h.createUpdate("INSERT INTO setting (name, value) VALUES (:name, :value) ON CONFLICT (name) DO NOTHING")
                    .bind("name", INSTALLATION_ID)
                    .bind("value", UUID.randomUUID().toString())
                    .execute();
            return h.createQuery("SELECT value FROM setting WHERE name = :name")
                    .bind("name", INSTALLATION_ID)
                    .mapTo(String.class)
                    .one();
        });
    }
}
