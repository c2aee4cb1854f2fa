package org.opsbot.bot.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: method, path, status, latency. Deliberately nothing else: query
 * strings, headers and bodies can carry tokens and Slack's {@code response_url}.
 */
final class AccessLog implements Filter {

    private static final Logger log = LoggerFactory.getLogger("org.opsbot.http.access");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            log.info("{} {} {} {}ms", req.prologue().method().text(), req.path().path(),
                    res.status().code(), (System.nanoTime() - started) / 1_000_000);
        }
    }
}
