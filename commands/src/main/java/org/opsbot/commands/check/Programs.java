package org.opsbot.commands.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts allow-listed programs the one safe way, for {@code exec} checks and actions alike:
 * directly (never through a shell), with an environment scrubbed down to {@code PATH} and
 * {@code LANG} so no bot secret reaches the child, stdin closed, output captured up to a
 * limit, and the whole process tree killed on timeout or cancel.
 */
public final class Programs {
    static final int MAX_OUTPUT = 64 * 1024;
    private static final String SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Programs() {
    }

    /**
     * How a program ended.
     *
     * @param exitCode meaningless when {@code timedOut}
     * @param output   stdout and stderr together, at most 64 KiB
     */
    public record Ended(int exitCode, String output, boolean timedOut) {
    }

    /** Runs {@code argv} (program first) to its end or {@code timeout}. */
    public static Ended run(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        return run(argv, timeout, new Cancellation());
    }

    static Ended run(List<String> argv, Duration timeout, Cancellation cancellation) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", SAFE_PATH);
        env.put("LANG", "C.UTF-8");
        Process process = builder.start();
        process.getOutputStream().close();
        cancellation.onCancel(() -> killTree(process));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> drain(process.getInputStream(), output));
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        if (!finished) {
            killTree(process);
        } else {
            // A child that inherited stdout can hold the pipe open after the program exits.
            reader.join(Duration.ofMillis(500));
            killTree(process);
        }
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        return new Ended(finished ? process.exitValue() : -1, text, !finished);
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    if (out.size() < MAX_OUTPUT) {
                        out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
                    }
                }
            }
        } catch (IOException ignored) {
            // the process was killed; what was read so far is all there is
        }
    }

    /** Children first, so none is re-parented to init and left running. */
    static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
