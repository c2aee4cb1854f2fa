package org.opsbot.commands.approval;

import java.util.List;

/** Parameter values that cannot be used, each problem in words for the person who typed them. */
public final class InvalidParameters extends Exception {
    private final List<String> problems;

    public InvalidParameters(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
