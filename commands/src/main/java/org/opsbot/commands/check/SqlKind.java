package org.opsbot.commands.check;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** {@code sql}: a query that returns one number, under a query timeout. */
public final class SqlKind implements CheckKind<SqlKind.Sql> {

    /** A JDBC query returning one number (first column of the first row). */
    public record Sql(String url, String query, Optional<String> user, Optional<String> password) implements Probe {
        @Override
        public String describe() {
            return query + " on " + SecretMasker.of().mask(url);
        }

        @Override
        public List<String> secrets() {
            return password.stream().toList();
        }
    }

    @Override
    public String key() {
        return "sql";
    }

    @Override
    public List<String> settings() {
        return List.of("url", "query", "user", "password");
    }

    @Override
    public Class<Sql> probeType() {
        return Sql.class;
    }

    @Override
    public Optional<Sql> parse(KindSettings f) {
        Optional<String> url = f.string("url", true);
        url.filter(u -> !u.startsWith("jdbc:")).ifPresent(u -> f.problem(f.line("url"), "sql url must be a JDBC URL",
                "write jdbc:postgresql://host:5432/db or jdbc:sqlite:/path/file.db"));
        Optional<String> query = f.string("query", true);
        Optional<String> user = f.string("user", false);
        Optional<String> password = f.string("password", false);
        return url.isPresent() && query.isPresent() ? Optional.of(new Sql(url.get(), query.get(), user, password)) : Optional.empty();
    }

    @Override
    public Measurement measure(Sql probe, ProbeContext context) throws ProbeException, SQLException {
        Duration timeout = context.timeout();
        Cancellation cancellation = context.cancellation();
        int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        Properties props = new Properties();
        probe.user().ifPresent(u -> props.setProperty("user", u));
        probe.password().ifPresent(p -> props.setProperty("password", p));
        if (probe.url().startsWith("jdbc:postgresql:")) {
            // Bound the connect too; setQueryTimeout only covers the query.
            props.putIfAbsent("connectTimeout", Integer.toString(seconds));
            props.putIfAbsent("socketTimeout", Integer.toString(seconds + 5));
        }
        if (!probe.url().startsWith("jdbc:")) {
            throw new ProbeException("not a JDBC URL (it must start with jdbc:)");
        }
        try (Connection connection = DriverManager.getConnection(probe.url(), props);
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(seconds);
            statement.setMaxRows(1);
            cancellation.onCancel(() -> {
                try {
                    statement.cancel();
                } catch (SQLException ignored) {
                    // the query timeout stops it anyway
                }
            });
            try (ResultSet rs = statement.executeQuery(probe.query())) {
                if (!rs.next()) {
                    throw new ProbeException("the query returned no rows; it must return one number");
                }
                Object v = rs.getObject(1);
                if (v == null) {
                    throw new ProbeException("the query returned NULL; it must return one number");
                }
                double number;
                if (v instanceof Number n) {
                    number = n.doubleValue();
                } else if (Numbers.isNumber(v.toString())) {
                    number = Numbers.parse(v.toString());
                } else {
                    throw new ProbeException("the query returned \"" + v + "\", not a number");
                }
                Measurement.Sample sample = new Measurement.Sample("result", number, "");
                return Measurement.ok(sample.shown(), "the query returned " + sample.shown(), List.of(sample));
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
                throw new ProbeException("no JDBC driver for this URL; opsbot ships drivers for jdbc:postgresql: and jdbc:sqlite:");
            }
            throw e;
        }
    }
}
