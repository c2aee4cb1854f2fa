package org.opsbot.archfixture.sql;

import java.sql.Connection;

/** Runs SQL with JDBC outside the store. */
public final class QueriesOutsideTheStore {
    Connection connection;
}
