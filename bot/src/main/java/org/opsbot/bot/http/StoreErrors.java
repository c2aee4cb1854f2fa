package org.opsbot.bot.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.opsbot.commands.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * What an HTTP caller hears when the database fails under its request. A database that cannot
 * take work right now (locked, down, unreachable) is a 503 with {@code Retry-After}, so a
 * webhook sender retries and nothing is lost; anything else is a bug, a 500. Nothing was
 * stored either way: every write is one transaction.
 */
public final class StoreErrors implements ErrorHandler<StoreException> {
    private static final Logger log = LoggerFactory.getLogger(StoreErrors.class);

    /** How long callers are asked to wait; Alertmanager retries on its own schedule anyway. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    /** The error of a 503: says what happened and that nothing was kept. */
    public static final String UNAVAILABLE = "opsbot cannot store anything right now: its database is unavailable. "
            + "Nothing of this request was kept; send it again later.";
    private static final String INTERNAL = "internal error; the details are in opsbot's log";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void handle(ServerRequest req, ServerResponse res, StoreException e) {
        if (res.isSent()) {
            return;
        }
        if (e.unavailable()) {
            log.warn("{} {}: 503, the database is unavailable: {}", req.prologue().method().text(), req.path().path(),
                    e.getMessage());
            unavailable(res);
        } else {
            log.error("{} {} failed", req.prologue().method().text(), req.path().path(), e);
            res.status(Status.INTERNAL_SERVER_ERROR_500).header(HeaderValues.CONTENT_TYPE_JSON).send(error(INTERNAL));
        }
    }

    /** Answers 503 with {@code Retry-After} and {@link #UNAVAILABLE} as its {@code error}. */
    public static void unavailable(ServerResponse res) {
        res.status(Status.SERVICE_UNAVAILABLE_503)
                .header(HeaderNames.RETRY_AFTER, Long.toString(RETRY_AFTER.toSeconds()))
                .header(HeaderValues.CONTENT_TYPE_JSON)
                .send(error(UNAVAILABLE));
    }

    /** {@code {"error": message}}, as every JSON answer of the bot names its error. */
    private static byte[] error(String message) {
        try {
            return JSON.writeValueAsBytes(Map.of("error", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of one string is always JSON", e);
        }
    }
}
