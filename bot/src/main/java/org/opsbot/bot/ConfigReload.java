package org.opsbot.bot;

import org.opsbot.bot.checks.Runbooks;
import org.opsbot.bot.escalation.PagerWebhooks;
import org.opsbot.bot.logging.KnownSecrets;
import org.opsbot.bot.validation.Validator;
import org.opsbot.commands.access.AccessPolicy;
import org.opsbot.commands.config.ConfigLoader;
import org.opsbot.commands.config.ConfigResult;
import org.opsbot.commands.config.LiveConfig;
import org.opsbot.commands.config.OpsbotConfig;
import org.opsbot.commands.config.Settings;
import org.opsbot.commands.runbook.RunbookCatalog;
import org.opsbot.commands.store.SettingStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads opsbot.yaml and the runbooks again while the bot runs ({@code SIGHUP}, {@code opsbot
 * reload}), as Prometheus and Alertmanager do. The new files are checked exactly as {@code opsbot
 * validate} checks them; an invalid set is refused with the same file:line messages and the files
 * in force stay, a valid one is put in force at once through the holders everything reads
 * ({@link LiveConfig}, the runbook catalog, the access policy, the pager webhooks).
 *
 * <p>Every replica reloads: a request is a row in the database ({@link #REQUEST}) that each
 * replica's background job picks up within {@link #POLL}, and each writes its outcome under
 * {@link #RESULT}{@code <replica>} for {@code opsbot reload} to print. Settings from environment
 * variables (tokens, the database, the port, the folders) are not reloaded: they need a restart.
 */
public final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);
    /** The setting a reload request is written to: {@code <id> <who asked>}. */
    public static final String REQUEST = "config-reload.request";
    /** Each replica's outcome of the latest request: {@code <id> applied|refused <lines>}. */
    public static final String RESULT = "config-reload.result.";
    static final java.time.Duration POLL = java.time.Duration.ofSeconds(2);

    /** What a reload did: applied, or refused with the problems (file:line: message. Fix: …). */
    public record Outcome(boolean applied, List<String> problems, String summary) {
        public Outcome {
            problems = List.copyOf(problems);
        }

        String text() {
            return applied ? "applied: " + summary : "refused, the configuration in force stays:\n" + String.join("\n", problems);
        }
    }

    private final Settings settings;
    private final Map<String, String> env;
    private final LiveConfig config;
    private final List<java.util.function.BiConsumer<OpsbotConfig, OpsbotConfig>> applied =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final RunbookCatalog catalog;
    private final AccessPolicy policy;
    private final Optional<PagerWebhooks> webhooks;
    private final SettingStore store;
    private final String replica;
    private volatile String seen;

    ConfigReload(Settings settings, Map<String, String> env, LiveConfig config, RunbookCatalog catalog, AccessPolicy policy,
                 Optional<PagerWebhooks> webhooks, SettingStore store, String replica) {
        this.settings = settings;
        this.env = Map.copyOf(env);
        this.config = config;
        this.catalog = catalog;
        this.policy = policy;
        this.webhooks = webhooks;
        this.store = store;
        this.replica = replica;
        // A request made before this replica started is already in what it read at start.
        this.seen = store.get(REQUEST).orElse("");
    }

    /** Asks every replica to reload (what {@code opsbot reload} and {@code SIGHUP} write); returns the request's id. */
    public static String request(SettingStore store, String by, Clock clock) {
        String id = UUID.randomUUID().toString();
        store.put(REQUEST, id + " " + by + " at " + clock.instant());
        return id;
    }

    /** {@code SIGHUP}: reloads here at once, then asks the other replicas. */
    Outcome onSignal() {
        Outcome outcome = reload("SIGHUP");
        String id = request(store, "SIGHUP to " + replica, Clock.systemUTC());
        String written = store.get(REQUEST).orElse("");
        seen = written;
        store.put(RESULT + replica, id + " " + (outcome.applied() ? "applied " : "refused ") + outcome.text());
        return outcome;
    }

    /** The background job of every replica: a request it has not seen yet is carried out. */
    void poll() {
        String request = store.get(REQUEST).orElse("");
        if (request.isEmpty() || request.equals(seen)) {
            return;
        }
        seen = request;
        String id = request.split(" ", 2)[0];
        Outcome outcome = reload(request.contains(" ") ? request.split(" ", 2)[1] : "a request");
        store.put(RESULT + replica, id + " " + (outcome.applied() ? "applied " : "refused ") + outcome.text());
    }

    /** Reads, checks and (when valid) applies the files; one reload at a time. */
    /** Told the configuration before and after each reload that was put in force. */
    void whenApplied(java.util.function.BiConsumer<OpsbotConfig, OpsbotConfig> listener) {
        applied.add(listener);
    }

    synchronized Outcome reload(String why) {
        List<String> problems = new ArrayList<>();
        ConfigResult read = ConfigLoader.load(settings, Bot.permissionKeys());
        read.problems().forEach(p -> problems.add(p.format()));
        Optional<OpsbotConfig> next = read.valid() ? read.config() : Optional.empty();
        RunbookCatalog runbooks = Runbooks.catalog(settings, env);
        if (next.isPresent()) {
            for (Validator validator : Main.validators(env)) {
                validator.validate(settings, next.get()).problems().forEach(p -> problems.add(p.format()));
            }
            if (webhooks.isEmpty() && next.get().teams().values().stream()
                    .anyMatch(t -> t.escalation().tiers().stream().anyMatch(tier -> tier.webhook().isPresent()))) {
                problems.add(read.source() + ": a tier now has a pager webhook, but the bot started without any."
                        + " Fix: restart opsbot to start calling pager webhooks");
            }
        } else if (read.config().isEmpty() && problems.isEmpty()) {
            problems.add(read.source() + ": cannot be read");
        }
        if (problems.isEmpty()) {
            try {
                OpsbotConfig valid = next.orElseThrow();
                // Checked before anything changes: a webhook secret that is not set refuses the whole set.
                webhooks.ifPresent(w -> w.replace(valid, env));
                policy.replace(valid.roles(), valid.permissions());
                KnownSecrets.learn(settings, valid, env);
                catalog.replaceWith(runbooks);
                OpsbotConfig before = config.get();
                config.replace(valid);
                applied.forEach(listener -> {
                    try {
                        listener.accept(before, valid);
                    } catch (RuntimeException e) {
                        // In force already: what follows from it must not undo it.
                        LOG.error("after the reload, telling what changed failed", e);
                    }
                });
            } catch (RuntimeException e) {
                problems.add(read.source() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            LOG.error("Reload ({}) refused; the configuration in force stays:\n{}", why, String.join("\n", problems));
            return new Outcome(false, problems, "");
        }
        String summary = read.source() + " (" + config.get().summary() + ") and " + runbooks.all().size() + " runbook(s)";
        LOG.info("Reloaded ({}): {}", why, summary);
        return new Outcome(true, List.of(), summary);
    }

}
