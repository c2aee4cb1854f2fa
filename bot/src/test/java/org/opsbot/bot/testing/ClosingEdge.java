package org.opsbot.bot.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slack's edge as a load balancer or corporate proxy may be: in front of {@link RateLimitedSlack},
 * it answers one request per connection and then closes the connection, with or without
 * saying so, or ({@link Style#CLOSES_UNDER_THE_NEXT}, {@link Style#ACTS_THEN_CLOSES_UNDER_THE_NEXT})
 * keeps the connection and closes it under the next request, as when the client's request
 * crosses the edge's close. Requests are forwarded to the fake Slack behind it, which records
 * and rate-limits them as usual; a connection the fake resets is closed without an answer.
 */
public final class ClosingEdge implements AutoCloseable {

    /** How the edge closes a connection after its answer. */
    public enum Style {
        /**
         * The hard case: an HTTP/1.1 answer that promises nothing about the connection (so the
         * client may keep it), and the connection closed right after it.
         */
        SILENT,
        /** An HTTP/1.1 answer with {@code Connection: close}. */
        CONNECTION_CLOSE,
        /** An HTTP/1.0 answer (no keep-alive), as an old proxy gives. */
        HTTP_1_0,
        /**
         * The first answer keeps the connection; the next request on it is read whole, then
         * the connection is closed without an answer and without Slack seeing the request.
         */
        CLOSES_UNDER_THE_NEXT,
        /**
         * As {@link #CLOSES_UNDER_THE_NEXT}, but Slack gets and acts on the next request before
         * the connection is closed without its answer.
         */
        ACTS_THEN_CLOSES_UNDER_THE_NEXT
    }

    private static final int MAX_HEADERS = 64 * 1024;

    private final String upstream;
    private final Style style;
    private final ServerSocket listener;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger closedUnanswered = new AtomicInteger();
    private final AtomicInteger closedUnderRequests = new AtomicInteger();

    /** Starts an edge on a free loopback port in front of {@code slack}. */
    public ClosingEdge(RateLimitedSlack slack, Style style) {
        this.upstream = slack.apiUrl().replaceFirst("/api/$", "");
        this.style = style;
        try {
            listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the closing edge", e);
        }
        Thread.ofPlatform().daemon().name("closing-edge").start(this::accept);
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + listener.getLocalPort() + "/api/";
    }

    /** Connections the edge accepted: one per answer it gave, plus those it closed unanswered. */
    public int connections() {
        return connections.get();
    }

    public int answered() {
        return answered.get();
    }

    /**
     * Connections closed without an answer: the client sent nothing on them (it found them
     * closed before using them), or the fake Slack behind reset the call.
     */
    public int closedUnanswered() {
        return closedUnanswered.get();
    }

    /** Requests read whole on a kept connection and closed without an answer. */
    public int closedUnderRequests() {
        return closedUnderRequests.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.incrementAndGet();
                open.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int served = 0; ; served++) {
                Request request = read(in);
                if (request == null) {
                    if (served == 0) {
                        closedUnanswered.incrementAndGet();
                    }
                    return;
                }
                if (served > 0) {
                    if (style == Style.ACTS_THEN_CLOSES_UNDER_THE_NEXT) {
                        forward(request);
                    }
                    closedUnderRequests.incrementAndGet();
                    return;
                }
                HttpResponse<byte[]> answer = forward(request);
                if (answer == null) {
                    // The fake Slack reset the call: so does the edge.
                    socket.setSoLinger(true, 0);
                    closedUnanswered.incrementAndGet();
                    return;
                }
                OutputStream out = socket.getOutputStream();
                out.write(head(answer).getBytes(StandardCharsets.ISO_8859_1));
                out.write(answer.body());
                out.flush();
                answered.incrementAndGet();
                if (style != Style.CLOSES_UNDER_THE_NEXT && style != Style.ACTS_THEN_CLOSES_UNDER_THE_NEXT) {
                    return; // try-with-resources closes the connection right after the answer
                }
            }
        } catch (IOException | InterruptedException e) {
            closedUnanswered.incrementAndGet();
        } finally {
            open.remove(socket);
        }
    }

    /** The fake Slack's answer to {@code request}, or null when it reset the call. */
    private HttpResponse<byte[]> forward(Request request) throws InterruptedException {
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + request.path()))
                .timeout(Duration.ofSeconds(10))
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        for (String header : new String[] {"content-type", "authorization"}) {
            String value = request.headers().get(header);
            if (value != null) {
                forward.header(header, value);
            }
        }
        try {
            return http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return null;
        }
    }

    private String head(HttpResponse<byte[]> answer) {
        StringBuilder head = new StringBuilder(style == Style.HTTP_1_0 ? "HTTP/1.0 " : "HTTP/1.1 ")
                .append(answer.statusCode()).append(answer.statusCode() == 429 ? " Too Many Requests" : " OK").append("\r\n");
        answer.headers().firstValue("content-type").ifPresent(v -> head.append("Content-Type: ").append(v).append("\r\n"));
        answer.headers().firstValue("retry-after").ifPresent(v -> head.append("Retry-After: ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(answer.body().length).append("\r\n");
        if (style == Style.CONNECTION_CLOSE) {
            head.append("Connection: close\r\n");
        }
        return head.append("\r\n").toString();
    }

    private record Request(String method, String path, Map<String, String> headers, byte[] body) {
    }

    /** One HTTP/1.1 request, or null when the connection ends before a whole one arrived. */
    private static Request read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || head.size() > MAX_HEADERS) {
                return null;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length < 3) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            return null;
        }
        return new Request(requestLine[0], requestLine[1], headers, body);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
