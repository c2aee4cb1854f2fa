package org.opsbot.commands.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tier's outbound pager webhook ({@code webhook:} on a tier): opsbot POSTs a JSON page to
 * {@code url} when the tier is notified. Header values are templates that name environment
 * variables ({@code "Bearer ${PAGER_TOKEN}"}): opsbot.yaml lives in Git, so a secret never
 * stands in it; {@link #headers(Map)} fills them in from the environment at start-up.
 *
 * @param headers header name → template, exactly one {@code ${NAME}} each, optionally after a
 *                scheme word ({@code Bearer }, {@code GenieKey }, {@code Token })
 * @param where   {@code file:line} of the webhook, for start-up messages
 * @param path    its key path, e.g. {@code teams.cdc.escalation.tiers[1].webhook}
 */
public record PagerWebhook(URI url, Map<String, String> headers, String where, String path) {

    /** An optional scheme word, then one {@code ${NAME}}, nothing else: no literal can hide a secret. */
    static final Pattern TEMPLATE = Pattern.compile("(?:([A-Za-z][A-Za-z0-9-]*) )?\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    public PagerWebhook {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The headers with their variables filled in, or the names of the variables that are not set. */
    public Expanded headers(Map<String, String> environment) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (var e : headers.entrySet()) {
            Matcher m = TEMPLATE.matcher(e.getValue());
            if (!m.matches()) {
                throw new IllegalStateException("header " + e.getKey() + " was not validated");
            }
            String value = environment.get(m.group(2));
            if (value == null || value.isBlank()) {
                missing.add(m.group(2));
            } else {
                out.put(e.getKey(), (m.group(1) == null ? "" : m.group(1) + " ") + value);
            }
        }
        return new Expanded(out, missing);
    }

    /** Expanded headers (secret values: never log them) and the variables that were missing. */
    public record Expanded(Map<String, String> headers, List<String> missing) {
        public Optional<String> problem(PagerWebhook webhook) {
            return missing.isEmpty() ? Optional.empty() : Optional.of(webhook.where() + ": " + webhook.path()
                    + ".headers name environment variable(s) " + String.join(", ", missing)
                    + " that are not set; set them where opsbot runs");
        }

        @Override
        public String toString() {
            return "Expanded[headers=" + headers.keySet() + ", missing=" + missing + "]";
        }
    }

    /** {@code scheme://host[:port]}: for logs and thread notes, never the path or query (they may carry a key). */
    public String display() {
        return url.getScheme() + "://" + url.getAuthority();
    }
}
