package org.opsbot.bot.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The outer shape every Slack request has, checked once before Bolt reads the body. Bolt's
 * parser assumes it: given {@code payload=notjson}, an array, {@code %zz} or JSON nested past
 * Gson's limit it throws (a 500, and a stack trace whose message quotes the payload), and given
 * a field twice it silently takes the first. So a body is either a JSON object with a textual
 * {@code type} (the Events API), or a form whose fields are named as Slack names them, each
 * given once and cleanly encoded, whose {@code payload} (buttons, modals) is such a JSON object.
 * JSON is read strictly (no duplicate keys, nothing after the value) and bounded: deep enough
 * and long enough for anything Slack sends, well short of what breaks Bolt's parser.
 */
final class SlackEnvelope {
    /** Slack's deepest payloads (a modal of rich text) nest a dozen levels or so; Gson gives up at 255. */
    static final int MAX_DEPTH = 64;
    /** Slack's longest string is a message's text, 40,000 characters; a button's value is at most 2,000. */
    static final int MAX_STRING_CHARS = 50_000;

    // Slack's field names are snake_case (token, team_id, text, payload, ssl_check, ...). Bolt
    // trims names before it compares them, so " payload" would be a second payload to it.
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNameLength(MAX_STRING_CHARS)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SlackEnvelope() {
    }

    /**
     * What is wrong with {@code body}, in words fit for a log line (they never quote the body:
     * Slack payloads carry {@code response_url}, a credential); empty when it has the shape.
     */
    static Optional<String> problem(String body) {
        // As Bolt tells JSON from a form: by the first character after trimming.
        String trimmed = body.trim();
        if (trimmed.isEmpty()) {
            return Optional.of("the body is empty");
        }
        if (trimmed.charAt(0) == '{' || trimmed.charAt(0) == '[') {
            return jsonProblem("the body", trimmed);
        }
        return formProblem(body);
    }

    private static Optional<String> formProblem(String body) {
        Set<String> names = new HashSet<>();
        for (String field : body.split("&")) {
            if (field.isEmpty()) {
                continue;
            }
            int equals = field.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(equals < 0 ? field : field.substring(0, equals), StandardCharsets.UTF_8);
                value = equals < 0 ? "" : URLDecoder.decode(field.substring(equals + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.of("the form encoding is broken (a % not followed by two hex digits)");
            }
            if (!FIELD_NAME.matcher(name).matches()) {
                return Optional.of("a form field has a name Slack does not use");
            }
            if (!names.add(name)) {
                return Optional.of("the form field `" + name + "` is given more than once");
            }
            if (name.equals("payload")) {
                Optional<String> problem = jsonProblem("the payload", value);
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> jsonProblem(String what, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (StreamConstraintsException e) {
            return Optional.of(what + " is out of bounds (nested deeper than " + MAX_DEPTH
                    + " levels, or a string longer than " + MAX_STRING_CHARS + " characters)");
        } catch (JsonProcessingException e) {
            return Optional.of(what + " is not valid JSON" + (e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        if (node == null || node.isMissingNode()) {
            return Optional.of(what + " is empty");
        }
        if (!node.isObject()) {
            return Optional.of(what + " is JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT)
                    + ", not an object");
        }
        if (!node.path("type").isTextual()) {
            return Optional.of(what + " has no type");
        }
        return Optional.empty();
    }
}
