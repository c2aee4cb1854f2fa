package org.opsbot.commands.check;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a check looks at. Each kind is a plain record; the runner knows how to measure it.
 * {@code disk} and {@code exec} see the host (or container) the bot runs on; other hosts are
 * checked through {@code http}, {@code prometheus}, {@code tcp} and {@code sql}.
 */
public sealed interface Probe {
    /** The kind's key in a runbook file: {@code http}, {@code prometheus}, … */
    String kind();

    /**
     * One line saying what is looked at, for {@code /ops runbook} and the terminal
     * ({@code GET http://…/status: /tasks/*}{@code /state = RUNNING}); credentials in URLs are
     * masked, header values are left out.
     */
    String describe();

    /**
     * An HTTP request. Without {@code json}, or with {@code equals}/{@code contains}, the value
     * compared with thresholds is the latency in milliseconds; with {@code json} alone it is the
     * number(s) found at the pointer.
     *
     * @param expectedStatus e.g. {@code [200]}, {@code ["2xx"]}
     * @param json           a JSON pointer; a {@code *} segment means every element of an array
     * @param equals         every value at the pointer must equal this
     * @param contains       every value at the pointer (or the body, without a pointer) must contain this
     * @param bodyPattern    a regular expression the body must contain a match of
     */
    record Http(String method, String url, Map<String, String> headers, Optional<String> body,
                List<String> expectedStatus, Optional<String> json, Optional<String> equals,
                Optional<String> contains, Optional<String> bodyPattern) implements Probe {
        public Http {
            headers = Map.copyOf(headers);
            expectedStatus = List.copyOf(expectedStatus);
        }

        public static Http get(String url) {
            return new Http("GET", url, Map.of(), Optional.empty(), List.of("2xx"), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }

        public Http withJson(String pointer) {
            return new Http(method, url, headers, body, expectedStatus, Optional.of(pointer), equals, contains, bodyPattern);
        }

        public Http withEquals(String expected) {
            return new Http(method, url, headers, body, expectedStatus, json, Optional.of(expected), contains, bodyPattern);
        }

        public Http withBodyPattern(String regex) {
            return new Http(method, url, headers, body, expectedStatus, json, equals, contains, Optional.of(regex));
        }

        @Override
        public String kind() {
            return "http";
        }

        @Override
        public String describe() {
            StringBuilder d = new StringBuilder(method).append(' ').append(SecretMasker.of().mask(url));
            json.ifPresent(j -> d.append(": ").append(j));
            equals.ifPresent(e -> d.append(" = ").append(e));
            contains.ifPresent(c -> d.append(" contains ").append(c));
            bodyPattern.ifPresent(p -> d.append(" matching /").append(p).append('/'));
            return d.toString();
        }
    }

    /** A Prometheus instant query; several series are judged one by one and the worst counts. */
    record Prometheus(String url, String query, Map<String, String> headers, Status noData) implements Probe {
        public Prometheus {
            headers = Map.copyOf(headers);
        }

        @Override
        public String kind() {
            return "prometheus";
        }

        @Override
        public String describe() {
            return query + " at " + SecretMasker.of().mask(url);
        }
    }

    /** A TCP connect; the value is the connect time in milliseconds. */
    record Tcp(String host, int port) implements Probe {
        @Override
        public String kind() {
            return "tcp";
        }

        @Override
        public String describe() {
            return "connect to " + host + ":" + port;
        }
    }

    /** A JDBC query returning one number (first column of the first row). */
    record Sql(String url, String query, Optional<String> user, Optional<String> password) implements Probe {
        @Override
        public String kind() {
            return "sql";
        }

        @Override
        public String describe() {
            return query + " on " + SecretMasker.of().mask(url);
        }
    }

    /** The used space of the file system holding {@code path}, in percent (as {@code df} counts it). */
    record Disk(String path) implements Probe {
        @Override
        public String kind() {
            return "disk";
        }

        @Override
        public String describe() {
            return "used space of " + path + " (where the bot runs)";
        }
    }

    /**
     * An allow-listed program run without a shell.
     *
     * @param outputPattern a regular expression the output must contain a match of; its first
     *                      group, if any, is the value compared with thresholds
     */
    record Exec(String command, List<String> args, int expectedExitCode, Optional<String> outputPattern) implements Probe {
        public Exec {
            args = List.copyOf(args);
        }

        @Override
        public String kind() {
            return "exec";
        }

        @Override
        public String describe() {
            return String.join(" ", argsWithCommand()) + (expectedExitCode == 0 ? "" : " (exit " + expectedExitCode + ")");
        }

        private List<String> argsWithCommand() {
            List<String> all = new java.util.ArrayList<>();
            all.add(command);
            all.addAll(args);
            return all;
        }
    }
}
