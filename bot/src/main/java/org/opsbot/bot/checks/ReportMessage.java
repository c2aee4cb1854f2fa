package org.opsbot.bot.checks;

import org.opsbot.bot.slack.text.SlackText;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.commands.model.CheckResult;
import org.opsbot.commands.model.RunReport;
import org.opsbot.commands.model.Status;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookChecks.RecordedRun;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

/**
 * The messages of a check run: "running…", its progress, and the report it ends with. Written
 * to be read on a phone at 3 a.m.: the verdict first, the problems before the checks that
 * passed, one line per check.
 */
final class ReportMessage {
    /** The button that runs a runbook (again); its value is the runbook's name. */
    static final String RUN_ACTION = "check.run";

    // Slack refuses a section text over 3,000 characters and a message over 50 blocks.
    static final int SECTION_CHARS = 2_900;
    static final int MAX_BLOCKS = 50;
    private static final int LINE_CHARS = 600;

    private ReportMessage() {
    }

    static SlackMessage progress(Runbook runbook, String actor, int done, int total) {
        String line = ":hourglass_flowing_sand: Running *" + SlackText.escape(runbook.name()) + "*: " + done + "/"
                + total + " checks done…";
        List<LayoutBlock> blocks = List.of(
                section(s -> s.text(markdownText(line))),
                context(c -> c.elements(List.of(markdownText(SlackText.escape(runbook.title()) + " · started by "
                        + ReportMessage.actor(actor))))));
        return SlackMessage.of("Running " + SlackText.escape(runbook.name()) + ": " + done + "/" + total + " checks done…", blocks);
    }

    static SlackMessage report(RecordedRun run) {
        return report(run, Optional.empty());
    }

    /** @param note an extra line under the report (a scheduled run that is late says so) */
    static SlackMessage report(RecordedRun run, Optional<String> note) {
        RunReport report = run.report();
        Status status = report.status();
        String headline = ReportMessage.emoji(status) + " *" + SlackText.escape(report.title()) + "*: *" + status + "* — "
                + report.summary();
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(headline))));

        List<String> lines = ordered(report).stream().map(ReportMessage::line).toList();
        // Room for the headline, the context and the button.
        int room = MAX_BLOCKS - 3;
        List<String> sections = sections(lines, room);
        sections.forEach(text -> blocks.add(section(s -> s.text(markdownText(text)))));

        String about = SlackText.code(report.runbook()) + " · run #" + run.id() + " by " + ReportMessage.actor(report.actor())
                + " · " + SlackText.date(report.startedAt()) + " · took " + ReportMessage.duration(report.duration())
                + note.map(n -> "\n" + n).orElse("");
        blocks.add(context(c -> c.elements(List.of(markdownText(about)))));
        blocks.add(actions(a -> a.elements(List.of(runButton("Run again", report.runbook())))));

        StringBuilder fallback = new StringBuilder(SlackText.escape(report.runbook()) + ": " + status + " — "
                + SlackText.escape(report.summary()));
        report.results().stream().filter(r -> r.status() != Status.OK).limit(5)
                .forEach(r -> fallback.append("\n").append(r.status()).append(" ").append(SlackText.plain(r.name(), 100))
                        .append(": ").append(SlackText.plain(r.message(), 300)));
        return SlackMessage.of(fallback.toString(), blocks);
    }

    /** When a run could not finish at all (the database was down, say): said plainly, with a retry. */
    static SlackMessage failed(Runbook runbook, String actor, String why) {
        String line = ":x: *" + SlackText.escape(runbook.title()) + "*: the checks could not run (" + SlackText.escape(why)
                + "). Details are in opsbot's log.";
        List<LayoutBlock> blocks = List.of(
                section(s -> s.text(markdownText(line))),
                context(c -> c.elements(List.of(markdownText(SlackText.code(runbook.name()) + " · started by " + ReportMessage.actor(actor))))),
                actions(a -> a.elements(List.of(runButton("Try again", runbook.name())))));
        return SlackMessage.of(SlackText.escape(runbook.name()) + ": the checks could not run (" + SlackText.escape(why) + ")", blocks);
    }

    /** {@code /ops check} without a name: every runbook with a button that runs it. */
    static SlackMessage list(List<Runbook> runbooks, String slash) {
        if (runbooks.isEmpty()) {
            return SlackMessage.text("There are no runbooks yet. Put YAML files in the runbooks folder"
                    + " (OPSBOT_RUNBOOKS); docs/runbooks.md shows the format.");
        }
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText("*Which runbook?* Click one to run its checks here, or type `"
                + slash + " check <name>`."))));
        int room = MAX_BLOCKS - 2;
        List<Runbook> shown = runbooks.size() <= room ? runbooks : runbooks.subList(0, room - 1);
        for (Runbook r : shown) {
            String text = "*" + SlackText.escape(r.name()) + "* — " + SlackText.escape(SlackText.cut(r.title(), 200))
                    + "\n_" + r.checks().size() + " check" + (r.checks().size() == 1 ? "" : "s") + " · team "
                    + SlackText.escape(r.team()) + "_";
            blocks.add(section(s -> s.text(markdownText(text)).accessory(runButton("Run", r.name()))));
        }
        if (shown.size() < runbooks.size()) {
            String rest = String.join(", ", runbooks.subList(shown.size(), runbooks.size()).stream().map(Runbook::name).toList());
            blocks.add(section(s -> s.text(markdownText(SlackText.fit("More: " + SlackText.escape(rest), SECTION_CHARS)))));
        }
        blocks.add(context(c -> c.elements(List.of(markdownText("Only you can see this list; the report is posted"
                + " to the channel.")))));
        String fallback = "Runbooks: " + SlackText.escape(String.join(", ", runbooks.stream().map(Runbook::name).toList()));
        return SlackMessage.of(fallback, blocks);
    }

    static String emoji(Status status) {
        return switch (status) {
            case OK -> ":white_check_mark:";
            case WARN -> ":warning:";
            case CRIT -> ":red_circle:";
            case ERROR -> ":x:";
        };
    }

    /** Who started a run, as a person reads it: a mention, "the schedule `0 6 * * *`" or "the terminal". */
    static String actor(String actor) {
        if (actor.startsWith("schedule:")) {
            return "the schedule " + SlackText.code(actor.substring("schedule:".length()));
        }
        if (actor.equals("cli")) {
            return "the terminal";
        }
        return SlackText.user(actor);
    }

    static String duration(java.time.Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return (ms / 60_000) + " min " + (ms % 60_000) / 1000 + " s";
    }

    static BlockElement runButton(String label, String runbook) {
        return button(b -> b.actionId(RUN_ACTION).text(plainText(SlackText.label(label, 75))).value(runbook));
    }

    /** Problems first (worst first), then what passed, each group in runbook order. */
    private static List<CheckResult> ordered(RunReport report) {
        return report.results().stream()
                .sorted(Comparator.comparingInt((CheckResult r) -> r.status() == Status.OK ? 1 : 0)
                        .thenComparing(r -> -r.status().ordinal())
                        .thenComparingInt(CheckResult::position))
                .toList();
    }

    static String line(CheckResult r) {
        String detail = r.message();
        if (r.threshold().isPresent() && !detail.contains(r.threshold().get())) {
            detail += " (" + r.threshold().get() + ")";
        }
        return SlackText.fit(emoji(r.status()) + " *" + SlackText.escape(r.name()) + "* — "
                + SlackText.escape(detail) + " · _" + duration(r.duration()) + "_", LINE_CHARS);
    }

    /** Lines grouped into section texts under Slack's limit; beyond {@code room} sections, a count. */
    static List<String> sections(List<String> lines, int room) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (current.length() > 0 && current.length() + 1 + line.length() > SECTION_CHARS) {
                if (out.size() == room - 1) {
                    current.append("\n…and ").append(lines.size() - i).append(" more");
                    break;
                }
                out.add(current.toString());
                current.setLength(0);
            }
            if (current.length() > 0) {
                current.append('\n');
            }
            current.append(line);
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out;
    }
}
