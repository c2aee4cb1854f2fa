package org.opsbot.bot.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy a test can cut and restore, to put a network fault between the bot and
 * a server (PostgreSQL, say) without stopping the server. {@link #cut()} resets every open
 * connection and refuses new ones, as a database that went away does; {@link #blackHole()}
 * swallows every byte of open and new connections and answers nothing, as a network that
 * silently drops packets does (no reset, no refusal: the peer waits); {@link #restore()}
 * forwards new connections again.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    // Sockets whose bytes vanish: those open when the black hole began, and those accepted
    // during it. They stay so after restore(): the bytes already lost would corrupt the stream.
    private final Set<Socket> swallowed = ConcurrentHashMap.newKeySet();
    private volatile boolean blackHole;
    private volatile ServerSocket listener;

    private TcpProxy(InetSocketAddress target, int port) {
        this.target = target;
        this.port = port;
    }

    /** Starts a proxy on a free loopback port, forwarding to {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        try {
            ServerSocket first = listen(0);
            TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port), first.getLocalPort());
            proxy.serve(first);
            return proxy;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a TCP proxy", e);
        }
    }

    public int port() {
        return port;
    }

    /** Connections accepted since start. */
    public int accepted() {
        return accepted.get();
    }

    /** Resets every open connection and refuses new ones until {@link #restore()}. */
    public synchronized void cut() {
        ServerSocket l = listener;
        listener = null;
        closeQuietly(l);
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // RST, not FIN: the peer sees "connection reset"
            } catch (SocketException ignored) {
                // already closed
            }
            closeQuietly(s);
        }
        open.clear();
        swallowed.clear();
    }

    /**
     * From now on nothing gets through and nothing is answered: open connections stay open but
     * their bytes vanish, new ones are accepted and then ignored. Until {@link #restore()}.
     */
    public synchronized void blackHole() {
        blackHole = true;
        swallowed.addAll(open);
    }

    /** Listens again on the same port, and forwards new connections. */
    public synchronized void restore() {
        blackHole = false;
        if (listener != null) {
            return;
        }
        try {
            serve(listen(port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on port " + port + " again", e);
        }
    }

    @Override
    public void close() {
        cut();
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    private void serve(ServerSocket l) {
        listener = l;
        Thread.ofVirtual().name("tcp-proxy-" + port).start(() -> {
            while (listener == l) {
                try {
                    Socket client = l.accept();
                    accepted.incrementAndGet();
                    if (blackHole) {
                        open.add(client);
                        swallowed.add(client);
                        pipe(client, null);
                        continue;
                    }
                    Socket server = new Socket();
                    try {
                        server.connect(target, 2_000);
                    } catch (IOException e) {
                        closeQuietly(client);
                        continue;
                    }
                    open.add(client);
                    open.add(server);
                    pipe(client, server);
                    pipe(server, client);
                } catch (IOException e) {
                    return; // the listener was closed by cut()
                }
            }
        });
    }

    private void pipe(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream();
                 OutputStream out = to == null ? OutputStream.nullOutputStream() : to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!swallowed.contains(from)) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException ignored) {
                // one side went away; the other is closed below
            } finally {
                open.remove(from);
                swallowed.remove(from);
                closeQuietly(from);
                if (to != null) {
                    open.remove(to);
                    swallowed.remove(to);
                    closeQuietly(to);
                }
            }
        });
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
