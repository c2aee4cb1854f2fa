package org.opsbot.commands.yaml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Reads YAML into {@link YamlNode}s that know their line numbers. Jackson's streaming parser
 * is used instead of data binding because binding stops at the first error and loses the
 * position of everything it accepted; here every key and value keeps its line, and the
 * binders built on top report all problems of a file in one go.
 */
public final class YamlReader {

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    /** The root node (absent for an empty file or a syntax error) and what went wrong. */
    public record Result(Optional<YamlNode> root, List<Problem> problems) {
        public Result {
            problems = List.copyOf(problems);
        }
    }

    private final String file;
    private final List<Problem> problems = new ArrayList<>();

    private YamlReader(String file) {
        this.file = file;
    }

    public static Result read(String text, String file) {
        return new YamlReader(file).read(text);
    }

    // Jackson deprecates its wrapper of SnakeYAML's marked exception (gone in Jackson 3), but it
    // is the only way to the problem mark's line and the description without the source snippet.
    @SuppressWarnings("deprecation")
    private Result read(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Result(Optional.empty(), problems);
            }
            YamlNode root = value(parser);
            if (parser.nextToken() != null) {
                problems.add(new Problem(file, line(parser), "the file holds more than one YAML document ('---')",
                        "keep one document per file"));
            }
            return new Result(Optional.of(root), problems);
        } catch (MarkedYAMLException e) {
            return syntaxError(syntaxLine(e), describe(e));
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            return syntaxError(line, firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Result syntaxError(int line, String what) {
        // '@' cannot start a plain YAML scalar, and user groups are written "@handle".
        var fix = what.contains("'@'")
                ? "put quotes around values that start with @, e.g. \"@oncall\""
                : "check the indentation (spaces, not tabs) and quoting on this line and the one before it;"
                        + " values containing ': ', ' #', '{' or '[' need quotes";
        problems.add(new Problem(file, Math.max(line, 0), "YAML syntax error: " + what, fix));
        return new Result(Optional.empty(), problems);
    }

    // SnakeYAML's full message quotes the offending source line, which could be a secret
    // someone pasted; only the problem description is passed on.
    @SuppressWarnings("deprecation")
    private static String describe(MarkedYAMLException e) {
        var problem = e.getProblem() == null ? firstLine(e.getOriginalMessage()) : e.getProblem();
        return e.getContext() == null ? problem : e.getContext() + ": " + problem;
    }

    @SuppressWarnings("deprecation")
    private static int syntaxLine(MarkedYAMLException e) {
        if (e.getProblemMark() != null) {
            return e.getProblemMark().getLine() + 1;
        }
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable YAML";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private YamlNode value(JsonParser parser) throws IOException {
        int line = line(parser);
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            // Jackson hands an alias over as a string holding the anchor's name, which would
            // silently become a wrong value.
            problems.add(new Problem(file, line, "YAML aliases (*name) are not supported",
                    "write the value out in full"));
            return new YamlScalar(null, YamlScalar.Kind.NULL, line);
        }
        return switch (parser.currentToken()) {
            case START_OBJECT -> map(parser, line);
            case START_ARRAY -> list(parser, line);
            case VALUE_NULL -> new YamlScalar(null, YamlScalar.Kind.NULL, line);
            case VALUE_TRUE, VALUE_FALSE -> new YamlScalar(parser.getText(), YamlScalar.Kind.BOOLEAN, line);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new YamlScalar(parser.getText(), YamlScalar.Kind.NUMBER, line);
            default -> new YamlScalar(parser.getText(), YamlScalar.Kind.TEXT, line);
        };
    }

    private YamlMap map(JsonParser parser, int line) throws IOException {
        var entries = new ArrayList<YamlMap.Entry>();
        var seen = new HashSet<String>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            int keyLine = line(parser);
            parser.nextToken();
            YamlNode value = value(parser);
            if (seen.add(key)) {
                entries.add(new YamlMap.Entry(key, keyLine, value));
            } else {
                problems.add(new Problem(file, keyLine, "key '" + key + "' appears twice in the same mapping",
                        "remove one of them; YAML keeps only one"));
            }
        }
        return new YamlMap(entries, entries.isEmpty() ? line : entries.getFirst().line());
    }

    private YamlList list(JsonParser parser, int line) throws IOException {
        var items = new ArrayList<YamlNode>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(value(parser));
        }
        return new YamlList(items, line);
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }
}
