package org.opsbot.commands.runbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in runbook values, from the environment the bot
 * was started with. As in the shell, {@code :-} also applies when the variable is set but
 * empty; {@code $$} is a literal {@code $}.
 */
final class Variables {
    private final Map<String, String> environment;

    Variables(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The expanded text, and what could not be expanded. */
    record Expansion(String value, List<String> problems) {
    }

    Expansion expand(String text) {
        if (text.indexOf('$') < 0) {
            return new Expansion(text, List.of());
        }
        StringBuilder out = new StringBuilder();
        List<String> problems = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    problems.add("\"${\" without a closing \"}\"");
                    out.append(text, i, text.length());
                    break;
                }
                String body = text.substring(i + 2, close);
                int dflt = body.indexOf(":-");
                String name = dflt < 0 ? body : body.substring(0, dflt);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    problems.add("\"${" + body + "}\" is not a variable reference");
                } else {
                    String value = environment.get(name);
                    if (value != null && !value.isEmpty()) {
                        out.append(value);
                    } else if (dflt >= 0) {
                        out.append(body.substring(dflt + 2));
                    } else {
                        problems.add("environment variable " + name + " is not set and has no default");
                    }
                }
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return new Expansion(out.toString(), problems);
    }
}
