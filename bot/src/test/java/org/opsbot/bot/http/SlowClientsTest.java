package org.opsbot.bot.http;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opsbot.commands.config.HttpLimits;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow clients against the real HTTP server over loopback: a connection that sends half a
 * request is closed once its time is up, and the server keeps answering everyone else meanwhile.
 */
class SlowClientsTest {

    private static final byte[] HALF_A_REQUEST =
            "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Never-Finished: ".getBytes(StandardCharsets.US_ASCII);

    private OpsbotServer server;

    private void start(HttpLimits limits) {
        App app = new App(AppConfig.builder().singleTeamBotToken(null).signingSecret("secret").build(), new ArrayList<>());
        server = OpsbotServer.builder()
                .port(0)
                .limits(limits)
                .slackApp(app)
                .signingSecret(Optional.of("secret"))
                .seenSignatures((signature, signedAt) -> true)
                .databaseUp(() -> true)
                .slackStatus(SlackStatus::dryRun)
                .meters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .routes(routing -> routing
                        .post("/alerts/test", (req, res) -> {
                            try (InputStream in = req.content().inputStream()) {
                                res.send(Long.toString(in.transferTo(OutputStream.nullOutputStream())));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .get("/slow", (req, res) -> {
                            Thread.sleep(2_500);
                            res.send("done");
                        }))
                .start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void fiveHundredHalfSentRequestsAreClosedWhileHealthKeepsAnswering() throws Exception {
        // Long enough that opening 500 connections on a busy machine leaves them all open at the check.
        start(new HttpLimits(Duration.ofSeconds(8), Duration.ofSeconds(8), Duration.ofSeconds(30), 1_000));
        List<SocketChannel> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                channel.write(ByteBuffer.wrap(HALF_A_REQUEST));
                channel.configureBlocking(false);
                slow.add(channel);
            }

            assertThat(healthLive()).isEqualTo(200);
            assertThat(slow).as("still held by the server when /health/live answered").allMatch(c -> !closedByServer(c));

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && !slow.stream().allMatch(SlowClientsTest::closedByServer)) {
                Thread.sleep(100);
            }
            assertThat(slow).as("closed by the server after the header timeout").allMatch(SlowClientsTest::closedByServer);
            assertThat(healthLive()).isEqualTo(200);
        } finally {
            for (SocketChannel c : slow) {
                c.close();
            }
        }
    }

    @Test
    void headersThatTrickleInAByteAtATimeAreCutOffToo() throws Exception {
        start(new HttpLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30), 1_000));
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean cutOff = false;
            // Each byte comes well within the header timeout; all of them would take 20 s.
            for (int i = 0; i < 40 && !cutOff; i++) {
                Thread.sleep(500);
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException closed) {
                    cutOff = true;
                }
            }
            assertThat(cutOff).as("the server closed the connection while bytes still came").isTrue();
        }
    }

    @Test
    void aRequestBodyThatStopsHalfWayIsCutOff() throws Exception {
        start(new HttpLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30), 1_000));
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("POST /alerts/test HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n"
                    + "{\"alerts\":[").getBytes(StandardCharsets.US_ASCII));

            assertThat(readsToTheEnd(socket)).as("the server closed the connection").isTrue();
        }
    }

    @Test
    void aKeptAliveConnectionMayWaitLongerThanTheHeaderTimeoutButNotForEver() throws Exception {
        start(new HttpLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(4), 1_000));
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 200");
            Thread.sleep(2_000);

            assertThat(exchange(socket, "GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 200");
            assertThat(readsToTheEnd(socket)).as("the server closed the idle connection").isTrue();
        }
    }

    @Test
    void aHandlerThatTakesLongerThanEveryTimeoutStillAnswers() throws Exception {
        start(new HttpLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1_000));
        try (Socket socket = connect()) {
            assertThat(exchange(socket, "GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n")).startsWith("HTTP/1.1 200")
                    .endsWith("done");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        // Only a bound on the test: every server-side timeout above is much shorter.
        socket.setSoTimeout(30_000);
        return socket;
    }

    private int healthLive() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health/live"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Sends {@code request} and reads one answer (status line, headers and a Content-Length body). */
    private static String exchange(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = headers.lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Reads until the server closes the connection (true), or the test's own bound passes (false). */
    private static boolean readsToTheEnd(Socket socket) throws IOException {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // whatever the server said before closing
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static boolean closedByServer(SocketChannel channel) {
        try {
            return channel.read(ByteBuffer.allocate(256)) < 0;
        } catch (IOException reset) {
            return true;
        }
    }
}
