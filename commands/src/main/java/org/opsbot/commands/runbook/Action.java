package org.opsbot.commands.runbook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Something people can ask the bot to do, from {@code /ops run <id>}. Here it is parsed and
 * validated; running it and its approvals belong to the approval capability.
 *
 * @param params   in the order written
 * @param http     set when the action is an HTTP request
 * @param exec     set when the action runs an allow-listed program
 * @param approval empty when the action runs at once
 */
public record Action(String id, String title, Optional<String> description, List<Param> params,
                     Optional<HttpRequest> http, Optional<Command> exec, Optional<Approval> approval, Risk risk) {
    public Action {
        params = List.copyOf(params);
    }

    public enum Risk { LOW, MEDIUM, HIGH }

    /**
     * A typed parameter. A value always fills a whole {@code exec} argument or a
     * percent-encoded part of a URL path or query, never the host.
     */
    public record Param(String name, Type type, Optional<String> pattern, List<String> values,
                        Optional<Long> min, Optional<Long> max, Optional<String> defaultValue) {
        public enum Type { STRING, ENUM, INTEGER }

        public Param {
            values = List.copyOf(values);
        }

        /** Why {@code value} is not acceptable, or empty when it is. */
        public Optional<String> check(String value) {
            if (value == null || value.isEmpty()) {
                return Optional.of(name + " is required");
            }
            if (value.startsWith("-")) {
                return Optional.of(name + " must not start with '-'");
            }
            return switch (type) {
                case ENUM -> values.contains(value) ? Optional.empty()
                        : Optional.of(name + " must be one of " + String.join(", ", values));
                case INTEGER -> {
                    long v;
                    try {
                        v = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        yield Optional.of(name + " must be a whole number");
                    }
                    if (min.isPresent() && v < min.get() || max.isPresent() && v > max.get()) {
                        yield Optional.of(name + " must be between " + min.map(String::valueOf).orElse("…")
                                + " and " + max.map(String::valueOf).orElse("…"));
                    }
                    yield Optional.empty();
                }
                case STRING -> pattern.isEmpty() || Pattern.compile(pattern.get()).matcher(value).matches()
                        ? Optional.empty()
                        : Optional.of(name + " must match " + pattern.get());
            };
        }
    }

    /** An HTTP request; {@code {{param}}} placeholders in the URL's path and query. */
    public record HttpRequest(String method, String url, Map<String, String> headers, Optional<String> body) {
        public HttpRequest {
            headers = Map.copyOf(headers);
        }
    }

    /** A program and its arguments; an argument may be exactly {@code {{param}}}. */
    public record Command(String command, List<String> args) {
        public Command {
            args = List.copyOf(args);
        }
    }

    /**
     * @param role   the role whose named members may approve
     * @param count  how many distinct approvers (never the requester)
     * @param within how long the request waits for them
     */
    public record Approval(String role, int count, Duration within) {
    }
}
