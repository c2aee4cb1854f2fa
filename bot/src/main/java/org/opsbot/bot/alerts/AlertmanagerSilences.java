package org.opsbot.bot.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.opsbot.bot.logging.KnownSecrets;
import org.opsbot.bot.slack.text.SlackText;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alertmanager's API v2: {@code POST /api/v2/silences} and {@code DELETE /api/v2/silence/{id}}
 * at the {@code externalURL} the group's notifications came from. Only that URL is ever
 * called, and only because an authenticated webhook named it; redirects are not followed.
 */
public final class AlertmanagerSilences {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** The silence could not be made or removed; the message is fit for the person who asked. */
    /** Shown in Slack; Alertmanager's URL and its client's error text pass the log's masker first. */
    public static final class SilenceException extends Exception {
        SilenceException(String message) {
            super(KnownSecrets.mask(message), null, false, false);
        }
    }

    /** Creates a silence of exactly {@code labels} and answers its id. */
    String create(String externalUrl, Map<String, String> labels, Instant startsAt, Instant endsAt, String createdBy,
                  String comment) throws SilenceException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        labels.forEach((name, value) -> values.put(name, List.of(value)));
        return createMatching(externalUrl, values, startsAt, endsAt, createdBy, comment);
    }

    /**
     * Creates a silence of alerts whose labels have one of the values given for each (a
     * maintenance window's labels) and answers its id.
     */
    public String createMatching(String externalUrl, Map<String, List<String>> labels, Instant startsAt, Instant endsAt,
                                 String createdBy, String comment) throws SilenceException {
        if (labels.isEmpty()) {
            throw new SilenceException("the group has no labels to silence by");
        }
        List<Map<String, Object>> matchers = new ArrayList<>();
        labels.forEach((name, values) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            boolean regex = values.size() > 1;
            // Alertmanager anchors a regex matcher; each value is matched literally.
            m.put("value", regex ? String.join("|", values.stream()
                    .map(v -> v.replaceAll("[\\\\.^$|?*+()\\[\\]{}]", "\\\\$0")).toList()) : values.getFirst());
            m.put("isRegex", regex);
            m.put("isEqual", true);
            matchers.add(m);
        });
        Map<String, Object> silence = new LinkedHashMap<>();
        silence.put("matchers", matchers);
        silence.put("startsAt", startsAt.toString());
        silence.put("endsAt", endsAt.toString());
        silence.put("createdBy", createdBy);
        silence.put("comment", comment);
        HttpResponse<String> response;
        try {
            response = send(HttpRequest.newBuilder(api(externalUrl, "/api/v2/silences"))
                    .timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(silence))));
        } catch (IOException e) {
            throw new SilenceException("Alertmanager at " + externalUrl + " did not answer: " + e.getMessage());
        }
        if (response.statusCode() / 100 != 2) {
            throw new SilenceException("Alertmanager at " + externalUrl + " refused the silence (HTTP "
                    + response.statusCode() + "): " + SlackText.cut(response.body().strip(), 200));
        }
        try {
            JsonNode id = JSON.readTree(response.body()).path("silenceID");
            if (!id.isTextual() || id.asText().isBlank()) {
                throw new SilenceException("Alertmanager answered without a silenceID");
            }
            return id.asText();
        } catch (IOException e) {
            throw new SilenceException("Alertmanager's answer was not JSON");
        }
    }

    public void expire(String externalUrl, String silenceId) throws SilenceException {
        HttpResponse<String> response;
        try {
            response = send(HttpRequest.newBuilder(api(externalUrl, "/api/v2/silence/"
                            + URLEncoder.encode(silenceId, StandardCharsets.UTF_8)))
                    .timeout(TIMEOUT)
                    .DELETE());
        } catch (IOException e) {
            throw new SilenceException("Alertmanager at " + externalUrl + " did not answer: " + e.getMessage());
        }
        // 404: it expired or was removed already, which is what was asked.
        if (response.statusCode() / 100 != 2 && response.statusCode() != 404) {
            throw new SilenceException("Alertmanager at " + externalUrl + " did not expire the silence (HTTP "
                    + response.statusCode() + ")");
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, SilenceException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SilenceException("interrupted");
        }
    }

    private static URI api(String externalUrl, String path) throws SilenceException {
        String base = externalUrl.endsWith("/") ? externalUrl.substring(0, externalUrl.length() - 1) : externalUrl;
        try {
            URI uri = URI.create(base + path);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new SilenceException("the group's externalURL is not http(s)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new SilenceException("the group's externalURL is not a URL");
        }
    }
}
