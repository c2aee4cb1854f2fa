package org.opsbot.commands.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Moves a bot from SQLite to PostgreSQL with its state: every row of every table, with the same
 * ids. Ids matter beyond the database: the buttons on messages already in Slack carry them, so
 * with fresh ids an old message's Acknowledge could act on a new, unrelated alert group.
 *
 * <p>Both databases are opened (so migrated) by the same build, so their tables and columns
 * are the same; the copy still compares them and refuses to drop anything. It refuses a target
 * that already holds data and a source that a running bot still uses, and it is one PostgreSQL
 * transaction: all of it is copied, or nothing. Leases are not copied: they belong to the
 * processes of the old database.
 */
public final class DatabaseCopy {
    private static final int BATCH = 500;
    private static final String HISTORY = "flyway_schema_history";
    private static final Set<String> NOT_COPIED = Set.of("lease");
    /** Tables a migration seeds with a row, and how that fresh row looks. */
    private static final Map<String, String> SEEDED = Map.of("audit_head", "seq = 0");

    /** What was copied: table → rows, in the order they were copied. */
    public record Result(Map<String, Long> rows) {
        public Result {
            rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
        }

        public long total() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private DatabaseCopy() {
    }

    /**
     * @throws StoreException saying why nothing was copied: wrong dialects, a target with data,
     *                        a source with a live lease, tables or columns that differ
     */
    public static Result sqliteToPostgresql(Database source, Database target, Clock clock) {
        if (source.dialect() != Dialect.SQLITE || target.dialect() != Dialect.POSTGRESQL) {
            throw new StoreException("the copy goes from a SQLite database to a PostgreSQL one, not from "
                    + source.dialect() + " to " + target.dialect());
        }
        List<String> live = source.read(h -> h.createQuery("SELECT name FROM lease WHERE expires_at > :now ORDER BY name")
                .bind("now", clock.millis()).mapTo(String.class).list());
        if (!live.isEmpty()) {
            throw new StoreException("a bot still uses the SQLite database (it holds the leases " + String.join(", ", live)
                    + "): stop it, then copy (a bot that was killed frees them within a minute)");
        }
        Map<String, List<Column>> tables = target.read(DatabaseCopy::postgresqlTables);
        Set<String> sourceTables = source.read(h -> new TreeSet<>(h.createQuery(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .mapTo(String.class).list()));
        sourceTables.remove(HISTORY);
        if (!sourceTables.equals(new TreeSet<>(tables.keySet()))) {
            throw new StoreException("the two databases have different tables (SQLite: " + sourceTables
                    + ", PostgreSQL: " + new TreeSet<>(tables.keySet()) + "); open both with the same opsbot version");
        }
        List<String> order = parentsFirst(tables.keySet(), target.read(DatabaseCopy::foreignKeys));
        return target.write(h -> {
            for (String table : order) {
                requireFresh(h, table);
            }
            Map<String, Long> copied = new LinkedHashMap<>();
            for (String table : order) {
                if (!NOT_COPIED.contains(table)) {
                    copied.put(table, copyTable(source, h, table, tables.get(table)));
                }
            }
            for (Column serial : tables.values().stream().flatMap(List::stream).filter(Column::serial).toList()) {
                // The next id after the copied ones, or new rows would collide with them.
                h.createQuery("SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX(" + serial.name()
                                + "), 0) + 1, false) FROM " + serial.table())
                        .bind("table", serial.table()).bind("column", serial.name()).mapTo(Long.class).one();
            }
            return new Result(copied);
        });
    }

    private static long copyTable(Database source, Handle target, String table, List<Column> columns) {
        Set<String> sourceColumns = source.read(h -> h.createQuery("SELECT name FROM pragma_table_info(:table)")
                .bind("table", table).mapTo(String.class).collect(Collectors.toCollection(TreeSet::new)));
        Set<String> targetColumns = columns.stream().map(Column::name).collect(Collectors.toCollection(TreeSet::new));
        if (!sourceColumns.equals(targetColumns)) {
            throw new StoreException("table " + table + " has different columns (SQLite: " + sourceColumns
                    + ", PostgreSQL: " + targetColumns + ")");
        }
        if (SEEDED.containsKey(table)) {
            target.execute("DELETE FROM " + table);
        }
        String names = columns.stream().map(Column::name).collect(Collectors.joining(", "));
        String values = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        // Rows in id order where there is one: an outbox row may point at an earlier one.
        String order = targetColumns.contains("id") ? " ORDER BY id" : "";
        long expected = source.read(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
        long[] copied = {0};
        source.read(h -> {
            try (var rows = h.createQuery("SELECT " + names + " FROM " + table + order)
                    .map((rs, ctx) -> {
                        Object[] row = new Object[columns.size()];
                        for (int i = 0; i < row.length; i++) {
                            row[i] = columns.get(i).convert(rs.getObject(i + 1));
                        }
                        return row;
                    }).stream()) {
                PreparedBatch batch = target.prepareBatch("INSERT INTO " + table + " (" + names + ") VALUES (" + values + ")");
                rows.forEach(row -> {
                    for (int i = 0; i < row.length; i++) {
                        batch.bindByType(i, row[i], columns.get(i).javaType());
                    }
                    batch.add();
                    if (batch.size() >= BATCH) {
                        copied[0] += batch.execute().length;
                    }
                });
                if (batch.size() > 0) {
                    copied[0] += batch.execute().length;
                }
            }
            return null;
        });
        long stored = target.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one();
        if (copied[0] != expected || stored != expected) {
            throw new StoreException("table " + table + ": " + expected + " rows in SQLite, " + stored
                    + " in PostgreSQL after the copy");
        }
        return expected;
    }

    private static void requireFresh(Handle h, String table) {
        String fresh = SEEDED.get(table);
        long rows = h.createQuery("SELECT COUNT(*) FROM " + table + (fresh == null ? "" : " WHERE NOT (" + fresh + ")"))
                .mapTo(Long.class).one();
        if (rows > 0) {
            throw new StoreException("the PostgreSQL database already holds data (table " + table + " has " + rows
                    + " rows); copy only into a new, empty database");
        }
    }

    /** Table → its columns in order, for the schema the connection uses. */
    private static Map<String, List<Column>> postgresqlTables(Handle h) {
        Map<String, List<Column>> tables = new LinkedHashMap<>();
        h.createQuery("""
                        SELECT c.table_name, c.column_name, c.data_type, COALESCE(c.column_default, '') AS dflt
                        FROM information_schema.columns c
                        JOIN information_schema.tables t
                          ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                          AND c.table_name <> :history
                        ORDER BY c.table_name, c.ordinal_position""")
                .bind("history", HISTORY)
                .map((rs, ctx) -> new Column(rs.getString("table_name"), rs.getString("column_name"),
                        rs.getString("data_type"), rs.getString("dflt").startsWith("nextval(")))
                .forEach(c -> tables.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(c));
        return tables;
    }

    /** Child table → the tables it references. */
    private static Map<String, Set<String>> foreignKeys(Handle h) {
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        h.createQuery("""
                        SELECT con.conrelid::regclass::text AS child, con.confrelid::regclass::text AS parent
                        FROM pg_constraint con
                        WHERE con.contype = 'f' AND con.connamespace = current_schema()::regnamespace""")
                .map((rs, ctx) -> new String[] {unqualified(rs.getString("child")), unqualified(rs.getString("parent"))})
                .forEach(fk -> parents.computeIfAbsent(fk[0], t -> new LinkedHashSet<>()).add(fk[1]));
        return parents;
    }

    private static String unqualified(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** Referenced tables before the tables that reference them (a table may reference itself). */
    static List<String> parentsFirst(Set<String> tables, Map<String, Set<String>> parents) {
        List<String> order = new ArrayList<>();
        Set<String> left = new TreeSet<>(tables);
        while (!left.isEmpty()) {
            String next = left.stream()
                    .filter(t -> parents.getOrDefault(t, Set.of()).stream().allMatch(p -> p.equals(t) || !left.contains(p)))
                    .findFirst()
                    .orElseThrow(() -> new StoreException("the tables " + left + " reference each other in a cycle"));
            order.add(next);
            left.remove(next);
        }
        return order;
    }

    /** A PostgreSQL column, and how a SQLite value becomes one of its values. */
    private record Column(String table, String name, String type, boolean serial) {
        Class<?> javaType() {
            return switch (type) {
                case "bigint", "integer", "smallint" -> Long.class;
                case "double precision", "real", "numeric" -> Double.class;
                case "text", "character varying" -> String.class;
                default -> throw new StoreException("column " + table + "." + name + " has the type " + type
                        + ", which the copy does not know");
            };
        }

        /** SQLite keeps what it is given: an integer column may hold text written by mistake. */
        Object convert(Object value) {
            if (value == null) {
                return null;
            }
            Class<?> java = javaType();
            if (java == Long.class) {
                if (value instanceof Number n) {
                    return n.longValue();
                }
                return Long.parseLong(value.toString());
            }
            if (java == Double.class) {
                if (value instanceof Number n) {
                    return n.doubleValue();
                }
                return Double.parseDouble(value.toString());
            }
            return value.toString();
        }
    }
}
