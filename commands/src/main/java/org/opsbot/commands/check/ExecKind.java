package org.opsbot.commands.check;

import org.opsbot.commands.model.Status;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code exec}: an allow-listed program on the host (or container) the bot runs on, started by
 * {@link Programs} (no shell, a scrubbed environment, its whole process tree killed on timeout).
 */
public final class ExecKind implements CheckKind<ExecKind.Exec> {

    /**
     * An allow-listed program run without a shell.
     *
     * @param outputPattern a regular expression the output must contain a match of; its first
     *                      group, if any, is the value compared with thresholds
     */
    public record Exec(String command, List<String> args, int expectedExitCode, Optional<String> outputPattern) implements Probe {
        public Exec {
            args = List.copyOf(args);
        }

        @Override
        public String describe() {
            List<String> all = new ArrayList<>();
            all.add(command);
            all.addAll(args);
            return String.join(" ", all) + (expectedExitCode == 0 ? "" : " (exit " + expectedExitCode + ")");
        }
    }

    @Override
    public String key() {
        return "exec";
    }

    @Override
    public List<String> settings() {
        return List.of("command", "args", "exit-code", "output");
    }

    @Override
    public Class<Exec> probeType() {
        return Exec.class;
    }

    @Override
    public Optional<Exec> parse(KindSettings f) {
        Optional<String> command = f.string("command", true);
        command.filter(c -> !f.allowList().allows(c)).ifPresent(c -> f.problem(f.line("command"),
                "the program " + c + " is not allow-listed",
                "add it to the exec allow-list of the bot's configuration (now: " + f.allowList() + "), or check another way"));
        List<String> args = f.strings("args");
        long exit = f.integer("exit-code", false, 0, 255).orElse(0L);
        Optional<String> output = f.regex("output");
        return command.map(c -> new Exec(c, args, (int) exit, output));
    }

    @Override
    public Measurement measure(Exec probe, ProbeContext context) throws ProbeException, IOException, InterruptedException {
        ExecAllowList allowList = context.allowList();
        Duration timeout = context.timeout();
        if (!allowList.allows(probe.command())) {
            throw new ProbeException("the program " + probe.command() + " is not allow-listed (allowed: " + allowList + ")");
        }
        List<String> argv = new ArrayList<>();
        argv.add(probe.command());
        argv.addAll(probe.args());
        Programs.Ended ended;
        try {
            ended = Programs.run(argv, timeout, context.cancellation());
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
