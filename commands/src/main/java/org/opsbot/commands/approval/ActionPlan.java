package org.opsbot.commands.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Exactly what one action request will do, with its parameters filled in: the HTTP request or
 * the argv. People approve this, and its {@link #hash()} binds their approval to it.
 *
 * @param params the values, in the action's parameter order
 * @param http   set for an HTTP action
 * @param argv   the program and its arguments, for an exec action (empty for HTTP)
 */
public record ActionPlan(String runbook, String action, String title, String risk, Map<String, String> params,
                         Optional<Http> http, List<String> argv) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public ActionPlan {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        argv = List.copyOf(argv);
    }

    /**
     * @param headers sent but never shown nor hashed (they may carry tokens from the environment)
     */
    public record Http(String method, String url, Map<String, String> headers, Optional<String> body) {
        public Http {
            headers = Map.copyOf(headers);
        }
    }

    /** {@code runbook/action}, what {@code /ops run} takes. */
    public String reference() {
        return runbook + "/" + action;
    }

    /** What will run, in one line: {@code POST http://…/restart} or {@code systemctl restart x}. */
    public String whatRuns() {
        if (http.isPresent()) {
            Http h = http.get();
            return h.method() + " " + h.url() + h.body().map(b -> " with body " + b).orElse("");
        }
        return String.join(" ", argv.stream().map(ActionPlan::quoted).toList());
    }

    private static String quoted(String arg) {
        return arg.isEmpty() || arg.chars().anyMatch(c -> Character.isWhitespace(c) || c == '\'' || c == '"')
                ? "'" + arg.replace("'", "'\\''") + "'" : arg;
    }

    /**
     * SHA-256 over the action, the values and what will run (headers left out: a rotated token
     * must not void pending approvals, and secrets are not hashed where a guess could be tested).
     */
    public String hash() {
        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("runbook", runbook);
        canonical.put("action", action);
        canonical.put("params", new TreeMap<>(params));
        http.ifPresent(h -> {
            canonical.put("method", h.method());
            canonical.put("url", h.url());
            canonical.put("body", h.body().orElse(null));
        });
        canonical.put("argv", argv);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsString(canonical).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
