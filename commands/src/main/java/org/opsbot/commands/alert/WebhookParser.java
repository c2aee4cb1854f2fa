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
 * The strict reading every {@link WebhookSource} shares: the body as JSON, and each field of
 * each alert checked before anything is stored. An alert with a wrong type, a missing field, a
 * time out of range, an oversized value or text that is not UTF-8 is skipped with a
 * {@link Rejection} naming it, and the others are kept, because Alertmanager never retries a
 * refused notification and retries a failed one for ever. Only a body that is not a webhook at
 * all (not JSON, not an object or list, no list of alerts) is refused whole.
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

    /**
     * The body of a webhook as JSON: an object, or (when {@code listAllowed}) a list. Invalid
     * UTF-8 inside a string costs only the alert that holds it (see {@link #INVALID_BYTES}).
     *
     * @throws BadBodyException when it is not JSON, empty, or of another shape
     */
    static JsonNode json(byte[] body, boolean listAllowed) throws BadBodyException {
        JsonNode root;
        try {
            root = JSON.readTree(text(body));
        } catch (JsonProcessingException e) {
            throw new BadBodyException("the body is not JSON: " + printable(e.getOriginalMessage(), 200));
        } catch (CharacterCodingException e) {
            throw new BadBodyException("the body could not be read as UTF-8");
        }
        if (root == null || root.isMissingNode()) {
            throw new BadBodyException("the body is empty; send the webhook's JSON object");
        }
        if (!(root.isObject() || listAllowed && root.isArray())) {
            throw new BadBodyException("the body must be a JSON object" + (listAllowed ? " or a list of them" : "")
                    + ", not " + jsonType(root));
        }
        return root;
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

    /** Reads one alert of a webhook, or says why it cannot be stored. */
    @FunctionalInterface
    interface AlertReader {
        IncomingAlert read(JsonNode alert) throws BadAlert;
    }

    /** The alerts read so far and the ones skipped, each fingerprint once. */
    static final class Reading {
        private final List<IncomingAlert> alerts = new ArrayList<>();
        private final List<Rejection> rejected = new ArrayList<>();
        private final Map<String, Integer> seen = new HashMap<>();

        List<IncomingAlert> alerts() {
            return alerts;
        }

        List<Rejection> rejected() {
            return rejected;
        }

        /** Each alert of the webhook's list {@code alerts}; one that cannot be read costs only itself. */
        void each(JsonNode list, AlertReader reader) throws BadBodyException {
            if (!list.isArray()) {
                throw new BadBodyException("`alerts` is " + jsonType(list) + "; it must be a list of alerts");
            }
            for (int i = 0; i < list.size(); i++) {
                one(i, list.get(i), reader);
            }
        }

        /** A webhook that is one alert. */
        void one(JsonNode alert, AlertReader reader) {
            one(0, alert, reader);
        }

        private void one(int index, JsonNode alert, AlertReader reader) {
            try {
                add(index, alert, reader.read(alert));
            } catch (BadAlert e) {
                reject(index, alert, e);
            }
        }

        private void add(int index, JsonNode raw, IncomingAlert alert) {
            Integer first = seen.putIfAbsent(alert.fingerprint(), index);
            if (first != null) {
                reject(index, raw, new BadAlert(Reason.DUPLICATE, "fingerprint " + quoted(alert.fingerprint())
                        + " appears again (first at alerts[" + first + "], which is kept); each alert of a webhook needs "
                        + "its own fingerprint"));
                return;
            }
            alerts.add(alert);
        }

        private void reject(int index, JsonNode raw, BadAlert why) {
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

    static void requireObject(JsonNode a) throws BadAlert {
        if (a == null || !a.isObject()) {
            throw new BadAlert(Reason.BAD_TYPE, "the alert is " + jsonType(a) + "; each alert must be a JSON object");
        }
    }

    /** An optional field that is absent or null. */
    static boolean optional(JsonNode a, String field) {
        return !a.hasNonNull(field);
    }

    static boolean status(JsonNode node) throws BadAlert {
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
    static Optional<String> string(JsonNode node, String what) throws BadAlert {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new BadAlert(Reason.BAD_TYPE, "`" + what + "` is " + jsonType(node) + "; it must be a string");
        }
        return Optional.of(wellFormed(node.asText(), "`" + what + "`"));
    }

    static String wellFormed(String s, String what) throws BadAlert {
        if (!isWellFormed(s)) {
            throw new BadAlert(Reason.BAD_ENCODING, what + " is not valid UTF-8 (invalid bytes, or a lone surrogate "
                    + "in a \\u escape); send it as UTF-8 text");
        }
        return s;
    }

    /** Labels or annotations: an object of strings, each name and value within its bound. */
    static Map<String, String> strings(JsonNode node, String what, int maxValue, boolean cutValues) throws BadAlert {
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

    static Map<String, String> stringsOrEmpty(JsonNode node) {
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
    static Optional<Instant> time(JsonNode node, String what) throws BadAlert {
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

    static Optional<String> url(JsonNode node, String what) throws BadAlert {
        // Only a link people can open is kept (Alertmanager sends "" when it has none).
        return string(node, what).filter(WebhookParser::isHttpUrl);
    }

    static String fingerprint(JsonNode node, Map<String, String> labels) throws BadAlert {
        Optional<String> given = string(node, "fingerprint").map(String::strip).filter(s -> !s.isEmpty());
        if (given.isPresent()) {
            if (given.get().length() > MAX_FINGERPRINT_CHARS) {
                throw tooLong("fingerprint", given.get(), MAX_FINGERPRINT_CHARS);
            }
            return cut(given.get(), MAX_FINGERPRINT_CHARS);
        }
        return labelHash(labels);
    }

    static BadAlert tooLong(String what, String value, int max) {
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
    static Optional<String> optionalString(JsonNode node) {
        return node != null && node.isTextual() && isWellFormed(node.asText()) ? Optional.of(node.asText()) : Optional.empty();
    }

    static boolean isHttpUrl(String s) {
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

    static String jsonType(JsonNode node) {
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
    static String quoted(String s) {
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

    /** Why one alert cannot be stored: skipped with a {@link Rejection} of its reason and message. */
    static final class BadAlert extends Exception {
        final Reason reason;

        BadAlert(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
