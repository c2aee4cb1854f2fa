package org.opsbot.commands.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.opsbot.commands.alert.Rejection.Reason;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Random webhooks in each source's format, each a mix of valid alerts (times at the edges of
 * the range, Unicode, values at their size limits) and alerts broken in exactly one way (a time
 * out of range or unreadable, a wrong JSON type, an oversized value, text that is not UTF-8, a
 * missing field, a repeated fingerprint), with what the intake must make of each. The same seed
 * gives the same webhook, so a failure can be replayed.
 */
public final class WebhookFuzz {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Stands for invalid UTF-8 bytes in the serialised body. */
    private static final String BAD_BYTES = "@@BAD-BYTES@@";
    /** Stands for a {@code \\u} escape of a lone surrogate in the serialised body. */
    private static final String LONE_SURROGATE = "@@LONE-SURROGATE@@";
    private static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private WebhookFuzz() {
    }

    /**
     * One alert of the webhook and what the intake must make of it.
     *
     * @param fingerprint the fingerprint the intake keeps it under, or names it by when it is broken
     * @param broken      empty for a valid alert; else the reason it must be rejected with
     * @param startsAt    the time it must be stored with, if it sent one
     * @param endsAt      the end it must be stored with, if it is resolved and sent one
     */
    public record Expected(int index, Optional<String> fingerprint, Optional<Reason> broken, Optional<Instant> startsAt,
                           Optional<Instant> endsAt, boolean firing, String how) {
        public boolean valid() {
            return broken.isEmpty();
        }
    }

    /** A webhook's body and the expectations for each of its alerts, in order. */
    public record Case(WebhookSource source, long seed, byte[] body, List<Expected> alerts) {
        public List<Expected> valid() {
            return alerts.stream().filter(Expected::valid).toList();
        }

        public List<Expected> broken() {
            return alerts.stream().filter(e -> !e.valid()).toList();
        }

        /** For a failure message: the seed, what each alert is, and the body. */
        public String describe() {
            StringBuilder s = new StringBuilder(source.key() + " webhook of seed " + seed + ":\n");
            alerts.forEach(e -> s.append("  alerts[").append(e.index()).append("] ").append(e.how()).append('\n'));
            String text = new String(body, StandardCharsets.UTF_8);
            return s.append(text.length() > 1_500 ? text.substring(0, 1_500) + "…" : text).toString();
        }
    }

    public static Case generate(WebhookSource source, long seed) {
        return new Generator(source, seed).webhook();
    }

    private static final class Generator {
        private final WebhookSource source;
        private final long seed;
        private final SplittableRandom random;
        private final String run;
        private final List<Expected> expected = new ArrayList<>();

        Generator(WebhookSource source, long seed) {
            if (!List.of("alertmanager", "grafana", "generic").contains(source.key())) {
                // Every webhook source is fuzzed: teach the generator its format.
                throw new IllegalArgumentException("WebhookFuzz has no generator for the format of " + source.key());
            }
            this.source = source;
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            this.run = source.key() + "-" + Long.toHexString(seed);
        }

        Case webhook() {
            int count = 1 + random.nextInt(12);
            ArrayNode alerts = NODES.arrayNode();
            for (int i = 0; i < count; i++) {
                alerts.add(random.nextInt(10) < 6 ? valid(i) : broken(i));
            }
            JsonNode root;
            if (source.key().equals("generic")) {
                int shape = random.nextInt(3);
                boolean single = count == 1 && shape == 1 && alerts.get(0).isObject();
                root = shape == 0 ? alerts : single ? alerts.get(0) : NODES.objectNode().set("alerts", alerts);
            } else {
                ObjectNode o = NODES.objectNode();
                o.put("receiver", "opsbot").put("status", "firing").put("version", source.key().equals("grafana") ? "1" : "4")
                        .put("groupKey", "{}:{run=\"" + run + "\"}").put("externalURL", "http://alertmanager:9093")
                        .put("truncatedAlerts", 0);
                o.putObject("groupLabels").put("alertname", alertname());
                o.putObject("commonLabels");
                o.putObject("commonAnnotations");
                o.set("alerts", alerts);
                if (source.key().equals("grafana")) {
                    o.put("orgId", 1).put("title", "[FIRING] " + alertname()).put("state", "alerting");
                }
                root = o;
            }
            return new Case(source, seed, serialise(root), List.copyOf(expected));
        }

        private String alertname() {
            return "Fuzz " + run;
        }

        private String fingerprint(int index) {
            return "fp-" + run + "-" + index;
        }

        // ---------------------------------------------------------------------------------------
        // Valid alerts

        private ObjectNode valid(int index) {
            Alert a = alert(index);
            expected.add(new Expected(index, Optional.of(a.fingerprint), Optional.empty(), a.startsAt, a.endsAt, a.firing,
                    "valid" + a.how));
            return a.node;
        }

        /** A valid alert, varied within what is valid. */
        private record Alert(ObjectNode node, String fingerprint, Optional<Instant> startsAt, Optional<Instant> endsAt,
                             boolean firing, String how) {
        }

        private Alert alert(int index) {
            ObjectNode a = NODES.objectNode();
            boolean firing = random.nextInt(4) != 0;
            String fingerprint = fingerprint(index);
            StringBuilder how = new StringBuilder();
            ObjectNode labels = NODES.objectNode();
            labels.put("alertname", alertname());
            labels.put("team", random.nextBoolean() ? "cdc" : "ops");
            labels.put("instance", "db-" + index + " " + text(30));
            int extra = random.nextInt(6) == 0 ? WebhookParser.MAX_LABELS - labels.size() : random.nextInt(5);
            for (int i = 0; i < extra; i++) {
                labels.put(i == 0 && random.nextInt(4) == 0 ? "n".repeat(WebhookParser.MAX_NAME_CHARS) : "l" + i + text(8),
                        i == 0 && random.nextInt(3) == 0 ? "v".repeat(WebhookParser.MAX_LABEL_VALUE_CHARS) : text(40));
            }
            if (labels.size() == WebhookParser.MAX_LABELS) {
                how.append(", ").append(WebhookParser.MAX_LABELS).append(" labels");
            }
            ObjectNode annotations = NODES.objectNode();
            annotations.put("summary", random.nextInt(8) == 0 ? "s".repeat(6_000) : text(200));
            if (random.nextBoolean()) {
                annotations.put("description", "<!here> *bold* <https://evil.example|click> " + text(100));
            }
            Optional<Instant> startsAt;
            Optional<Instant> endsAt = Optional.empty();
            if (source.key().equals("generic")) {
                a.put("title", alertname() + " " + text(20));
                if (!firing) {
                    a.put("status", "resolved");
                } else if (random.nextBoolean()) {
                    a.put("status", "firing");
                }
                if (random.nextBoolean()) {
                    a.put("severity", random.nextBoolean() ? "critical" : "WARNING");
                }
                if (random.nextBoolean()) {
                    a.set("labels", labels);
                }
                a.set("annotations", annotations);
                if (random.nextBoolean()) {
                    a.put("description", text(50));
                }
                startsAt = random.nextBoolean() ? Optional.empty() : Optional.of(validTime());
                startsAt.ifPresent(t -> a.put("startsAt", rfc3339(t)));
                a.put("url", random.nextBoolean() ? "https://ci.example/job/" + index : "not a link");
            } else {
                a.put("status", firing ? "firing" : "resolved");
                a.set("labels", labels);
                a.set("annotations", annotations);
                startsAt = Optional.of(validTime());
                a.put("startsAt", rfc3339(startsAt.get()));
                if (!firing && random.nextInt(3) != 0) {
                    Instant end = validTime();
                    endsAt = Optional.of(end);
                    a.put("endsAt", rfc3339(end));
                } else {
                    switch (random.nextInt(3)) {
                        case 0 -> a.put("endsAt", "0001-01-01T00:00:00Z");
                        case 1 -> a.putNull("endsAt");
                        default -> { }
                    }
                }
                a.put("generatorURL", random.nextBoolean() ? "http://prometheus:9090/graph?g0.expr=up" : "");
                if (source.key().equals("grafana") && random.nextBoolean()) {
                    a.putObject("values").put("B", random.nextDouble() * 1e6).put("C", random.nextInt(2));
                }
            }
            a.put("fingerprint", fingerprint);
            startsAt.ifPresent(t -> how.append(", startsAt ").append(t));
            return new Alert(a, fingerprint, startsAt, firing ? Optional.empty() : endsAt, firing, how.toString());
        }

        /** From 1970-01-01 to 9999-12-31, the edges often. */
        private Instant validTime() {
            return switch (random.nextInt(5)) {
                case 0 -> Instant.EPOCH;
                case 1 -> Instant.ofEpochSecond(LAST_SECOND);
                case 2 -> Instant.ofEpochSecond(LAST_SECOND, 999_999_999);
                default -> Instant.ofEpochSecond(random.nextLong(LAST_SECOND), random.nextInt(1_000_000_000));
            };
        }

        private String rfc3339(Instant t) {
            // An offset only where it keeps the year at four digits, as RFC 3339 has it.
            boolean inner = t.isAfter(Instant.parse("1970-01-02T00:00:00Z")) && t.isBefore(Instant.parse("9999-12-30T00:00:00Z"));
            ZoneOffset offset = inner && random.nextBoolean() ? ZoneOffset.ofTotalSeconds(random.nextInt(-48, 57) * 900) : ZoneOffset.UTC;
            return RFC_3339.format(t.atOffset(offset));
        }

        /** Text of up to {@code max} characters from many scripts, markup, escapes and emoji. */
        private String text(int max) {
            String[] pieces = {"disk", " ", "ünïcødé", "警告", "שלום", "🔥", "👩‍💻", "e\u0301", "\"quoted\"", "back\\slash",
                    "tab\tnew\nline", "<@U0CTO00001>", "&amp;", "%s", "${x}", "\u2028", "ǅ"};
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(1, 6);
            for (int i = 0; i < n; i++) {
                String p = pieces[random.nextInt(pieces.length)];
                if (s.length() + p.length() > max) {
                    break;
                }
                s.append(p);
            }
            return s.isEmpty() ? "x" : s.toString();
        }

        // ---------------------------------------------------------------------------------------
        // Broken alerts: a valid one with exactly one thing wrong

        private record Breakage(Reason reason, String how, Consumer<ObjectNode> apply, boolean nameable) {
        }

        private JsonNode broken(int index) {
            Alert a = alert(index);
            if (random.nextInt(12) == 0) {
                JsonNode[] notObjects = {NODES.numberNode(7), NODES.textNode("alert"), NODES.arrayNode().add(1), NODES.nullNode()};
                JsonNode node = notObjects[random.nextInt(notObjects.length)];
                expected.add(new Expected(index, Optional.empty(), Optional.of(Reason.BAD_TYPE), Optional.empty(),
                        Optional.empty(), a.firing, "broken: the alert is " + node));
                return node;
            }
            Optional<Expected> earlierValid = expected.stream().filter(Expected::valid).reduce((x, y) -> y);
            List<Breakage> breakages = breakages(earlierValid);
            Breakage b = breakages.get(random.nextInt(breakages.size()));
            b.apply.accept(a.node);
            String named = a.node.path("fingerprint").isTextual() ? a.node.get("fingerprint").asText() : null;
            expected.add(new Expected(index, Optional.ofNullable(b.nameable ? named : null), Optional.of(b.reason),
                    Optional.empty(), Optional.empty(), a.firing, "broken: " + b.how));
            return a.node;
        }

        private List<Breakage> breakages(Optional<Expected> earlierValid) {
            List<Breakage> list = new ArrayList<>();
            boolean generic = source.key().equals("generic");
            String[] outOfRange = {"+300000000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "1969-12-31T23:59:59Z",
                    "10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"};
            String[] unreadable = {"yesterday", "2026-13-45T00:00:00Z", "", "2026-11-22 03:00:00", "2026-11-22", "x".repeat(100)};
            for (String t : outOfRange) {
                list.add(new Breakage(Reason.BAD_TIME, "startsAt " + t, a -> a.put("startsAt", t), true));
                if (!generic) {
                    list.add(new Breakage(Reason.BAD_TIME, "endsAt " + t, a -> a.put("endsAt", t), true));
                }
            }
            String u = unreadable[random.nextInt(unreadable.length)];
            list.add(new Breakage(Reason.BAD_TIME, "startsAt \"" + u + "\"", a -> a.put("startsAt", u), true));
            // Wrong JSON types.
            list.add(new Breakage(Reason.BAD_TYPE, "labels is a string", a -> a.put("labels", "team=cdc"), true));
            list.add(new Breakage(Reason.BAD_TYPE, "labels is a list", a -> a.set("labels", NODES.arrayNode().add("a")), true));
            list.add(new Breakage(Reason.BAD_TYPE, "a label value is a number", a -> labels(a).put("n", 3), true));
            list.add(new Breakage(Reason.BAD_TYPE, "a label value is null", a -> labels(a).putNull("gone"), true));
            list.add(new Breakage(Reason.BAD_TYPE, "a label value is an object", a -> labels(a).putObject("nested").put("a", 1), true));
            list.add(new Breakage(Reason.BAD_TYPE, "status is a number", a -> a.put("status", 1), true));
            list.add(new Breakage(Reason.BAD_TYPE, "startsAt is a number", a -> a.put("startsAt", 1_700_000_000), true));
            list.add(new Breakage(Reason.BAD_TYPE, "annotations is a list", a -> a.set("annotations", NODES.arrayNode()), true));
            list.add(new Breakage(Reason.BAD_TYPE, "an annotation is a boolean", a -> a.withObject("/annotations").put("summary", true), true));
            list.add(new Breakage(Reason.BAD_TYPE, "fingerprint is a number", a -> a.put("fingerprint", 42), false));
            if (generic) {
                list.add(new Breakage(Reason.BAD_TYPE, "title is a number", a -> a.put("title", 5), true));
                list.add(new Breakage(Reason.BAD_TYPE, "severity is a list", a -> a.set("severity", NODES.arrayNode()), true));
                list.add(new Breakage(Reason.BAD_TYPE, "url is an object", a -> a.putObject("url"), true));
            } else {
                list.add(new Breakage(Reason.BAD_TYPE, "endsAt is an object", a -> a.putObject("endsAt"), true));
                list.add(new Breakage(Reason.BAD_TYPE, "generatorURL is a number", a -> a.put("generatorURL", 9090), true));
            }
            if (source.key().equals("grafana")) {
                list.add(new Breakage(Reason.BAD_TYPE, "values is a string", a -> a.put("values", "B=1"), true));
                list.add(new Breakage(Reason.BAD_TYPE, "a value is an object", a -> a.putObject("values").putObject("B"), true));
            }
            // Too large.
            list.add(new Breakage(Reason.TOO_LARGE, "a label value of 1,001 characters",
                    a -> labels(a).put("big", "v".repeat(WebhookParser.MAX_LABEL_VALUE_CHARS + 1)), true));
            list.add(new Breakage(Reason.TOO_LARGE, "a label name of 201 characters",
                    a -> labels(a).put("n".repeat(WebhookParser.MAX_NAME_CHARS + 1), "v"), true));
            list.add(new Breakage(Reason.TOO_LARGE, "101 labels", a -> {
                ObjectNode labels = labels(a);
                for (int i = 0; labels.size() <= WebhookParser.MAX_LABELS; i++) {
                    labels.put("many" + i, "v");
                }
            }, true));
            list.add(new Breakage(Reason.TOO_LARGE, "a fingerprint of 129 characters",
                    a -> a.put("fingerprint", "f".repeat(WebhookParser.MAX_FINGERPRINT_CHARS + 1)), false));
            if (generic) {
                list.add(new Breakage(Reason.TOO_LARGE, "a title of 1,001 characters",
                        a -> a.put("title", "t".repeat(WebhookParser.MAX_LABEL_VALUE_CHARS + 1)), true));
            }
            // Not UTF-8.
            list.add(new Breakage(Reason.BAD_ENCODING, "invalid bytes in a label value",
                    a -> labels(a).put("host", "db-" + BAD_BYTES + "-1"), true));
            list.add(new Breakage(Reason.BAD_ENCODING, "a lone surrogate in a label value",
                    a -> labels(a).put("host", "db-" + LONE_SURROGATE), true));
            list.add(new Breakage(Reason.BAD_ENCODING, "a lone surrogate in a label name",
                    a -> labels(a).put("k" + LONE_SURROGATE, "v"), true));
            list.add(new Breakage(Reason.BAD_ENCODING, "invalid bytes in an annotation",
                    a -> a.withObject("/annotations").put("summary", "full " + BAD_BYTES), true));
            if (generic) {
                list.add(new Breakage(Reason.BAD_ENCODING, "invalid bytes in the title",
                        a -> a.put("title", "Backup " + BAD_BYTES), true));
            }
            // Missing.
            if (generic) {
                list.add(new Breakage(Reason.MISSING_FIELD, "no title", a -> a.remove("title"), true));
                list.add(new Breakage(Reason.MISSING_FIELD, "a blank title", a -> a.put("title", "  "), true));
            } else {
                list.add(new Breakage(Reason.MISSING_FIELD, "no labels", a -> a.remove("labels"), true));
                list.add(new Breakage(Reason.MISSING_FIELD, "empty labels", a -> a.putObject("labels"), true));
                list.add(new Breakage(Reason.MISSING_FIELD, "no startsAt", a -> a.remove("startsAt"), true));
                list.add(new Breakage(Reason.MISSING_FIELD, "startsAt is Go's zero time",
                        a -> a.put("startsAt", "0001-01-01T00:00:00Z"), true));
                list.add(new Breakage(Reason.MISSING_FIELD, "no status", a -> a.remove("status"), true));
            }
            // Values out of their set.
            list.add(new Breakage(Reason.BAD_VALUE, "status \"exploded\"", a -> a.put("status", "exploded"), true));
            list.add(new Breakage(Reason.BAD_VALUE, "an empty label name", a -> labels(a).put("", "v"), true));
            // A fingerprint the webhook already holds.
            earlierValid.flatMap(Expected::fingerprint).ifPresent(fp -> list.add(new Breakage(Reason.DUPLICATE,
                    "the fingerprint of an earlier alert", a -> a.put("fingerprint", fp), true)));
            return list;
        }

        /** The alert's labels, with room for one more, so that adding one breaks only what it should. */
        private static ObjectNode labels(ObjectNode alert) {
            ObjectNode labels = alert.withObject("/labels");
            if (labels.size() >= WebhookParser.MAX_LABELS) {
                labels.remove(labels.propertyStream().map(Map.Entry::getKey).filter(k -> k.startsWith("l")).findFirst().orElseThrow());
            }
            return labels;
        }

        /** The JSON, with the stand-ins for what a JSON writer cannot write replaced. */
        private byte[] serialise(JsonNode root) {
            String text;
            try {
                text = JSON.writeValueAsString(root);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            String[] surrogates = {"\\ud800", "\\udfff", "\\ud83d"};
            while (text.contains(LONE_SURROGATE)) {
                text = text.replaceFirst(LONE_SURROGATE, java.util.regex.Matcher.quoteReplacement(surrogates[random.nextInt(surrogates.length)]));
            }
            byte[][] invalid = {{(byte) 0xFF}, {(byte) 0xC3, (byte) 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80}};
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int from = 0;
            for (int at = text.indexOf(BAD_BYTES); at >= 0; at = text.indexOf(BAD_BYTES, from)) {
                out.writeBytes(text.substring(from, at).getBytes(StandardCharsets.UTF_8));
                out.writeBytes(invalid[random.nextInt(invalid.length)]);
                from = at + BAD_BYTES.length();
            }
            out.writeBytes(text.substring(from).getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        }
    }
}
