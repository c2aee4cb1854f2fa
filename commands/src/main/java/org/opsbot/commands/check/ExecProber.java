package org.opsbot.commands.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures {@link Probe.Exec}: an allow-listed program started without a shell, with a
 * scrubbed environment (no bot secrets), killed with its whole process tree on timeout.
 */
final class ExecProber {
    private static final int MAX_OUTPUT = 64 * 1024;
    private static final String SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final ExecAllowList allowList;

    ExecProber(ExecAllowList allowList) {
        this.allowList = allowList;
    }

    Measurement measure(Probe.Exec probe, Duration timeout, Cancellation cancellation)
            throws ProbeException, IOException, InterruptedException {
        if (!allowList.allows(probe.command())) {
            throw new ProbeException("the program " + probe.command() + " is not allow-listed (allowed: " + allowList + ")");
        }
        List<String> argv = new ArrayList<>();
        argv.add(probe.command());
        argv.addAll(probe.args());
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", SAFE_PATH);
        env.put("LANG", "C.UTF-8");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ProbeException("cannot start " + probe.command() + ": " + e.getMessage());
        }
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
            throw new ProbeException(Errors.timedOut(timeout) + "; " + probe.command() + " and its children were killed");
        }
        // A child that inherited stdout can hold the pipe open after the program exits.
        reader.join(Duration.ofMillis(500));
        killTree(process);
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        int exit = process.exitValue();
        String firstLine = text.strip().lines().findFirst().orElse("");
        String lastLine = text.strip().lines().reduce((a, b) -> b).orElse("");
        if (exit != probe.expectedExitCode()) {
            return new Measurement(Status.CRIT, "exit " + exit, List.of(), "exit code " + exit + ", expected "
                    + probe.expectedExitCode() + (lastLine.isEmpty() ? "" : ": " + shorten(lastLine)));
        }
        List<Measurement.Sample> samples = new ArrayList<>();
        if (probe.outputPattern().isPresent()) {
            Matcher m = Pattern.compile(probe.outputPattern().get(), Pattern.MULTILINE).matcher(text);
            if (!m.find()) {
                return new Measurement(Status.CRIT, shorten(firstLine), List.of(),
                        "the output does not match /" + probe.outputPattern().get() + "/");
            }
            if (m.groupCount() >= 1 && m.group(1) != null) {
                if (!Numbers.isNumber(m.group(1))) {
                    throw new ProbeException("the output's value \"" + m.group(1) + "\" is not a number");
                }
                samples.add(new Measurement.Sample("output", Numbers.parse(m.group(1)), ""));
            }
        } else if (Numbers.isNumber(text.strip())) {
            samples.add(new Measurement.Sample("output", Numbers.parse(text.strip()), ""));
        }
        String observed = samples.isEmpty() ? shorten(firstLine) : samples.get(0).shown();
        return Measurement.ok(observed, "exit code " + exit + Optional.of(firstLine).filter(s -> !s.isEmpty())
                .map(s -> ": " + shorten(s)).orElse(""), samples);
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

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
