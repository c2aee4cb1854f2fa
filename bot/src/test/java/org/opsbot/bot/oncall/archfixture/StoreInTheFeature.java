package org.opsbot.bot.oncall.archfixture;

import org.opsbot.commands.store.OverrideStore;

/** Reads overrides from their store instead of asking the engine's {@code Overrides}. */
public final class StoreInTheFeature {
    OverrideStore overrides;
}
