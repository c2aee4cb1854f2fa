package org.opsbot.archfixture.cycle.b;

import org.opsbot.archfixture.cycle.a.Alpha;

/** The other half of a package cycle: b uses a. */
public final class Beta {
    Alpha partner;
}
