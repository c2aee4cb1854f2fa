package org.opsbot.commands.alert;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every alert source, in the order the bot serves their webhooks: the one place a source is
 * added. The bot registers a route per {@link WebhookSource}, the intake groups by the source a
 * notification names, and stored groups are traced back to their source by its stored name.
 */
public final class AlertSources {

    private static final List<AlertSource> ALL = List.of(
            new AlertmanagerSource(),
            new GrafanaSource(),
            new GenericSource(),
            OpsbotSource.INSTANCE);

    static {
        Set<String> keys = new HashSet<>();
        Set<String> stored = new HashSet<>();
        for (AlertSource source : ALL) {
            if (!source.key().matches("[a-z][a-z0-9-]*")) {
                throw new IllegalStateException("alert source key " + source.key() + " must be lower-case letters, "
                        + "digits and dashes: it is a URL path and a metric tag");
            }
            if (!keys.add(source.key()) || !stored.add(source.storedName())) {
                throw new IllegalStateException("two alert sources are named " + source.key());
            }
        }
    }

    private AlertSources() {
    }

    public static List<AlertSource> all() {
        return ALL;
    }

    /** The sources sent over HTTP, each served at its {@link WebhookSource#path()}. */
    public static List<WebhookSource> webhooks() {
        return ALL.stream().filter(WebhookSource.class::isInstance).map(WebhookSource.class::cast).toList();
    }

    public static Optional<AlertSource> find(String key) {
        return ALL.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    /** The webhook source named {@code key}; a key no webhook source has is a bug of the caller. */
    public static WebhookSource webhook(String key) {
        return find(key).filter(WebhookSource.class::isInstance).map(WebhookSource.class::cast)
                .orElseThrow(() -> new IllegalArgumentException("no alert source " + key + " is received by webhook"));
    }

    /** The source of a stored alert group, by the name it was stored with. */
    public static Optional<AlertSource> stored(String storedName) {
        return ALL.stream().filter(s -> s.storedName().equals(storedName)).findFirst();
    }
}
