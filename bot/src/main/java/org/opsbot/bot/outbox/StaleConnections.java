package org.opsbot.bot.outbox;

import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.internal.http2.ConnectionShutdownException;
import okhttp3.internal.http2.ErrorCode;
import okhttp3.internal.http2.StreamResetException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Kept-alive connections to Slack that its side closed under the bot. Slack's edge, an egress
 * proxy or a load balancer may close a pooled connection at any time, with or without saying so,
 * or answer HTTP/1.0 and close after every answer. OkHttp 4.12 reuses a pooled connection for a
 * POST without looking at it unless it has been idle for 10 s, so the next request on it is
 * written into a closed connection and fails with "unexpected end of stream"; and its own
 * {@code retryOnConnectionFailure} would then send the request again, even though it had been
 * written and might have been acted on: a message posted twice. Instead:
 *
 * <ul>
 *   <li>before a request goes out on a connection that served one before, the connection is
 *       checked (a read of 1 ms: a closed one reads end of stream); a closed one is dropped and
 *       the request goes out on another at once, nothing of it having been sent;</li>
 *   <li>a request that failed on a reused connection before it was completely written (or that
 *       HTTP/2 refused before processing it) is sent again at once: Slack acts only on whole
 *       requests;</li>
 *   <li>a request that failed on a reused connection after it was written, before any answer,
 *       may or may not have been acted on. A call that may be repeated is sent again; for one
 *       that acts, the failure is a {@link ClosedAfterSending}, and the caller decides (the
 *       outbox looks for the message before posting it again).</li>
 * </ul>
 *
 * One instance serves the clients that share a connection pool, so a connection is known as
 * reused whichever client used it first.
 */
final class StaleConnections {
    private static final Logger LOG = LoggerFactory.getLogger(StaleConnections.class);

    /**
     * A request was written on a kept-alive connection, and the connection ended before any
     * answer came: Slack may or may not have acted on it.
     */
    static final class ClosedAfterSending extends IOException {
        ClosedAfterSending(IOException cause) {
            super("Slack's side closed a kept-alive connection after the request was sent, before answering ("
                    + cause.getMessage() + ")", cause);
        }
    }

    /** The connection had been closed by Slack's side before the request was sent on it. */
    private static final class FoundClosed extends IOException {
        FoundClosed() {
            super("Slack's side had closed this kept-alive connection; nothing was sent on it");
        }
    }

    // What one try of a call found out: on which kind of connection, and how far it got.
    private static final class Attempt {
        volatile boolean reused;
        volatile boolean unsent;
        volatile boolean answered;
    }

    // Every closed connection the pool holds can be found before a fresh one is made.
    private final int maxTries;
    private final Set<Connection> used = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final Map<Call, Attempt> attempts = Collections.synchronizedMap(new WeakHashMap<>());

    /** @param pooled the most idle connections the clients' pool keeps */
    StaleConnections(int pooled) {
        this.maxTries = pooled + 2;
    }

    /**
     * Sets up {@code builder} for calls that act ({@code repeatable} false: a post, an
     * ephemeral message, a file share) or that may be sent twice without harm (true).
     * OkHttp's own retry stays off for calls that act.
     */
    OkHttpClient.Builder guard(OkHttpClient.Builder builder, boolean repeatable) {
        return builder
                .retryOnConnectionFailure(repeatable)
                .addInterceptor(chain -> tried(chain, repeatable))
                .addNetworkInterceptor(this::checked)
                .eventListenerFactory(call -> new Progress());
    }

    private Response tried(Interceptor.Chain chain, boolean repeatable) throws IOException {
        Call call = chain.call();
        for (int tries = 1; ; tries++) {
            Attempt attempt = new Attempt();
            attempts.put(call, attempt);
            try {
                return chain.proceed(chain.request());
            } catch (IOException e) {
                boolean unsent = attempt.unsent || refusedUnprocessed(e);
                if (call.isCanceled() || !attempt.reused || attempt.answered
                        || (e instanceof InterruptedIOException && !unsent)) {
                    throw e; // not a connection closed under the call: a timeout, an outage, …
                }
                if (!unsent && !repeatable) {
                    throw new ClosedAfterSending(e);
                }
                if (tries >= maxTries) {
                    throw e;
                }
                LOG.debug("{} {}: kept-alive connection closed by Slack's side ({}); trying a fresh one",
                        chain.request().method(), chain.request().url().encodedPath(), e.getMessage());
            } finally {
                attempts.remove(call);
            }
        }
    }

    private Response checked(Interceptor.Chain chain) throws IOException {
        Connection connection = chain.connection();
        Attempt attempt = attempts.getOrDefault(chain.call(), new Attempt());
        attempt.reused = connection != null && !used.add(connection);
        attempt.unsent = false;
        attempt.answered = false;
        boolean http1 = connection != null
                && (connection.protocol() == Protocol.HTTP_1_1 || connection.protocol() == Protocol.HTTP_1_0);
        if (attempt.reused && http1 && closedByPeer(connection.socket())) {
            attempt.unsent = true;
            throw new FoundClosed();
        }
        return chain.proceed(chain.request());
    }

    /**
     * Whether the other side has closed an idle HTTP/1 connection: reading from it for 1 ms
     * finds its end (or, from a server about to close it, an unasked-for answer such as
     * "408 Request Timeout"); a live idle connection has nothing to read. OkHttp makes the same
     * check itself, but for a POST only after 10 s of idleness. Never for HTTP/2, whose reader
     * thread owns the socket.
     */
    static boolean closedByPeer(Socket socket) {
        if (socket.isClosed() || socket.isInputShutdown() || socket.isOutputShutdown()) {
            return true;
        }
        int timeout;
        try {
            timeout = socket.getSoTimeout();
        } catch (IOException e) {
            return true;
        }
        try {
            socket.setSoTimeout(1);
            socket.getInputStream().read();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        } finally {
            try {
                socket.setSoTimeout(timeout);
            } catch (IOException ignored) {
                // closed meanwhile: the call fails and says so
            }
        }
    }

    /**
     * HTTP/2 says when a request was not processed: a stream refused (RFC 9113, 8.7: "can be
     * safely retried") or a connection shut down before the stream started.
     */
    private static boolean refusedUnprocessed(IOException e) {
        return e instanceof ConnectionShutdownException
                || e instanceof StreamResetException reset && reset.errorCode == ErrorCode.REFUSED_STREAM;
    }

    /** Records how far a try got: a request that failed while being written never arrived whole. */
    private final class Progress extends EventListener {
        @Override
        public void requestFailed(Call call, IOException e) {
            Attempt attempt = attempts.get(call);
            if (attempt != null) {
                attempt.unsent = true;
            }
        }

        @Override
        public void responseHeadersEnd(Call call, Response response) {
            Attempt attempt = attempts.get(call);
            if (attempt != null) {
                attempt.answered = true;
            }
        }
    }
}
