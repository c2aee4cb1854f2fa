package org.opsbot.archfixture.sql;

import org.jdbi.v3.core.Jdbi;

/** Runs SQL with Jdbi outside the store. */
public final class JdbiOutsideTheStore {
    Jdbi jdbi;
}
