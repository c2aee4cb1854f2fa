package org.opsbot.commands.alert;

import com.fasterxml.jackson.databind.JsonNode;
import org.opsbot.commands.alert.Rejection.Reason;
import org.opsbot.commands.alert.WebhookParser.BadAlert;
import org.opsbot.commands.alert.WebhookParser.BadBodyException;
import org.opsbot.commands.alert.WebhookParser.Reading;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.opsbot.commands.alert.WebhookParser.MAX_ANNOTATION_CHARS;
import static org.opsbot.commands.alert.WebhookParser.MAX_LABEL_VALUE_CHARS;

/**
 * Alertmanager's webhook (version 4), at {@code /alerts/alertmanager}. Its alerts stay in the
 * groups Alertmanager made ({@code groupKey}), split by opsbot's teams, since opsbot's routes may
 * send one Alertmanager group to several teams.
 */
final class AlertmanagerSource implements WebhookSource {

    /** What a sender of Alertmanager's shape adds to each alert (Grafana its {@code values}). */
    interface Extra {
        Extra NONE = (alert, annotations) -> { };

        void read(JsonNode alert, Map<String, String> annotations) throws BadAlert;
    }

    @Override
    public String key() {
        return "alertmanager";
    }

    @Override
    public boolean takesAlertmanagerSilences() {
        return true;
    }

    @Override
    public Notification parse(byte[] body) throws BadBodyException {
        return read(this, "Alertmanager", WebhookParser.json(body, false), Extra.NONE);
    }

    @Override
    public Group group(Notification n, IncomingAlert alert, List<String> routeGroupBy) {
        return Group.fromSender(n).orElseGet(() -> Group.byLabels(alert.labels(), routeGroupBy));
    }

    /** A webhook in Alertmanager's shape from {@code sender}, each alert read with its {@code extra}. */
    static Notification read(AlertSource source, String sender, JsonNode root, Extra extra) throws BadBodyException {
        JsonNode list = root.get("alerts");
        if (list == null) {
            throw new BadBodyException("the body has no `alerts`; " + sender
                    + "'s webhook carries its alerts in a list named `alerts`");
        }
        Reading read = new Reading();
        read.each(list, a -> alert(a, extra));
        Optional<String> groupKey = WebhookParser.optionalString(root.get("groupKey")).filter(s -> !s.isBlank());
        Map<String, String> groupLabels = WebhookParser.stringsOrEmpty(root.get("groupLabels"));
        Optional<String> externalUrl = WebhookParser.optionalString(root.get("externalURL")).filter(WebhookParser::isHttpUrl);
        int truncated = root.path("truncatedAlerts").canConvertToInt() ? Math.max(0, root.path("truncatedAlerts").asInt()) : 0;
        return new Notification(source, groupKey, groupLabels, externalUrl, read.alerts(), read.rejected(), truncated);
    }

    private static IncomingAlert alert(JsonNode a, Extra extra) throws BadAlert {
        WebhookParser.requireObject(a);
        boolean firing = WebhookParser.status(a.get("status"));
        JsonNode labelNode = a.get("labels");
        if (labelNode == null || labelNode.isNull()) {
            throw new BadAlert(Reason.MISSING_FIELD, "`labels` is missing; an alert needs an object of labels such as "
                    + "{\"alertname\": \"DiskFull\"}");
        }
        Map<String, String> labels = WebhookParser.strings(labelNode, "labels", MAX_LABEL_VALUE_CHARS, false);
        if (labels.isEmpty()) {
            throw new BadAlert(Reason.MISSING_FIELD, "`labels` is empty; an alert needs at least one label, usually `alertname`");
        }
        Map<String, String> annotations = WebhookParser.optional(a, "annotations") ? new TreeMap<>()
                : WebhookParser.strings(a.get("annotations"), "annotations", MAX_ANNOTATION_CHARS, true);
        Instant startsAt = WebhookParser.time(a.get("startsAt"), "startsAt").orElseThrow(() -> new BadAlert(
                Reason.MISSING_FIELD, "`startsAt` is missing; send when the alert started, as an RFC 3339 time"));
        Optional<Instant> endsAt = WebhookParser.time(a.get("endsAt"), "endsAt");
        extra.read(a, annotations);
        String fingerprint = WebhookParser.fingerprint(a.get("fingerprint"), labels);
        Optional<String> url = WebhookParser.url(a.get("generatorURL"), "generatorURL");
        return new IncomingAlert(fingerprint, firing, Optional.of(startsAt), endsAt, labels, annotations, url);
    }
}
