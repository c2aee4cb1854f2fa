package org.opsbot.commands.store;

/** The two databases opsbot runs on; the few queries that differ switch on this. */
public enum Dialect {
    SQLITE,
    POSTGRESQL;

    static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new StoreException("OPSBOT_DB must be a jdbc:sqlite:… or jdbc:postgresql://… URL, not '"
                + JdbcUrls.masked(jdbcUrl) + "'");
    }

    String migrations() {
        return "classpath:db/migration/" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
