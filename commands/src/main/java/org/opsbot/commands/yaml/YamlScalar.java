package org.opsbot.commands.yaml;

/**
 * A scalar as written. {@code text} is the source text (so {@code 09:00} or {@code NO} stay
 * what the person typed, whatever YAML 1.1 would make of them); null only for YAML null.
 */
public record YamlScalar(String text, Kind kind, int line) implements YamlNode {

    public enum Kind { TEXT, NUMBER, BOOLEAN, NULL }

    public boolean isNull() {
        return kind == Kind.NULL;
    }

    @Override
    public String describe() {
        return switch (kind) {
            case TEXT -> "text";
            case NUMBER -> "a number";
            case BOOLEAN -> "true/false";
            case NULL -> "empty";
        };
    }
}
