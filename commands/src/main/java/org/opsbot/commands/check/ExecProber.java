package org.opsbot.commands.check;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures {@link Probe.Exec}: an allow-listed program, started by {@link Programs} (no shell,
 * a scrubbed environment, its whole process tree killed on timeout).
 */
final class ExecProber {

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
        Programs.Ended ended;
        try {
            ended = Programs.run(argv, timeout, cancellation);
        } catch (IOException e) {
            throw new ProbeException("cannot start " + probe.command() + ": " + e.getMessage());
        }
        if (ended.timedOut()) {
            throw new ProbeException(Errors.timedOut(timeout) + "; " + probe.command() + " and its children were killed");
        }
        String text = ended.output();
        int exit = ended.exitCode();
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

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
