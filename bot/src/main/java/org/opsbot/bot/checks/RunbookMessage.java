package org.opsbot.bot.checks;

import org.opsbot.bot.slack.text.SlackText;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionObject;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.commands.check.Check;
import org.opsbot.commands.model.ChecklistTick;
import org.opsbot.bot.actions.ActionsFeature;
import org.opsbot.commands.runbook.Action;
import org.opsbot.commands.runbook.Runbook;
import org.opsbot.commands.runbook.RunbookChecklists;
import org.opsbot.commands.runbook.Schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.checkboxes;

/**
 * {@code /ops runbook <name>}: what a runbook checks, its manual checklist as checkboxes (who
 * ticked what, and when), its actions and its schedule.
 *
 * <p>Each checkbox group's block id carries the runbook and the time the view was posted, so a
 * tick can re-render the message it was made on with the ticks made since then.
 */
final class RunbookMessage {
    /** The checklist's checkboxes; the block id says which message and runbook (see {@link ChecklistBlock}). */
    static final String CHECKLIST_ACTION = "check.tick";

    // Slack: at most 10 options per checkbox group, 75 characters per option text.
    private static final int OPTIONS_PER_GROUP = 10;
    private static final int OPTION_CHARS = 75;

    private RunbookMessage() {
    }

    /** A checklist group: since when ticks are shown, the runbook, and which group of ten items. */
    record ChecklistBlock(Instant since, String runbook, int group) {
        String id() {
            return "checklist|" + since.toEpochMilli() + "|" + group + "|" + runbook;
        }

        static Optional<ChecklistBlock> parse(String blockId) {
            if (blockId == null) {
                return Optional.empty();
            }
            String[] parts = blockId.split("\\|", 4);
            if (parts.length != 4 || !parts[0].equals("checklist")) {
                return Optional.empty();
            }
            try {
                return Optional.of(new ChecklistBlock(Instant.ofEpochMilli(Long.parseLong(parts[1])), parts[3],
                        Integer.parseInt(parts[2])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * @param since   the time the view was first posted; ticks from then on are shown
     * @param ticks   the runbook's ticks since then, oldest first
     */
    static SlackMessage view(Runbook runbook, String slash, Instant since, List<ChecklistTick> ticks) {
        List<LayoutBlock> blocks = new ArrayList<>();
        String head = ":book: *" + SlackText.escape(runbook.title()) + "* (" + SlackText.code(runbook.name()) + ") · team *"
                + SlackText.escape(runbook.team()) + "*"
                + runbook.description().map(d -> "\n" + SlackText.escape(SlackText.cut(d.strip(), 1_500))).orElse("");
        blocks.add(section(s -> s.text(markdownText(head))));

        if (!runbook.checks().isEmpty()) {
            List<String> lines = new ArrayList<>();
            lines.add("*Checks* — " + SlackText.code(slash + " check " + runbook.name()) + " runs them");
            runbook.checks().forEach(c -> lines.add(checkLine(c)));
            ReportMessage.sections(lines, 6).forEach(text -> blocks.add(section(s -> s.text(markdownText(text)))));
        }
        if (!runbook.schedules().isEmpty()) {
            String text = "*Runs by itself:* " + String.join("; ", runbook.schedules().stream()
                    .map(RunbookMessage::scheduleLine).toList());
            blocks.add(context(c -> c.elements(List.of(markdownText(SlackText.fit(text, 2_900))))));
        }

        if (!runbook.checklist().isEmpty()) {
            blocks.add(divider());
            blocks.add(section(s -> s.text(markdownText("*Checklist* — tick what you have done; who and when is recorded"))));
            Map<Integer, ChecklistTick> first = RunbookChecklists.firstTicks(runbook, ticks);
            List<String> items = runbook.checklist();
            for (int from = 0, group = 0; from < items.size() && blocks.size() < ReportMessage.MAX_BLOCKS - 4;
                 from += OPTIONS_PER_GROUP, group++) {
                int to = Math.min(items.size(), from + OPTIONS_PER_GROUP);
                List<OptionObject> options = new ArrayList<>();
                List<OptionObject> ticked = new ArrayList<>();
                List<String> notes = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    List<String> parts = boxText((i + 1) + ". " + items.get(i));
                    OptionObject option = OptionObject.builder().text(plainText(parts.get(0)))
                            .description(parts.get(1).isEmpty() ? null : plainText(parts.get(1)))
                            .value(Integer.toString(i)).build();
                    options.add(option);
                    ChecklistTick tick = first.get(i);
                    if (!parts.get(2).isEmpty()) {
                        notes.add((i + 1) + ". …" + SlackText.escape(parts.get(2)));
                    }
                    if (tick != null) {
                        ticked.add(option);
                        notes.add(":ballot_box_with_check: " + (i + 1) + " ticked by " + SlackText.user(tick.tickedBy()) + " "
                                + SlackText.date(tick.tickedAt()));
                    }
                }
                String blockId = new ChecklistBlock(since, runbook.name(), group).id();
                blocks.add(actions(a -> a.blockId(blockId).elements(List.of(checkboxes(c -> c.actionId(CHECKLIST_ACTION)
                        .options(options).initialOptions(ticked.isEmpty() ? null : ticked))))));
                if (!notes.isEmpty()) {
                    String text = SlackText.fit(String.join("\n", notes), 2_900);
                    blocks.add(context(c -> c.elements(List.of(markdownText(text)))));
                }
            }
        }

        if (!runbook.actions().isEmpty()) {
            blocks.add(divider());
            int room = Math.max(1, ReportMessage.MAX_BLOCKS - blocks.size() - 2);
            if (runbook.actions().size() + 1 <= room) {
                // One section each, so every action gets its own Run… button (the actions feature's form).
                blocks.add(section(s -> s.text(markdownText("*Actions* — press Run… for a form, or type "
                        + SlackText.code(slash + " run " + runbook.name() + "/<action> name=value … why")))));
                runbook.actions().forEach(a -> blocks.add(section(s -> s.text(markdownText(SlackText.fit(actionLine(a), 2_900)))
                        .accessory(ActionsFeature.runButton(runbook.name() + "/" + a.id())))));
            } else {
                List<String> lines = new ArrayList<>();
                lines.add("*Actions* — run one with " + SlackText.code(slash + " run " + runbook.name() + "/<action> name=value … why"));
                runbook.actions().forEach(a -> lines.add(actionLine(a)));
                ReportMessage.sections(lines, room).forEach(text -> blocks.add(section(s -> s.text(markdownText(text)))));
            }
        }

        String about = SlackText.code(String.valueOf(runbook.file().getFileName())) + " · shown " + SlackText.date(since)
                + (runbook.checklist().isEmpty() ? "" : " · ticks since then are shown");
        blocks.add(context(c -> c.elements(List.of(markdownText(about)))));
        blocks.add(actions(a -> a.elements(List.of(ReportMessage.runButton("Run the checks", runbook.name())))));

        long done = RunbookChecklists.firstTicks(runbook, ticks).size();
        String fallback = SlackText.plain(runbook.title(), 150) + " (" + SlackText.escape(runbook.name()) + "): " + runbook.checks().size() + " checks, "
                + (runbook.checklist().isEmpty() ? "no checklist" : done + "/" + runbook.checklist().size() + " checklist items ticked")
                + ", " + runbook.actions().size() + " actions";
        return SlackMessage.of(fallback, blocks);
    }

    /**
     * A checklist item in the parts a box shows, each said once: the box's label (at most 75
     * characters, cut between words), its description (the next 75), and what is left for the
     * line beside the box; empty parts are "".
     */
    static List<String> boxText(String item) {
        String rest = SlackText.label(item, Integer.MAX_VALUE);
        List<String> parts = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            if (rest.length() <= OPTION_CHARS) {
                parts.add(rest);
                rest = "";
                continue;
            }
            int space = rest.lastIndexOf(' ', OPTION_CHARS - 1);
            int end = space > OPTION_CHARS / 2 ? space : OPTION_CHARS - 1;
            if (Character.isHighSurrogate(rest.charAt(end - 1))) {
                end--;
            }
            parts.add(rest.substring(0, end) + "…");
            rest = rest.substring(end).strip();
        }
        parts.add(rest);
        return parts;
    }

    private static String checkLine(Check c) {
        StringBuilder line = new StringBuilder("• *").append(SlackText.escape(c.name())).append("* — ")
                .append(c.probe().kind()).append(": ").append(SlackText.escape(SlackText.cut(c.probe().describe(), 300)));
        c.warn().ifPresent(t -> line.append(" · warn ").append(SlackText.escape(t.toString())));
        c.crit().ifPresent(t -> line.append(" · crit ").append(SlackText.escape(t.toString())));
        if (!c.timeout().equals(Check.DEFAULT_TIMEOUT)) {
            line.append(" · timeout ").append(ReportMessage.duration(c.timeout()));
        }
        return line.toString();
    }

    private static String scheduleLine(Schedule s) {
        return SlackText.code(s.cron()) + " (" + s.timeZone().getId() + ")" + s.channel().map(c -> " → " + SlackText.channel(c)).orElse(" → the team's channel");
    }

    private static String actionLine(Action a) {
        StringBuilder line = new StringBuilder("• ").append(SlackText.code(a.id())).append(" — ").append(SlackText.escape(a.title()));
        if (!a.params().isEmpty()) {
            line.append(" (").append(String.join(", ", a.params().stream().map(RunbookMessage::paramText).toList())).append(")");
        }
        a.approval().ifPresentOrElse(
                ap -> line.append(" · needs ").append(ap.count()).append(" approval").append(ap.count() == 1 ? "" : "s")
                        .append(" from ").append(SlackText.escape(ap.role())).append(" within ").append(minutes(ap.within())),
                () -> line.append(" · runs without approval"));
        line.append(" · risk ").append(a.risk().name().toLowerCase(java.util.Locale.ROOT));
        return line.toString();
    }

    private static String paramText(Action.Param p) {
        String kind = switch (p.type()) {
            case ENUM -> "one of " + String.join(", ", p.values());
            case INTEGER -> "a number" + (p.min().isPresent() || p.max().isPresent()
                    ? " " + p.min().map(String::valueOf).orElse("…") + "–" + p.max().map(String::valueOf).orElse("…") : "");
            case STRING -> "text";
        };
        return SlackText.escape(p.name() + ": " + kind + p.defaultValue().map(d -> ", default " + d).orElse(""));
    }

    private static String minutes(Duration d) {
        return d.toMinutes() % 60 == 0 && d.toHours() > 0 ? d.toHours() + " h" : d.toMinutes() + " min";
    }
}
