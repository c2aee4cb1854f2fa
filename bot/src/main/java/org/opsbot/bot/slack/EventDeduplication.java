package org.opsbot.bot.slack;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareChain;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestType;
import com.slack.api.bolt.request.builtin.EventRequest;
import com.slack.api.bolt.response.Response;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Acks repeated deliveries of an Events API event without handling them again. Every delivery
 * is checked, not only those with {@code X-Slack-Retry-Num}: a first delivery that timed out
 * on Slack's side may still be running here when the retry arrives.
 */
final class EventDeduplication implements Middleware {

    private final EventLedger ledger;
    private final MeterRegistry meters;

    EventDeduplication(EventLedger ledger, MeterRegistry meters) {
        this.ledger = ledger;
        this.meters = meters;
    }

    @Override
    public Response apply(Request req, Response resp, MiddlewareChain chain) throws Exception {
        if (req.getRequestType() != RequestType.Event) {
            return chain.next(req);
        }
        JsonElement eventId = JsonParser.parseString(((EventRequest) req).getRequestBodyAsString())
                .getAsJsonObject().get("event_id");
        if (eventId == null || eventId.isJsonNull() || ledger.firstDelivery(eventId.getAsString())) {
            return chain.next(req);
        }
        meters.counter("opsbot.slack.events.duplicates").increment();
        return Response.ok();
    }
}
