package org.opsbot.bot.oncall.archfixture;

import org.opsbot.commands.store.Database;
import org.opsbot.commands.store.StoreException;

/** Hands the database to the engine and answers its outages: what a feature may still do. */
public final class DatabaseHandedOn {
    Database database;

    String answer(StoreException e) {
        return "the database cannot be read: " + e.getMessage();
    }
}
