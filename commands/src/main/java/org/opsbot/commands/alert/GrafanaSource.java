package org.opsbot.commands.alert;

import com.fasterxml.jackson.databind.JsonNode;
import org.opsbot.commands.alert.Rejection.Reason;
import org.opsbot.commands.alert.WebhookParser.BadAlert;
import org.opsbot.commands.alert.WebhookParser.BadBodyException;

import java.util.List;
import java.util.Map;

/**
 * Grafana's alerting webhook, at {@code /alerts/grafana}: Alertmanager's shape, each alert with
 * the {@code values} of its queries. Its alerts stay in Grafana's groups unless the route names
 * its own {@code group-by}, since Grafana's default grouping is often coarser than wanted.
 */
final class GrafanaSource implements WebhookSource {

    @Override
    public String key() {
        return "grafana";
    }

    @Override
    public Notification parse(byte[] body) throws BadBodyException {
        return AlertmanagerSource.read(this, "Grafana", WebhookParser.json(body, false), GrafanaSource::values);
    }

    @Override
    public Group group(Notification n, IncomingAlert alert, List<String> routeGroupBy) {
        Group byLabels = Group.byLabels(alert.labels(), routeGroupBy);
        return routeGroupBy.isEmpty() ? Group.fromSender(n).orElse(byLabels) : byLabels;
    }

    /** {@code values} (query ref → number), shown as {@code B=44.2, C=1} on the alert's line. */
    private static void values(JsonNode alert, Map<String, String> annotations) throws BadAlert {
        if (WebhookParser.optional(alert, "values") || annotations.containsKey("values")) {
            return;
        }
        JsonNode node = alert.get("values");
        if (!node.isObject()) {
            throw new BadAlert(Reason.BAD_TYPE, "`values` is " + WebhookParser.jsonType(node)
                    + "; it must be an object such as {\"B\": 44.2}");
        }
        StringBuilder values = new StringBuilder();
        for (var e : node.properties()) {
            String name = WebhookParser.wellFormed(e.getKey(), "a name in `values`");
            JsonNode v = e.getValue();
            if (!v.isValueNode()) {
                throw new BadAlert(Reason.BAD_TYPE, "`values." + WebhookParser.quoted(name) + "` is "
                        + WebhookParser.jsonType(v) + "; it must be a number");
            }
            String shown = v.isTextual() ? WebhookParser.wellFormed(v.asText(), "`values." + WebhookParser.quoted(name) + "`")
                    : v.asText();
            values.append(values.isEmpty() ? "" : ", ").append(name).append('=').append(shown);
        }
        annotations.put("values", WebhookParser.cut(values.toString(), WebhookParser.MAX_ANNOTATION_CHARS));
    }
}
