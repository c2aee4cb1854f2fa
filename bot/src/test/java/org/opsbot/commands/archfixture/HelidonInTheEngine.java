package org.opsbot.commands.archfixture;

import io.helidon.http.Status;

/** An engine class (it lives under org.opsbot.commands) that answers with an HTTP status. */
public final class HelidonInTheEngine {
    Status status;
}
