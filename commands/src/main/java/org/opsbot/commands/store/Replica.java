package org.opsbot.commands.store;

import java.lang.management.ManagementFactory;
import java.util.UUID;

/** This process as a lease holder: unique among the replicas sharing a database, and readable in it. */
public final class Replica {
    /** {@code pid@host/random}, fixed for the life of the process. */
    public static final String NAME = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);

    private Replica() {
    }
}
