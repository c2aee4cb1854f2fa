package org.opsbot.commands.approval;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import okhttp3.HttpUrl;
import org.opsbot.commands.runbook.Action;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.yaml.Suggestions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an action and the values someone typed into an {@link ActionPlan}, or says which value
 * is wrong and why. Values are checked against their declared type first; then, because they
 * reach a URL or a program, against tricks the type might let through: a value only ever
 * becomes one percent-encoded path segment or query value of the runbook's own host, or one
 * whole program argument.
 */
public final class ActionPlanner {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_-]+)\\s*}}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final int MAX_VALUE = 500;

    private ActionPlanner() {
    }

    public static ActionPlan plan(Runbook runbook, Action action, Map<String, String> given) throws InvalidParameters {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        List<String> names = action.params().stream().map(Action.Param::name).toList();
        for (String name : given.keySet()) {
            if (!names.contains(name)) {
                problems.add(names.isEmpty() ? name + " is not a parameter: " + action.id() + " takes none"
                        : name + " is not a parameter of " + action.id() + " (it takes " + String.join(", ", names) + ")"
                        + Suggestions.closest(name, names).map(s -> "; did you mean " + s + "?").orElse(""));
            }
        }
        for (Action.Param p : action.params()) {
            String value = Optional.ofNullable(given.get(p.name())).or(p::defaultValue).orElse(null);
            Optional<String> why = p.check(value).or(() -> unsafe(p.name(), value, action.http().isPresent()));
            if (why.isPresent()) {
                problems.add(why.get());
            } else {
                values.put(p.name(), value);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidParameters(problems);
        }
        String risk = action.risk().name().toLowerCase(Locale.ROOT);
        if (action.http().isPresent()) {
            Action.HttpRequest h = action.http().get();
            String url = url(h.url(), values);
            Optional<String> body = h.body().map(b -> fill(b, values, jsonBody(h.headers())));
            return new ActionPlan(runbook.name(), action.id(), action.title(), risk, values,
                    Optional.of(new ActionPlan.Http(h.method(), url, h.headers(), body)), List.of());
        }
        Action.Command c = action.exec().orElseThrow();
        List<String> argv = new ArrayList<>();
        argv.add(c.command());
        for (String a : c.args()) {
            Matcher m = PLACEHOLDER.matcher(a);
            // The parser made sure a placeholder is the whole argument.
            argv.add(m.matches() ? values.get(m.group(1)) : a);
        }
        return new ActionPlan(runbook.name(), action.id(), action.title(), risk, values, Optional.empty(), argv);
    }

    // What a declared type may still let through (a loose pattern, say).
    private static Optional<String> unsafe(String name, String value, boolean http) {
        if (value.length() > MAX_VALUE) {
            return Optional.of(name + " is longer than " + MAX_VALUE + " characters");
        }
        if (CONTROL.matcher(value).find()) {
            return Optional.of(name + " must not contain control characters (newlines, tabs, NUL)");
        }
        if (http && value.contains("..")) {
            return Optional.of(name + " must not contain \"..\"");
        }
        if (http && value.equals(".")) {
            return Optional.of(name + " must not be \".\"");
        }
        return Optional.empty();
    }

    /**
     * Builds the URL segment by segment: a segment or query value holding a placeholder is
     * percent-encoded whole (a '/' in a value becomes %2F, never a new segment; a '%' becomes
     * %25, so "%2e%2e" stays literal text); the runbook's own text is kept as written. The
     * result must still have the runbook's scheme, host and port.
     */
    static String url(String template, Map<String, String> values) {
        int scheme = template.indexOf("://");
        int pathStart = template.indexOf('/', scheme + 3);
        String base = pathStart < 0 ? template : template.substring(0, pathStart);
        String rest = pathStart < 0 ? "" : template.substring(pathStart);
        int hashAt = rest.indexOf('#');
        if (hashAt >= 0) {
            rest = rest.substring(0, hashAt);
        }
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? null : rest.substring(q + 1);
        HttpUrl baseUrl = HttpUrl.parse(base + "/");
        if (baseUrl == null) {
            throw new IllegalStateException("not an http(s) URL: " + base);
        }
        HttpUrl.Builder b = baseUrl.newBuilder().encodedPath("/");
        String[] segments = path.isEmpty() ? new String[0] : path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (i == 0 && s.isEmpty() && segments.length == 1) {
                break;
            }
            if (PLACEHOLDER.matcher(s).find()) {
                b.addPathSegment(fill(s, values, false));
            } else {
                b.addEncodedPathSegment(s);
            }
        }
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String n = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? null : pair.substring(eq + 1);
                if (PLACEHOLDER.matcher(pair).find()) {
                    b.addQueryParameter(fill(n, values, false), v == null ? null : fill(v, values, false));
                } else {
                    b.addEncodedQueryParameter(n, v);
                }
            }
        }
        HttpUrl built = b.build();
        if (!built.scheme().equals(baseUrl.scheme()) || !built.host().equals(baseUrl.host()) || built.port() != baseUrl.port()) {
            throw new IllegalStateException("the URL's host changed while filling it in: " + built);
        }
        return built.toString();
    }

    private static String fill(String text, Map<String, String> values, boolean json) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.getOrDefault(m.group(1), "");
            if (json) {
                v = new String(JsonStringEncoder.getInstance().quoteAsString(v));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static boolean jsonBody(Map<String, String> headers) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
                .map(e -> e.getValue().toLowerCase(Locale.ROOT).contains("json"))
                .findFirst().orElse(true);
    }
}
