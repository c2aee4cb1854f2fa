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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acks repeated deliveries of an Events API event without handling them again. Every delivery
 * is checked, not only those with {@code X-Slack-Retry-Num}: a first delivery that timed out
 * on Slack's side may still be running here when the retry arrives.
 *
 * <p>A delivery counts as handled only once its handler returned without failing: a handler
 * that fails (the database going away between the delivery's record and the handler's own
 * writes) answers 5xx and its delivery is forgotten, so Slack's retry is handled, once.
 */
final class EventDeduplication implements Middleware {
    private static final Logger LOG = LoggerFactory.getLogger(EventDeduplication.class);

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
        if (eventId == null || eventId.isJsonNull()) {
            return chain.next(req);
        }
        String id = eventId.getAsString();
        switch (ledger.claim(id)) {
            case NEW -> {
                return handle(id, req, chain);
            }
            case HANDLING -> {
                // Another delivery is being handled, or its handler died mid-way: Slack asks
                // again later, when it is either handled (a duplicate) or up for a new handling.
                meters.counter("opsbot.slack.events.in_progress").increment();
                return Response.error(503);
            }
            case HANDLED -> {
                meters.counter("opsbot.slack.events.duplicates").increment();
                return Response.ok();
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private Response handle(String id, Request req, MiddlewareChain chain) throws Exception {
        Response response;
        try {
            response = chain.next(req);
        } catch (Exception | Error e) {
            forget(id, e);
            throw e;
        }
        if (response.getStatusCode() != null && response.getStatusCode() >= 500) {
            forget(id, null);
            return response;
        }
        try {
            ledger.handled(id);
        } catch (RuntimeException e) {
            // The handler's work committed; answering 5xx now would have it done twice. The
            // claim runs out unmarked, which only matters if Slack delivers again anyway.
            LOG.warn("Event {} was handled but could not be recorded as handled: {}", id, e.toString());
        }
        return response;
    }

    private void forget(String id, Throwable cause) {
        try {
            ledger.failed(id);
        } catch (RuntimeException e) {
            // Most likely the same outage that failed the handler: the claim runs out instead.
            LOG.warn("Event {} failed and could not be forgotten; a retry after its claim runs out handles it: {}",
                    id, e.toString());
            if (cause != null) {
                cause.addSuppressed(e);
            }
        }
    }
}
