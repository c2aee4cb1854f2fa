package org.opsbot.commands.config;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The opsbot.yaml a running bot works with now. Everything that decides by the configuration
 * (routing, escalation, incidents, on-call, contacts) reads it here when it decides, instead of
 * keeping the one it was built with, so that a reload ({@code SIGHUP}, {@code opsbot reload})
 * takes effect at once. Only a configuration that passed validation is ever put here.
 */
public final class LiveConfig implements Supplier<OpsbotConfig> {
    private final AtomicReference<OpsbotConfig> current;

    public LiveConfig(OpsbotConfig initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial));
    }

    /** The configuration in force; read it once per decision, so one decision sees one file. */
    @Override
    public OpsbotConfig get() {
        return current.get();
    }

    /** Puts a validated configuration in force for every reader from their next read on. */
    public void replace(OpsbotConfig next) {
        current.set(Objects.requireNonNull(next));
    }
}
