package org.opsbot.commands.alert;

import com.fasterxml.jackson.databind.JsonNode;
import org.opsbot.commands.alert.Rejection.Reason;
import org.opsbot.commands.alert.WebhookParser.BadAlert;
import org.opsbot.commands.alert.WebhookParser.BadBodyException;
import org.opsbot.commands.alert.WebhookParser.Reading;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.opsbot.commands.alert.WebhookParser.MAX_ANNOTATION_CHARS;
import static org.opsbot.commands.alert.WebhookParser.MAX_LABEL_VALUE_CHARS;
import static org.opsbot.commands.alert.WebhookParser.cut;

/**
 * opsbot's generic alert, at {@code /alerts/generic}, for scripts and tools without a format of
 * their own: one object, a list of them, or {@code {"alerts": [...]}}. {@code title} is required;
 * {@code status} defaults to firing. Grouped by the route's labels (the default).
 */
final class GenericSource implements WebhookSource {

    @Override
    public String key() {
        return "generic";
    }

    @Override
    public Notification parse(byte[] body) throws BadBodyException {
        JsonNode root = WebhookParser.json(body, true);
        JsonNode list = root.isArray() ? root : root.has("alerts") ? root.get("alerts") : null;
        Reading read = new Reading();
        if (list == null) {
            read.one(root, GenericSource::alert);
        } else {
            read.each(list, GenericSource::alert);
        }
        return new Notification(this, Optional.empty(), Map.of(), Optional.empty(), read.alerts(), read.rejected(), 0);
    }

    private static IncomingAlert alert(JsonNode a) throws BadAlert {
        WebhookParser.requireObject(a);
        String title = WebhookParser.string(a.get("title"), "title").map(String::strip).filter(s -> !s.isEmpty())
                .orElseThrow(() -> new BadAlert(Reason.MISSING_FIELD, "`title` is missing or empty; a generic alert "
                        + "needs a title such as \"Nightly backup failed\""));
        if (title.length() > MAX_LABEL_VALUE_CHARS) {
            throw WebhookParser.tooLong("title", title, MAX_LABEL_VALUE_CHARS);
        }
        boolean firing = WebhookParser.optional(a, "status") || WebhookParser.status(a.get("status"));
        Map<String, String> labels = WebhookParser.optional(a, "labels") ? new TreeMap<>()
                : WebhookParser.strings(a.get("labels"), "labels", MAX_LABEL_VALUE_CHARS, false);
        Map<String, String> annotations = WebhookParser.optional(a, "annotations") ? new TreeMap<>()
                : WebhookParser.strings(a.get("annotations"), "annotations", MAX_ANNOTATION_CHARS, true);
        labels.putIfAbsent("alertname", cut(title, MAX_LABEL_VALUE_CHARS));
        Optional<String> severity = WebhookParser.string(a.get("severity"), "severity");
        if (severity.isPresent()) {
            if (severity.get().length() > MAX_LABEL_VALUE_CHARS) {
                throw WebhookParser.tooLong("severity", severity.get(), MAX_LABEL_VALUE_CHARS);
            }
            labels.put("severity", cut(severity.get().toLowerCase(Locale.ROOT), MAX_LABEL_VALUE_CHARS));
        }
        annotations.putIfAbsent("summary", cut(title, MAX_ANNOTATION_CHARS));
        for (String field : List.of("description", "runbook")) {
            Optional<String> value = WebhookParser.string(a.get(field), field);
            if (value.isPresent()) {
                annotations.putIfAbsent(field, cut(value.get(), MAX_ANNOTATION_CHARS));
            }
        }
        Optional<Instant> startsAt = WebhookParser.time(a.get("startsAt"), "startsAt");
        Optional<String> url = WebhookParser.url(a.get("url"), "url");
        String fingerprint = WebhookParser.fingerprint(a.get("fingerprint"), labels);
        return new IncomingAlert(fingerprint, firing, startsAt, Optional.empty(), labels, annotations, url);
    }
}
