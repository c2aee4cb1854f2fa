package org.opsbot.archfixture.cycle.a;

import org.opsbot.archfixture.cycle.b.Beta;

/** Half of a package cycle: a uses b. */
public final class Alpha {
    Beta partner;
}
