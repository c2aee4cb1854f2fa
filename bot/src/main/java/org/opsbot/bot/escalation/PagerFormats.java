package org.opsbot.bot.escalation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.HttpUrl;
import org.opsbot.commands.config.PagerWebhook;
import org.opsbot.commands.escalation.OnCallRoster;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.store.PagerWebhookStore;
import org.opsbot.commands.store.PagerWebhookStore.Event;
import org.opsbot.commands.model.Subject;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bodies and URLs of one webhook's calls, in its format:
 * <ul>
 *   <li>{@code opsbot}: opsbot's own JSON, {@code event} page / acknowledge / resolve;</li>
 *   <li>{@code pagerduty}: Events API v2, {@code event_action} trigger / acknowledge / resolve
 *       with the subject's {@code dedup_key}, all POSTed to the events URL;</li>
 *   <li>{@code opsgenie}: Alert API v2, create at {@code /v2/alerts} with {@code alias}, then
 *       {@code /v2/alerts/{alias}/acknowledge|close?identifierType=alias}.</li>
 * </ul>
 * Bodies are stored without secrets: PagerDuty's routing key is put in when the call is sent.
 */
final class PagerFormats {
    /** Opsgenie's limits: longer values are refused with 422. */
    private static final int OPSGENIE_MESSAGE = 130;
    private static final int OPSGENIE_DESCRIPTION = 15_000;
    /** PagerDuty's limit on payload.summary. */
    private static final int PAGERDUTY_SUMMARY = 1_024;
    private static final String MASK = "****";

    private final PagerWebhook webhook;
    private final Map<String, Integer> severityRanks;
    private final Clock clock;

    /** What is sent: where, what is shown in the log for where (no query from the file), and the body. */
    record Wire(HttpUrl url, String shown, String body) {
    }

    /** @param severityRanks each severity's place in opsbot.yaml's list, most severe (0) first */
    PagerFormats(PagerWebhook webhook, Map<String, Integer> severityRanks, Clock clock) {
        this.webhook = webhook;
        this.severityRanks = Map.copyOf(severityRanks);
        this.clock = clock;
    }

    /** The page of {@code tier}. */
    JsonNode trigger(String dedupKey, Walk walk, OnCallRoster.TierOnCall tier, String why, String title,
                     Optional<String> link, List<String> people) {
        String text = "Tier " + tier.number() + " (" + tier.name() + ") paged: " + title + " (" + walk.severity()
                + ", team " + walk.team() + ") — " + why;
        ObjectNode details = PagerWebhooks.object();
        details.put("subject", walk.subject());
        details.put("severity", walk.severity());
        details.put("team", walk.team());
        details.put("tier", tier.number());
        details.put("tier_name", tier.name());
        details.put("round", walk.round());
        details.put("reason", why);
        link.ifPresent(l -> details.put("slack", l));
        details.set("slack_users", strings(people));
        return switch (webhook.format()) {
            case OPSBOT -> {
                ObjectNode body = PagerWebhooks.object();
                body.put("dedup_key", dedupKey);
                body.put("event", "page");
                body.put("subject", walk.subject());
                body.put("title", title);
                body.put("severity", walk.severity());
                body.put("team", walk.team());
                body.putObject("tier").put("number", tier.number()).put("name", tier.name());
                body.put("round", walk.round());
                body.put("reason", why);
                body.put("text", text);
                body.put("link", link.orElse(null));
                body.set("slack_users", strings(people));
                body.put("created_at", clock.instant().toString());
                yield body;
            }
            case PAGERDUTY -> {
                ObjectNode body = PagerWebhooks.object();
                body.put("event_action", "trigger");
                body.put("dedup_key", dedupKey);
                ObjectNode payload = body.putObject("payload");
                payload.put("summary", cut(title + " (" + walk.severity() + ", team " + walk.team() + ") — " + why,
                        PAGERDUTY_SUMMARY));
                payload.put("source", "opsbot/" + walk.team());
                payload.put("severity", pagerDutySeverity(walk.severity()));
                payload.put("timestamp", clock.instant().toString());
                payload.put("group", walk.team());
                payload.put("class", Subject.parse(walk.subject()).map(s -> s.kind().key()).orElse("subject"));
                payload.set("custom_details", details);
                body.put("client", "opsbot");
                link.ifPresent(l -> {
                    body.put("client_url", l);
                    body.putArray("links").addObject().put("href", l).put("text", "Slack thread");
                });
                yield body;
            }
            case OPSGENIE -> {
                ObjectNode body = PagerWebhooks.object();
                body.put("message", cut(title, OPSGENIE_MESSAGE));
                body.put("alias", dedupKey);
                body.put("description", cut(text + link.map(l -> "\nSlack: " + l).orElse(""), OPSGENIE_DESCRIPTION));
                if (!webhook.responders().isEmpty()) {
                    ArrayNode responders = body.putArray("responders");
                    for (String r : webhook.responders()) {
                        int colon = r.indexOf(':');
                        String type = r.substring(0, colon);
                        // Opsgenie names users by username, everything else by name.
                        responders.addObject().put("type", type).put(type.equals("user") ? "username" : "name",
                                r.substring(colon + 1).strip());
                    }
                }
                body.putArray("tags").add("opsbot").add(walk.team()).add(walk.severity());
                ObjectNode stringDetails = body.putObject("details");
                // Opsgenie's details are a map of strings.
                details.fields().forEachRemaining(e -> stringDetails.put(e.getKey(), text(e.getValue())));
                body.put("entity", walk.subject());
                body.put("source", "opsbot");
                body.put("priority", opsgeniePriority(walk.severity()));
                yield body;
            }
        };
    }

    /** The acknowledge or resolve of the page with {@code dedupKey}. */
    JsonNode settle(String dedupKey, Walk walk, Event event) {
        String done = event == Event.ACKNOWLEDGE ? "acknowledged" : "resolved";
        ObjectNode body = PagerWebhooks.object();
        switch (webhook.format()) {
            case OPSBOT -> {
                body.put("dedup_key", dedupKey);
                body.put("event", PagerWebhooks.lower(event));
                body.put("subject", walk.subject());
                body.put("severity", walk.severity());
                body.put("team", walk.team());
                body.put("text", walk.subject() + " was " + done + " in opsbot");
                body.put("created_at", clock.instant().toString());
            }
            case PAGERDUTY -> {
                body.put("event_action", PagerWebhooks.lower(event));
                body.put("dedup_key", dedupKey);
            }
            case OPSGENIE -> {
                body.put("source", "opsbot");
                body.put("note", "The alert was " + done + " in opsbot (" + walk.subject() + ").");
            }
        }
        return body;
    }

    /** Where and what to send for a stored call, with the routing key put in (PagerDuty). */
    Wire wire(PagerWebhookStore.Call call, Optional<String> routingKey) {
        HttpUrl base = HttpUrl.get(webhook.url());
        String shown = webhook.display() + base.encodedPath();
        return switch (webhook.format()) {
            case OPSBOT -> new Wire(base, shown, call.payload());
            case PAGERDUTY -> {
                ObjectNode body = PagerWebhooks.object();
                body.put("routing_key", routingKey.orElseThrow(() -> new IllegalStateException("no routing key")));
                PagerWebhooks.read(call.payload()).fields().forEachRemaining(e -> body.set(e.getKey(), e.getValue()));
                yield new Wire(base, shown, body.toString());
            }
            case OPSGENIE -> {
                HttpUrl.Builder url = base.newBuilder().query(null).fragment(null);
                // The base URL may end in '/' (an empty last segment): drop it before adding ours.
                if (base.pathSegments().getLast().isEmpty()) {
                    url.removePathSegment(base.pathSegments().size() - 1);
                }
                url.addPathSegment("v2").addPathSegment("alerts");
                if (call.event() != Event.TRIGGER) {
                    url.addPathSegment(call.dedupKey())
                            .addPathSegment(call.event() == Event.ACKNOWLEDGE ? "acknowledge" : "close")
                            .addQueryParameter("identifierType", "alias");
                }
                HttpUrl built = url.build();
                yield new Wire(built, webhook.display() + built.encodedPath()
                        + (built.encodedQuery() == null ? "" : "?" + built.encodedQuery()), call.payload());
            }
        };
    }

    /** A body for the log: the routing key (the only secret a body holds) as {@code ****}. */
    static String masked(String body) {
        JsonNode node = PagerWebhooks.read(body);
        if (node instanceof ObjectNode object && object.has("routing_key")) {
            object.put("routing_key", MASK);
        }
        return node.toString();
    }

    /** PagerDuty's four levels by the severity's place in opsbot.yaml: critical, error, warning, then info. */
    String pagerDutySeverity(String severity) {
        return switch (rank(severity)) {
            case 0 -> "critical";
            case 1 -> "error";
            case 2 -> "warning";
            default -> "info";
        };
    }

    /** Opsgenie's P1…P5 by the severity's place in opsbot.yaml (the fifth and later are P5). */
    String opsgeniePriority(String severity) {
        return "P" + (Math.min(rank(severity), 4) + 1);
    }

    private int rank(String severity) {
        // A severity no longer in the file (a walk from before a change) is taken as the least severe.
        return severityRanks.getOrDefault(severity, Integer.MAX_VALUE - 1);
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = PagerWebhooks.object().arrayNode();
        values.forEach(array::add);
        return array;
    }

    /** A detail as Opsgenie's string: a list as "a, b". */
    private static String text(JsonNode value) {
        if (!value.isArray()) {
            return value.asText();
        }
        List<String> items = new java.util.ArrayList<>();
        value.elements().forEachRemaining(v -> items.add(v.asText()));
        return String.join(", ", items);
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
