package org.opsbot.bot.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: method, path, status, latency. Deliberately nothing else: query
 * strings, headers and bodies can carry tokens and Slack's {@code response_url}. A calendar
 * feed's path is itself its credential, so it is logged without it.
 */
final class AccessLog implements Filter {

    private static final Logger log = LoggerFactory.getLogger("org.opsbot.http.access");
    /** {@code GET /calendar/<token>.ics}: the token is the secret. */
    private static final String CALENDAR = "/calendar/";

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            String path = masked(req.prologue().uriPath().path());
            // Probes and scrapes come every few seconds; they would drown what matters.
            boolean routine = path.startsWith("/health/") || path.equals("/metrics");
            if (routine ? log.isDebugEnabled() : log.isInfoEnabled()) {
                String line = "{} {} {} {}ms";
                Object[] args = {req.prologue().method().text(), path, res.status().code(),
                        (System.nanoTime() - started) / 1_000_000};
                if (routine) {
                    log.debug(line, args);
                } else {
                    log.info(line, args);
                }
            }
        }
    }

    static String masked(String path) {
        return path.startsWith(CALENDAR) ? CALENDAR + "***" : path;
    }
}
