package org.opsbot.bot.slack.ops;

import java.util.Arrays;
import java.util.List;

/**
 * Another word for an {@code /ops} command, answered exactly as the command: the words people
 * use for the same thing ({@code acknowledge} for {@code ack}), or a word that stands for the
 * command and its first arguments ({@code declare} for {@code incident declare}).
 *
 * @param word     what may be typed after {@code /ops}, a single lower-case word
 * @param standsFor the arguments the word implies, put before what was typed after it
 */
public record Synonym(String word, List<String> standsFor) {

    public Synonym {
        standsFor = List.copyOf(standsFor);
    }

    /** {@code word} means the command itself. */
    public static Synonym of(String word) {
        return new Synonym(word, List.of());
    }

    /** {@code word} means the command followed by {@code arguments}: {@code Synonym.of("declare", "declare")} on {@code incident}. */
    public static Synonym of(String word, String... arguments) {
        return new Synonym(word, Arrays.asList(arguments));
    }

    /** What it is short for, after the slash command: {@code incident declare}. */
    String meaning(OpsCommand command) {
        return standsFor.isEmpty() ? command.name() : command.name() + " " + String.join(" ", standsFor);
    }
}
