package org.opsbot.commands.config;

import java.util.List;

/** The environment is unusable; each problem names a variable and never its (secret) value. */
public final class SettingsException extends RuntimeException {

    private final List<String> problems;

    public SettingsException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
