package org.opsbot.bot.checks;

import org.opsbot.commands.config.Settings;
import org.opsbot.commands.runbook.RunbookCatalog;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The runbook folder, read once per command. {@code opsbot serve} validates the runbooks twice
 * (the files, then the actions' approvers) and then runs them; each used to read and parse the
 * whole folder again, which cost start-up time for nothing.
 */
public final class RunbookLoader {
    private record Key(Path folder, List<String> execAllow) {
    }

    private final Map<String, String> environment;
    private Key loadedFor;
    private RunbookCatalog catalog;

    /** @param environment for {@code ${VAR}} expansion in the runbooks */
    public RunbookLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The catalog of {@code settings}' folder; read again only for another folder or allow-list. */
    public synchronized RunbookCatalog load(Settings settings) {
        Key key = new Key(settings.runbooksDir(), List.copyOf(settings.execAllow()));
        if (!key.equals(loadedFor)) {
            catalog = Runbooks.catalog(settings, environment);
            loadedFor = key;
        }
        return catalog;
    }
}
