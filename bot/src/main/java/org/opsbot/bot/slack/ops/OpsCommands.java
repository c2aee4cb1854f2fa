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
    private final Map<String, Called> bySynonym;

    /**
     * A word typed after {@code /ops}, resolved: the command it names, and the arguments a
     * synonym implies ({@code declare} is {@code incident} with {@code declare} before the rest).
     */
    public record Called(OpsCommand command, List<String> impliedArgs) {
        public Called {
            impliedArgs = List.copyOf(impliedArgs);
        }
    }

    /** {@code commands} without {@code help}, which is added first. */
    public OpsCommands(List<OpsCommand> commands) {
        Map<String, OpsCommand> map = new LinkedHashMap<>();
        List<OpsCommand> withHelp = new ArrayList<>();
        withHelp.add(new HelpCommand(this::all));
        withHelp.addAll(commands);
        for (OpsCommand command : withHelp) {
            String name = command.name();
            checkWord(name);
            if (map.putIfAbsent(name, command) != null) {
                throw new IllegalArgumentException("two commands are named '" + name + "'");
            }
        }
        Map<String, Called> synonyms = new LinkedHashMap<>();
        for (OpsCommand command : withHelp) {
            for (Synonym synonym : command.synonyms()) {
                String word = synonym.word();
                checkWord(word);
                OpsCommand named = map.get(word);
                Called other = synonyms.get(word);
                if (named != null || other != null) {
                    throw new IllegalArgumentException("'" + word + "' is claimed by both /ops "
                            + (named != null ? named.name() : other.command().name()) + " and /ops " + command.name()
                            + " (as a synonym)");
                }
                synonyms.put(word, new Called(command, synonym.standsFor()));
            }
        }
        this.byName = Collections.unmodifiableMap(map);
        this.bySynonym = Collections.unmodifiableMap(synonyms);
    }

    private static void checkWord(String word) {
        if (!word.equals(word.toLowerCase(java.util.Locale.ROOT)) || word.isBlank() || word.contains(" ")) {
            throw new IllegalArgumentException("command names and synonyms are single lower-case words: '" + word + "'");
        }
    }

    /** Only {@code help}: for tests of the router itself. */
    public static OpsCommands standard() {
        return new OpsCommands(List.of());
    }

    public Optional<OpsCommand> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The command {@code word} calls: by its name, or as one of its synonyms. */
    public Optional<Called> call(String word) {
        OpsCommand named = byName.get(word);
        return named != null ? Optional.of(new Called(named, List.of())) : Optional.ofNullable(bySynonym.get(word));
    }

    public List<OpsCommand> all() {
        return List.copyOf(byName.values());
    }

    /**
     * The command or synonym a typo most likely meant: a unique prefix, or within two edits
     * ({@code acknowlege} is close to {@code acknowledge}, which {@link #call} finds).
     */
    public Optional<String> closestTo(String typed) {
        List<String> words = new ArrayList<>(byName.keySet());
        words.addAll(bySynonym.keySet());
        List<OpsCommand> prefixed = words.stream().filter(n -> n.startsWith(typed))
                .map(n -> call(n).orElseThrow().command()).distinct().toList();
        if (prefixed.size() == 1) {
            List<String> named = words.stream().filter(n -> n.startsWith(typed)).toList();
            return Optional.of(named.size() == 1 ? named.getFirst() : prefixed.getFirst().name());
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : words) {
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
