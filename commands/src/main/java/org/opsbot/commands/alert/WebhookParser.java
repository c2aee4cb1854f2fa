package org.opsbot.commands.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads alert webhooks: Alertmanager's (version 4), Grafana's (the same alert shape plus
 * {@code values}) and opsbot's generic alert. Each alert is read on its own: one with wrong
 * types or missing fields is skipped with a problem line, the others are kept, because
 * Alertmanager never retries a refused notification. Only a body that is not JSON at all fails.
 */
public final class WebhookParser {
    // Bounds that keep one hostile alert from bloating the database or a Slack message.
    static final int MAX_LABELS = 100;
    static final int MAX_NAME_CHARS = 200;
    static final int MAX_LABEL_VALUE_CHARS = 1_000;
    static final int MAX_ANNOTATION_CHARS = 4_000;
    static final int MAX_FINGERPRINT_CHARS = 128;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private WebhookParser() {
    }

    /** The body is not JSON (or not a JSON object or array): the only case a webhook is refused. */
    public static final class NotJsonException extends Exception {
        NotJsonException(String message) {
            super(message, null, false, false);
        }
    }

    public static Notification parse(AlertSource source, byte[] body) throws NotJsonException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new NotJsonException("the body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new NotJsonException("the body could not be read: " + e.getMessage());
        }
        if (root == null || !(root.isObject() || root.isArray())) {
            throw new NotJsonException("the body must be a JSON object");
        }
        return switch (source) {
            case ALERTMANAGER, GRAFANA -> alertmanagerShaped(source, root);
            case GENERIC -> generic(root);
        };
    }

    private static Notification alertmanagerShaped(AlertSource source, JsonNode root) {
        List<String> problems = new ArrayList<>();
        List<IncomingAlert> alerts = new ArrayList<>();
        JsonNode list = root.path("alerts");
        if (!list.isArray()) {
            problems.add("`alerts` is missing or not a list");
        } else {
            for (int i = 0; i < list.size(); i++) {
                try {
                    alerts.add(sourceAlert(source, list.get(i)));
                } catch (BadAlert e) {
                    problems.add("alerts[" + i + "]: " + e.getMessage());
                }
            }
        }
        Optional<String> groupKey = text(root.get("groupKey")).filter(s -> !s.isBlank());
        Map<String, String> groupLabels = stringsOrEmpty(root.get("groupLabels"));
        Optional<String> externalUrl = text(root.get("externalURL")).filter(WebhookParser::isHttpUrl);
        int truncated = root.path("truncatedAlerts").canConvertToInt() ? Math.max(0, root.path("truncatedAlerts").asInt()) : 0;
        return new Notification(source, groupKey, groupLabels, externalUrl, alerts, problems, truncated);
    }

    private static IncomingAlert sourceAlert(AlertSource source, JsonNode a) throws BadAlert {
        if (a == null || !a.isObject()) {
            throw new BadAlert("not an object");
        }
        boolean firing = status(a.get("status"));
        Map<String, String> labels = strings(a.get("labels"), "labels", MAX_LABEL_VALUE_CHARS);
        if (labels.isEmpty()) {
            throw new BadAlert("`labels` is empty");
        }
        Map<String, String> annotations = a.has("annotations") && !a.get("annotations").isNull()
                ? strings(a.get("annotations"), "annotations", MAX_ANNOTATION_CHARS) : new TreeMap<>();
        Instant startsAt = time(a.get("startsAt"), "startsAt").orElseThrow(() -> new BadAlert("`startsAt` is missing"));
        Optional<Instant> endsAt = time(a.get("endsAt"), "endsAt");
        if (source == AlertSource.GRAFANA && a.path("values").isObject() && !annotations.containsKey("values")) {
            StringBuilder values = new StringBuilder();
            a.get("values").properties().forEach(e -> values.append(values.isEmpty() ? "" : ", ")
                    .append(e.getKey()).append('=').append(e.getValue().asText()));
            annotations.put("values", cut(values.toString(), MAX_ANNOTATION_CHARS));
        }
        String fingerprint = fingerprint(a.get("fingerprint"), labels);
        Optional<String> url = text(a.get("generatorURL")).filter(WebhookParser::isHttpUrl);
        return new IncomingAlert(fingerprint, firing, Optional.of(startsAt), endsAt, labels, annotations, url);
    }

    /**
     * opsbot's generic alert: one object, a list of them, or {@code {"alerts": [...]}}.
     * {@code title} is required; {@code status} defaults to firing.
     */
    private static Notification generic(JsonNode root) {
        JsonNode list = root.isArray() ? root : root.has("alerts") ? root.get("alerts") : null;
        List<String> problems = new ArrayList<>();
        List<IncomingAlert> alerts = new ArrayList<>();
        if (list == null) {
            try {
                alerts.add(genericAlert(root));
            } catch (BadAlert e) {
                problems.add("alert: " + e.getMessage());
            }
        } else if (!list.isArray()) {
            problems.add("`alerts` is not a list");
        } else {
            for (int i = 0; i < list.size(); i++) {
                try {
                    alerts.add(genericAlert(list.get(i)));
                } catch (BadAlert e) {
                    problems.add("alerts[" + i + "]: " + e.getMessage());
                }
            }
        }
        return new Notification(AlertSource.GENERIC, Optional.empty(), Map.of(), Optional.empty(), alerts, problems, 0);
    }

    private static IncomingAlert genericAlert(JsonNode a) throws BadAlert {
        if (a == null || !a.isObject()) {
            throw new BadAlert("not an object");
        }
        String title = text(a.get("title")).map(String::strip).filter(s -> !s.isEmpty())
                .orElseThrow(() -> new BadAlert("`title` is missing or not a string"));
        boolean firing = !a.has("status") || status(a.get("status"));
        Map<String, String> labels = a.has("labels") ? strings(a.get("labels"), "labels", MAX_LABEL_VALUE_CHARS) : new TreeMap<>();
        Map<String, String> annotations = a.has("annotations")
                ? strings(a.get("annotations"), "annotations", MAX_ANNOTATION_CHARS) : new TreeMap<>();
        labels.putIfAbsent("alertname", cut(title, MAX_LABEL_VALUE_CHARS));
        if (a.has("severity")) {
            labels.put("severity", text(a.get("severity")).map(s -> cut(s.toLowerCase(Locale.ROOT), 50))
                    .orElseThrow(() -> new BadAlert("`severity` must be a string")));
        }
        annotations.putIfAbsent("summary", cut(title, MAX_ANNOTATION_CHARS));
        for (String field : List.of("description", "runbook")) {
            if (a.hasNonNull(field)) {
                annotations.putIfAbsent(field, text(a.get(field)).map(s -> cut(s, MAX_ANNOTATION_CHARS))
                        .orElseThrow(() -> new BadAlert("`" + field + "` must be a string")));
            }
        }
        Optional<Instant> startsAt = time(a.get("startsAt"), "startsAt");
        Optional<String> url = text(a.get("url")).filter(WebhookParser::isHttpUrl);
        String fingerprint = fingerprint(a.get("fingerprint"), labels);
        return new IncomingAlert(fingerprint, firing, startsAt, Optional.empty(), labels, annotations, url);
    }

    private static boolean status(JsonNode node) throws BadAlert {
        String s = text(node).map(v -> v.toLowerCase(Locale.ROOT)).orElse("");
        return switch (s) {
            case "firing", "alerting", "problem", "triggered" -> true;
            case "resolved", "ok", "normal" -> false;
            default -> throw new BadAlert("`status` must be \"firing\" or \"resolved\"");
        };
    }

    private static Map<String, String> stringsOrEmpty(JsonNode node) {
        try {
            return node == null || node.isNull() ? new TreeMap<>() : strings(node, "groupLabels", MAX_LABEL_VALUE_CHARS);
        } catch (BadAlert e) {
            return new TreeMap<>();
        }
    }

    private static Map<String, String> strings(JsonNode node, String what, int maxValue) throws BadAlert {
        if (node == null || !node.isObject()) {
            throw new BadAlert("`" + what + "` must be an object of strings");
        }
        if (node.size() > MAX_LABELS) {
            throw new BadAlert("`" + what + "` has " + node.size() + " entries; at most " + MAX_LABELS + " are accepted");
        }
        Map<String, String> map = new TreeMap<>();
        for (var e : node.properties()) {
            String name = e.getKey();
            if (name.isEmpty() || name.length() > MAX_NAME_CHARS) {
                throw new BadAlert("`" + what + "` has a name that is empty or longer than " + MAX_NAME_CHARS + " characters");
            }
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            if (!v.isValueNode()) {
                throw new BadAlert("`" + what + "." + cut(name, 40) + "` must be a string");
            }
            map.put(cut(name, MAX_NAME_CHARS), cut(v.asText(), maxValue));
        }
        return map;
    }

    private static Optional<Instant> time(JsonNode node, String what) throws BadAlert {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new BadAlert("`" + what + "` must be an RFC 3339 time");
        }
        try {
            Instant t = OffsetDateTime.parse(node.asText()).toInstant();
            // Go's zero time ("0001-01-01T00:00:00Z") means "not set".
            return t.getEpochSecond() <= 0 ? Optional.empty() : Optional.of(t);
        } catch (DateTimeParseException e) {
            throw new BadAlert("`" + what + "` is not an RFC 3339 time: " + cut(node.asText(), 40));
        }
    }

    private static String fingerprint(JsonNode node, Map<String, String> labels) throws BadAlert {
        Optional<String> given = text(node).map(String::strip).filter(s -> !s.isEmpty());
        if (given.isPresent()) {
            if (given.get().length() > MAX_FINGERPRINT_CHARS) {
                throw new BadAlert("`fingerprint` is longer than " + MAX_FINGERPRINT_CHARS + " characters");
            }
            return cut(given.get(), MAX_FINGERPRINT_CHARS);
        }
        return labelHash(labels);
    }

    /** A fingerprint from the labels, for sources that send none. */
    static String labelHash(Map<String, String> labels) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(labels).forEach((k, v) -> s.append(k).append('\u0000').append(v).append('\u0001'));
        return sha256(s.toString()).substring(0, 16);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static boolean isHttpUrl(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        return (lower.startsWith("http://") || lower.startsWith("https://")) && s.length() <= 2_000
                && s.chars().noneMatch(c -> c < 0x21 || c == '<' || c == '>' || c == '|');
    }

    /**
     * At most {@code max} characters, without NULs (PostgreSQL's text refuses them) and without
     * splitting a surrogate pair (half an emoji is not valid UTF-8).
     */
    static String cut(String s, int max) {
        String clean = s.indexOf('\u0000') >= 0 ? s.replace("\u0000", "") : s;
        if (clean.length() <= max) {
            return clean;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(clean.charAt(end - 1))) {
            end--;
        }
        return clean.substring(0, end) + "…";
    }

    private static final class BadAlert extends Exception {
        BadAlert(String message) {
            super(message, null, false, false);
        }
    }

}
