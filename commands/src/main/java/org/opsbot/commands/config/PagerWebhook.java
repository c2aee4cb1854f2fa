package org.opsbot.commands.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tier's outbound pager webhook ({@code webhook:} on a tier): opsbot POSTs a page when the
 * tier is notified, and an acknowledge or resolve when the subject is acknowledged or resolved
 * in opsbot. Secrets (header values, PagerDuty's routing key, Opsgenie's API key) are templates
 * that name environment variables ({@code "Bearer ${PAGER_TOKEN}"}): opsbot.yaml lives in Git, so
 * a secret never stands in it; {@link #headers(Map)} fills them in from the environment at start-up.
 *
 * @param format     the wire format the pager expects
 * @param url        where to POST: the events URL ({@code opsbot}, {@code pagerduty}) or the API's
 *                   base URL ({@code opsgenie}, to which {@code /v2/alerts…} is appended)
 * @param headers    header name → template, exactly one {@code ${NAME}} each, optionally after a
 *                   scheme word ({@code Bearer }, {@code GenieKey }, {@code Token })
 * @param key        {@code "${NAME}"}: PagerDuty's routing key or Opsgenie's API key
 * @param responders Opsgenie responders as {@code type:name} ({@code team:cdc-ops}); empty for the others
 * @param where      {@code file:line} of the webhook, for start-up messages
 * @param path       its key path, e.g. {@code teams.cdc.escalation.tiers[1].webhook}
 */
public record PagerWebhook(Format format, URI url, Map<String, String> headers, Optional<String> key,
                           List<String> responders, String where, String path) {

    /** What the pager expects on the wire. */
    public enum Format {
        /** opsbot's own JSON, for a relay or a pager that takes generic webhooks */
        OPSBOT(null, null),
        /** PagerDuty Events API v2 */
        PAGERDUTY("https://events.pagerduty.com/v2/enqueue", "routing-key"),
        /** Opsgenie Alert API v2 */
        OPSGENIE("https://api.opsgenie.com", "api-key");

        private final String defaultUrl;
        private final String keyName;

        Format(String defaultUrl, String keyName) {
            this.defaultUrl = defaultUrl;
            this.keyName = keyName;
        }

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The URL when the file gives none, or empty when {@code url} is required. */
        public Optional<URI> defaultUrl() {
            return Optional.ofNullable(defaultUrl).map(URI::create);
        }

        /** The key naming the format's secret ({@code routing-key}, {@code api-key}), or empty. */
        public Optional<String> keyName() {
            return Optional.ofNullable(keyName);
        }

        public static Optional<Format> named(String name) {
            for (Format f : values()) {
                if (f.configName().equals(name)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    /** An optional scheme word, then one {@code ${NAME}}, nothing else: no literal can hide a secret. */
    public static final Pattern TEMPLATE = Pattern.compile("(?:([A-Za-z][A-Za-z0-9-]*) )?\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    /** Just {@code ${NAME}}: a key is a bare value. */
    public static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    public PagerWebhook {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        responders = List.copyOf(responders);
    }

    /** The opsbot format with headers only, as before formats existed. */
    public PagerWebhook(URI url, Map<String, String> headers, String where, String path) {
        this(Format.OPSBOT, url, headers, Optional.empty(), List.of(), where, path);
    }

    /**
     * The secrets filled in from the environment: the headers (with Opsgenie's
     * {@code Authorization: GenieKey …} added), PagerDuty's routing key, or the names of the
     * variables that are not set.
     */
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
        Optional<String> routingKey = Optional.empty();
        if (key.isPresent()) {
            Matcher m = VARIABLE.matcher(key.get());
            if (!m.matches()) {
                throw new IllegalStateException(format.keyName().orElse("key") + " was not validated");
            }
            String value = environment.get(m.group(1));
            if (value == null || value.isBlank()) {
                missing.add(m.group(1));
            } else if (format == Format.OPSGENIE) {
                out.put("Authorization", "GenieKey " + value.strip());
            } else {
                routingKey = Optional.of(value.strip());
            }
        }
        return new Expanded(out, routingKey, missing);
    }

    /** The values of the environment variables this webhook's headers and key name: secrets, to be masked in logs. */
    public List<String> secrets(Map<String, String> environment) {
        List<String> values = new ArrayList<>();
        for (String template : headers.values()) {
            Matcher m = TEMPLATE.matcher(template);
            if (m.matches() && environment.get(m.group(2)) != null) {
                values.add(environment.get(m.group(2)).strip());
            }
        }
        key.map(VARIABLE::matcher).filter(Matcher::matches).map(m -> environment.get(m.group(1)))
                .ifPresent(value -> values.add(value.strip()));
        return values;
    }

    /**
     * Expanded secrets (never log them) and the variables that were missing.
     *
     * @param routingKey PagerDuty's routing key, which travels in the body
     */
    public record Expanded(Map<String, String> headers, Optional<String> routingKey, List<String> missing) {
        public Optional<String> problem(PagerWebhook webhook) {
            return missing.isEmpty() ? Optional.empty() : Optional.of(webhook.where() + ": " + webhook.path()
                    + " names environment variable(s) " + String.join(", ", missing)
                    + " that are not set; set them where opsbot runs");
        }

        @Override
        public String toString() {
            return "Expanded[headers=" + headers.keySet() + ", routingKey=" + (routingKey.isPresent() ? "****" : "none")
                    + ", missing=" + missing + "]";
        }
    }

    /** {@code scheme://host[:port]}: for logs and thread notes, never the path or query (they may carry a key). */
    public String display() {
        return url.getScheme() + "://" + url.getAuthority();
    }

    /** The file of {@link #where()}. */
    public String file() {
        int colon = where.lastIndexOf(':');
        return colon < 0 ? where : where.substring(0, colon);
    }

    /** The line of {@link #where()}. */
    public int line() {
        int colon = where.lastIndexOf(':');
        try {
            return colon < 0 ? 0 : Integer.parseInt(where.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
