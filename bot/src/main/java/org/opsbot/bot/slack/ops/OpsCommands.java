package org.opsbot.bot.slack.ops;

import org.opsbot.commands.yaml.Suggestions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code /ops} subcommands, by name. The bot builds it from its features' commands
 * ({@code Bot.features(…)} is the one place they are listed); nothing else dispatches by name.
 * {@code help} is always present and always lists exactly this registry's commands.
 */
public final class OpsCommands {

    private final Map<String, OpsCommand> byName;

    /** {@code commands} without {@code help}, which is added first. */
    public OpsCommands(List<OpsCommand> commands) {
        Map<String, OpsCommand> map = new LinkedHashMap<>();
        List<OpsCommand> withHelp = new ArrayList<>();
        withHelp.add(new HelpCommand(this::all));
        withHelp.addAll(commands);
        for (OpsCommand command : withHelp) {
            String name = command.name();
            if (!name.equals(name.toLowerCase(java.util.Locale.ROOT)) || name.isBlank() || name.contains(" ")) {
                throw new IllegalArgumentException("command names are single lower-case words: '" + name + "'");
            }
            if (map.putIfAbsent(name, command) != null) {
                throw new IllegalArgumentException("two commands are named '" + name + "'");
            }
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    /** Only {@code help}: for tests of the router itself. */
    public static OpsCommands standard() {
        return new OpsCommands(List.of());
    }

    public Optional<OpsCommand> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<OpsCommand> all() {
        return List.copyOf(byName.values());
    }

    /** The command a typo most likely meant: a unique prefix, or within two edits. */
    public Optional<String> closestTo(String typed) {
        List<String> prefixed = byName.keySet().stream().filter(n -> n.startsWith(typed)).toList();
        if (prefixed.size() == 1) {
            return Optional.of(prefixed.get(0));
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : byName.keySet()) {
            int distance = Suggestions.distance(typed, name);
            if (distance < bestDistance) {
                best = name;
                bestDistance = distance;
            }
        }
        int allowed = Math.min(2, Math.max(1, typed.length() / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }
}
