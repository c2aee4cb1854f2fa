package org.opsbot.commands.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.opsbot.commands.alert.Rejection.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads alert webhooks: Alertmanager's (version 4), Grafana's (the same alert shape plus
 * {@code values}) and opsbot's generic alert. Every field of every alert is checked here, before
 * anything is stored: an alert with a wrong type, a missing field, a time out of range, an
 * oversized value or text that is not UTF-8 is skipped with a {@link Rejection} naming it, and
 * the others are kept, because Alertmanager never retries a refused notification and retries a
 * failed one for ever. Only a body that is not a JSON object (or, for generic alerts, a list) is
 * refused whole.
 */
public final class WebhookParser {
    // Bounds that keep one hostile alert from bloating the database or a Slack message.
    static final int MAX_LABELS = 100;
    static final int MAX_NAME_CHARS = 200;
    static final int MAX_LABEL_VALUE_CHARS = 1_000;
    static final int MAX_ANNOTATION_CHARS = 4_000;
    static final int MAX_FINGERPRINT_CHARS = 128;
    /** Longer than any RFC 3339 time, even with nanoseconds, a nine-digit year and an offset. */
    private static final int MAX_TIME_CHARS = 64;
    /** How much of a bad value a rejection quotes back. */
    private static final int QUOTED_CHARS = 40;
    /**
     * What an invalid UTF-8 byte sequence is decoded to: a lone low surrogate, which no valid
     * text holds, so the field that held it is rejected like one with an escaped lone surrogate.
     */
    private static final String INVALID_BYTES = "\uDC80";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private WebhookParser() {
    }

    /**
     * The body as a whole cannot be read: not JSON, not a JSON object (or list, for generic
     * alerts), or no list of alerts in it. The only case a webhook is refused.
     */
    public static final class BadBodyException extends Exception {
        BadBodyException(String message) {
            super(message, null, false, false);
        }
    }

    public static Notification parse(AlertSource source, byte[] body) throws BadBodyException {
        JsonNode root;
        try {
            root = JSON.readTree(text(body));
        } catch (JsonProcessingException e) {
            throw new BadBodyException("the body is not JSON: " + printable(e.getOriginalMessage(), 200));
        } catch (CharacterCodingException e) {
            throw new BadBodyException("the body could not be read as UTF-8");
        }
        boolean listAllowed = source == AlertSource.GENERIC;
        if (root == null || root.isMissingNode()) {
            throw new BadBodyException("the body is empty; send the webhook's JSON object");
        }
        if (!(root.isObject() || listAllowed && root.isArray())) {
            throw new BadBodyException("the body must be a JSON object" + (listAllowed ? " or a list of them" : "")
                    + ", not " + jsonType(root));
        }
        return switch (source) {
            case ALERTMANAGER, GRAFANA -> alertmanagerShaped(source, root);
            case GENERIC -> generic(root);
        };
    }

    /**
     * Decodes the body as UTF-8 without failing on invalid bytes, so that they cost only the alert
     * whose text holds them (see {@link #INVALID_BYTES}); between JSON tokens they still make the
     * body unreadable JSON.
     */
    private static String text(byte[] body) throws CharacterCodingException {
        String s = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith(INVALID_BYTES)
                .decode(ByteBuffer.wrap(body))
                .toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static Notification alertmanagerShaped(AlertSource source, JsonNode root) throws BadBodyException {
        JsonNode list = root.get("alerts");
        if (list == null) {
            throw new BadBodyException("the body has no `alerts`; " + source.name().charAt(0)
                    + source.name().substring(1).toLowerCase(Locale.ROOT) + "'s webhook carries its alerts in a list named `alerts`");
        }
        if (!list.isArray()) {
            throw new BadBodyException("`alerts` is " + jsonType(list) + "; it must be a list of alerts");
        }
        Reading read = new Reading();
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            try {
                read.add(i, a, sourceAlert(source, a));
            } catch (BadAlert e) {
                read.reject(i, a, e);
            }
        }
        Optional<String> groupKey = optionalString(root.get("groupKey")).filter(s -> !s.isBlank());
        Map<String, String> groupLabels = stringsOrEmpty(root.get("groupLabels"));
        Optional<String> externalUrl = optionalString(root.get("externalURL")).filter(WebhookParser::isHttpUrl);
        int truncated = root.path("truncatedAlerts").canConvertToInt() ? Math.max(0, root.path("truncatedAlerts").asInt()) : 0;
        return new Notification(source, groupKey, groupLabels, externalUrl, read.alerts, read.rejected, truncated);
    }

    private static IncomingAlert sourceAlert(AlertSource source, JsonNode a) throws BadAlert {
        requireObject(a);
        boolean firing = status(a.get("status"));
        JsonNode labelNode = a.get("labels");
        if (labelNode == null || labelNode.isNull()) {
            throw new BadAlert(Reason.MISSING_FIELD, "`labels` is missing; an alert needs an object of labels such as "
                    + "{\"alertname\": \"DiskFull\"}");
        }
        Map<String, String> labels = strings(labelNode, "labels", MAX_LABEL_VALUE_CHARS, false);
        if (labels.isEmpty()) {
            throw new BadAlert(Reason.MISSING_FIELD, "`labels` is empty; an alert needs at least one label, usually `alertname`");
        }
        Map<String, String> annotations = optional(a, "annotations") ? new TreeMap<>()
                : strings(a.get("annotations"), "annotations", MAX_ANNOTATION_CHARS, true);
        Instant startsAt = time(a.get("startsAt"), "startsAt").orElseThrow(() -> new BadAlert(Reason.MISSING_FIELD,
                "`startsAt` is missing; send when the alert started, as an RFC 3339 time"));
        Optional<Instant> endsAt = time(a.get("endsAt"), "endsAt");
        if (source == AlertSource.GRAFANA && !optional(a, "values") && !annotations.containsKey("values")) {
            annotations.put("values", grafanaValues(a.get("values")));
        }
        String fingerprint = fingerprint(a.get("fingerprint"), labels);
        Optional<String> url = url(a.get("generatorURL"), "generatorURL");
        return new IncomingAlert(fingerprint, firing, Optional.of(startsAt), endsAt, labels, annotations, url);
    }

    /** Grafana's {@code values} (query ref → number), shown as {@code B=44.2, C=1} on the alert's line. */
    private static String grafanaValues(JsonNode node) throws BadAlert {
        if (!node.isObject()) {
            throw new BadAlert(Reason.BAD_TYPE, "`values` is " + jsonType(node) + "; it must be an object such as {\"B\": 44.2}");
        }
        StringBuilder values = new StringBuilder();
        for (var e : node.properties()) {
            String name = wellFormed(e.getKey(), "a name in `values`");
            JsonNode v = e.getValue();
            if (!v.isValueNode()) {
                throw new BadAlert(Reason.BAD_TYPE, "`values." + quoted(name) + "` is " + jsonType(v) + "; it must be a number");
            }
            String shown = v.isTextual() ? wellFormed(v.asText(), "`values." + quoted(name) + "`") : v.asText();
            values.append(values.isEmpty() ? "" : ", ").append(name).append('=').append(shown);
        }
        return cut(values.toString(), MAX_ANNOTATION_CHARS);
    }

    /**
     * opsbot's generic alert: one object, a list of them, or {@code {"alerts": [...]}}.
     * {@code title} is required; {@code status} defaults to firing.
     */
    private static Notification generic(JsonNode root) throws BadBodyException {
        JsonNode list = root.isArray() ? root : root.has("alerts") ? root.get("alerts") : null;
        Reading read = new Reading();
        if (list == null) {
            try {
                read.add(0, root, genericAlert(root));
            } catch (BadAlert e) {
                read.reject(0, root, e);
            }
        } else if (!list.isArray()) {
            throw new BadBodyException("`alerts` is " + jsonType(list) + "; it must be a list of alerts");
        } else {
            for (int i = 0; i < list.size(); i++) {
                JsonNode a = list.get(i);
                try {
                    read.add(i, a, genericAlert(a));
                } catch (BadAlert e) {
                    read.reject(i, a, e);
                }
            }
        }
        return new Notification(AlertSource.GENERIC, Optional.empty(), Map.of(), Optional.empty(), read.alerts,
                read.rejected, 0);
    }

    private static IncomingAlert genericAlert(JsonNode a) throws BadAlert {
        requireObject(a);
        String title = string(a.get("title"), "title").map(String::strip).filter(s -> !s.isEmpty())
                .orElseThrow(() -> new BadAlert(Reason.MISSING_FIELD, "`title` is missing or empty; a generic alert "
                        + "needs a title such as \"Nightly backup failed\""));
        if (title.length() > MAX_LABEL_VALUE_CHARS) {
            throw tooLong("title", title, MAX_LABEL_VALUE_CHARS);
        }
        boolean firing = optional(a, "status") || status(a.get("status"));
        Map<String, String> labels = optional(a, "labels") ? new TreeMap<>()
                : strings(a.get("labels"), "labels", MAX_LABEL_VALUE_CHARS, false);
        Map<String, String> annotations = optional(a, "annotations") ? new TreeMap<>()
                : strings(a.get("annotations"), "annotations", MAX_ANNOTATION_CHARS, true);
        labels.putIfAbsent("alertname", cut(title, MAX_LABEL_VALUE_CHARS));
        Optional<String> severity = string(a.get("severity"), "severity");
        if (severity.isPresent()) {
            if (severity.get().length() > MAX_LABEL_VALUE_CHARS) {
                throw tooLong("severity", severity.get(), MAX_LABEL_VALUE_CHARS);
            }
            labels.put("severity", cut(severity.get().toLowerCase(Locale.ROOT), MAX_LABEL_VALUE_CHARS));
        }
        annotations.putIfAbsent("summary", cut(title, MAX_ANNOTATION_CHARS));
        for (String field : List.of("description", "runbook")) {
            Optional<String> value = string(a.get(field), field);
            if (value.isPresent()) {
                annotations.putIfAbsent(field, cut(value.get(), MAX_ANNOTATION_CHARS));
            }
        }
        Optional<Instant> startsAt = time(a.get("startsAt"), "startsAt");
        Optional<String> url = url(a.get("url"), "url");
        String fingerprint = fingerprint(a.get("fingerprint"), labels);
        return new IncomingAlert(fingerprint, firing, startsAt, Optional.empty(), labels, annotations, url);
    }

    /** The alerts read so far and the ones skipped, each fingerprint once. */
    private static final class Reading {
        final List<IncomingAlert> alerts = new ArrayList<>();
        final List<Rejection> rejected = new ArrayList<>();
        private final Map<String, Integer> seen = new HashMap<>();

        void add(int index, JsonNode raw, IncomingAlert alert) {
            Integer first = seen.putIfAbsent(alert.fingerprint(), index);
            if (first != null) {
                reject(index, raw, new BadAlert(Reason.DUPLICATE, "fingerprint " + quoted(alert.fingerprint())
                        + " appears again (first at alerts[" + first + "], which is kept); each alert of a webhook needs "
                        + "its own fingerprint"));
                return;
            }
            alerts.add(alert);
        }

        void reject(int index, JsonNode raw, BadAlert why) {
            Optional<String> fingerprint = Optional.empty();
            Optional<String> alertname = Optional.empty();
            if (raw != null && raw.isObject()) {
                fingerprint = readable(raw.get("fingerprint"), MAX_FINGERPRINT_CHARS);
                JsonNode labels = raw.get("labels");
                alertname = readable(labels != null && labels.isObject() ? labels.get("alertname") : null, MAX_NAME_CHARS)
                        .or(() -> readable(raw.get("title"), MAX_NAME_CHARS));
            }
            rejected.add(new Rejection(index, fingerprint, alertname, why.reason, why.getMessage()));
        }

        /** A string field as it can safely be shown back, when it is one. */
        private static Optional<String> readable(JsonNode node, int max) {
            return node != null && node.isTextual() && !node.asText().isBlank()
                    ? Optional.of(printable(node.asText(), max)) : Optional.empty();
        }
    }

    // -------------------------------------------------------------------------------------------
    // Fields

    private static void requireObject(JsonNode a) throws BadAlert {
        if (a == null || !a.isObject()) {
            throw new BadAlert(Reason.BAD_TYPE, "the alert is " + jsonType(a) + "; each alert must be a JSON object");
        }
    }

    /** An optional field that is absent or null. */
    private static boolean optional(JsonNode a, String field) {
        return !a.hasNonNull(field);
    }

    private static boolean status(JsonNode node) throws BadAlert {
        String s = string(node, "status").orElseThrow(() -> new BadAlert(Reason.MISSING_FIELD,
                "`status` is missing; it must be \"firing\" or \"resolved\""));
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "firing", "alerting", "problem", "triggered" -> true;
            case "resolved", "ok", "normal" -> false;
            default -> throw new BadAlert(Reason.BAD_VALUE, "`status` is \"" + quoted(s)
                    + "\"; it must be \"firing\" or \"resolved\"");
        };
    }

    /** A string field: absent or null is empty, another JSON type or ill-formed text is a bad alert. */
    private static Optional<String> string(JsonNode node, String what) throws BadAlert {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new BadAlert(Reason.BAD_TYPE, "`" + what + "` is " + jsonType(node) + "; it must be a string");
        }
        return Optional.of(wellFormed(node.asText(), "`" + what + "`"));
    }

    private static String wellFormed(String s, String what) throws BadAlert {
        if (!isWellFormed(s)) {
            throw new BadAlert(Reason.BAD_ENCODING, what + " is not valid UTF-8 (invalid bytes, or a lone surrogate "
                    + "in a \\u escape); send it as UTF-8 text");
        }
        return s;
    }

    /** Labels or annotations: an object of strings, each name and value within its bound. */
    private static Map<String, String> strings(JsonNode node, String what, int maxValue, boolean cutValues) throws BadAlert {
        if (!node.isObject()) {
            throw new BadAlert(Reason.BAD_TYPE, "`" + what + "` is " + jsonType(node) + "; it must be an object of strings");
        }
        if (node.size() > MAX_LABELS) {
            throw new BadAlert(Reason.TOO_LARGE, "`" + what + "` has " + node.size() + " entries; at most " + MAX_LABELS
                    + " are accepted");
        }
        Map<String, String> map = new TreeMap<>();
        for (var e : node.properties()) {
            String name = wellFormed(e.getKey(), "a name in `" + what + "`");
            if (name.length() > MAX_NAME_CHARS) {
                throw tooLong("a name in `" + what + "`", name, MAX_NAME_CHARS);
            }
            String key = cut(name, MAX_NAME_CHARS);
            if (key.isEmpty()) {
                throw new BadAlert(Reason.BAD_VALUE, "`" + what + "` has an empty name; every name needs a character");
            }
            String field = what + "." + quoted(key);
            JsonNode v = e.getValue();
            if (v.isNull()) {
                throw new BadAlert(Reason.BAD_TYPE, "`" + field + "` is null; the values in `" + what
                        + "` must be strings (leave out an entry that has no value)");
            }
            if (!v.isTextual()) {
                throw new BadAlert(Reason.BAD_TYPE, "`" + field + "` is " + jsonType(v) + "; the values in `" + what
                        + "` must be strings" + (v.isValueNode() ? " (\"" + quoted(v.asText()) + "\", in quotes)" : ""));
            }
            String value = wellFormed(v.asText(), "`" + field + "`");
            if (!cutValues && value.length() > maxValue) {
                throw tooLong(field, value, maxValue);
            }
            map.put(key, cut(value, maxValue));
        }
        return map;
    }

    private static Map<String, String> stringsOrEmpty(JsonNode node) {
        try {
            return node == null || node.isNull() ? new TreeMap<>() : strings(node, "groupLabels", MAX_LABEL_VALUE_CHARS, false);
        } catch (BadAlert e) {
            return new TreeMap<>(); // the group's own labels only name it; its alerts still count
        }
    }

    /**
     * An RFC 3339 time from 1970-01-01 to 9999-12-31. Absent, null and Go's zero time are "not
     * set"; anything else (another type, another format, a year out of range) is a bad alert.
     */
    private static Optional<Instant> time(JsonNode node, String what) throws BadAlert {
        Optional<String> text = string(node, what);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String s = text.get();
        Instant t;
        try {
            if (s.length() > MAX_TIME_CHARS) {
                throw new DateTimeParseException("too long", s, 0);
            }
            t = OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadAlert(Reason.BAD_TIME, "`" + what + "` is \"" + quoted(s)
                    + "\", not an RFC 3339 time; send one such as 2026-11-22T03:00:00Z");
        }
        if (t.equals(AlertTime.GO_ZERO)) {
            return Optional.empty();
        }
        if (!AlertTime.inRange(t)) {
            throw new BadAlert(Reason.BAD_TIME, "`" + what + "` is " + quoted(s) + ", outside the times accepted, "
                    + "1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z; send a time in that range, or "
                    + "0001-01-01T00:00:00Z (or null) when it is not set");
        }
        return Optional.of(t);
    }

    private static Optional<String> url(JsonNode node, String what) throws BadAlert {
        // Only a link people can open is kept (Alertmanager sends "" when it has none).
        return string(node, what).filter(WebhookParser::isHttpUrl);
    }

    private static String fingerprint(JsonNode node, Map<String, String> labels) throws BadAlert {
        Optional<String> given = string(node, "fingerprint").map(String::strip).filter(s -> !s.isEmpty());
        if (given.isPresent()) {
            if (given.get().length() > MAX_FINGERPRINT_CHARS) {
                throw tooLong("fingerprint", given.get(), MAX_FINGERPRINT_CHARS);
            }
            return cut(given.get(), MAX_FINGERPRINT_CHARS);
        }
        return labelHash(labels);
    }

    private static BadAlert tooLong(String what, String value, int max) {
        return new BadAlert(Reason.TOO_LARGE, (what.startsWith("a name") ? what : "`" + what + "`") + " has "
                + value.length() + " characters; at most " + max + " are accepted");
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

    /** A notification-level string (group key, external URL): kept only when it is well-formed text. */
    private static Optional<String> optionalString(JsonNode node) {
        return node != null && node.isTextual() && isWellFormed(node.asText()) ? Optional.of(node.asText()) : Optional.empty();
    }

    private static boolean isHttpUrl(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        return (lower.startsWith("http://") || lower.startsWith("https://")) && s.length() <= 2_000
                && s.chars().noneMatch(c -> c < 0x21 || c == '<' || c == '>' || c == '|');
    }

    /** Whether every surrogate is half of a pair: text that UTF-8 can carry. */
    static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String jsonType(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "not a JSON value";
        };
    }

    /** A bad value as a rejection quotes it back: short, and safe to write as JSON or to a log. */
    private static String quoted(String s) {
        return printable(s, QUOTED_CHARS);
    }

    private static String printable(String s, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            out.append(Character.isSurrogate(c) && !pair || Character.isISOControl(c) ? '\uFFFD' : c);
            if (pair) {
                out.append(s.charAt(++i));
            }
        }
        return cut(out.toString(), max);
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

    /** Why one alert cannot be stored. */
    private static final class BadAlert extends Exception {
        final Reason reason;

        BadAlert(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
