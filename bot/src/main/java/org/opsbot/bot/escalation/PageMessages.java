package org.opsbot.bot.escalation;

import com.slack.api.model.block.LayoutBlock;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.model.PageDm;
import org.opsbot.commands.model.Subject;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
 * A page DM as the person paged reads it, on a phone at 3 a.m.: one subject with its severity,
 * summary, group id, a link to its message, its runbook and where it stands; or, during a storm,
 * every subject paging them in one message, most severe first, with Acknowledge all. Redrawn
 * whole each time, with only the buttons that still make sense. Everything from outside (titles,
 * summaries, runbook names, reasons) is escaped here.
 */
final class PageMessages {
    /** Acknowledges every subject of a gathered page DM still open; its value is the DM's id. */
    static final String ACK_ALL = "escalation.ack-all";
    /** Lines a gathered DM or a thread reply shows before "and N more". */
    static final int SHOWN = 10;

    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private PageMessages() {
    }

    /**
     * One subject in a page DM as it stands now.
     *
     * @param severity    the subject's severity (the walk's when the subject has none)
     * @param rank        how severe: 0 is the most
     * @param escalatedTo the tier its walk has reached past the person's, if it has
     * @param link        where its message can be opened
     */
    record Line(PageDm.Page page, Optional<Subjects.Description> subject, String severity, int rank,
                Optional<String> escalatedTo, Optional<String> link) {

        Subjects.Standing standing() {
            return subject.map(Subjects.Description::standing).orElse(Subjects.Standing.OPEN);
        }

        boolean open() {
            return standing().open();
        }

        /** "#12 CDCReplicationLagHigh", unescaped (for a link's label) and cut. */
        String name() {
            String title = subject.map(Subjects.Description::title).orElse(page.subject());
            String ref = subject.map(Subjects.Description::ref).orElse("");
            return SlackText.cut((ref.isEmpty() ? "" : ref + " ") + title, 120);
        }

        /**
         * The name with the link on the part the bot made ({@code #12}, or "open"): a title from
         * outside never becomes a link's label, so it cannot dress up where a link goes.
         */
        String shownName() {
            String title = SlackText.plain(subject.map(Subjects.Description::title).orElse(page.subject()), 110);
            String ref = subject.map(Subjects.Description::ref).orElse("");
            if (link.isEmpty()) {
                return SlackText.escape(ref.isEmpty() ? "" : ref + " ") + title;
            }
            return ref.isEmpty() ? title + " · " + SlackText.link(link.get(), "open")
                    : SlackText.link(link.get(), ref) + " " + title;
        }

        Optional<String> summary() {
            return subject.flatMap(Subjects.Description::summary);
        }

        String channel() {
            return subject.map(Subjects.Description::channel).orElse("");
        }
    }

    /** The DM: one subject as a page of its own, several as a storm's list. */
    static SlackMessage dm(long dmId, List<Line> lines) {
        return lines.size() == 1 ? single(lines.getFirst()) : gathered(dmId, lines);
    }

    private static SlackMessage single(Line line) {
        PageDm.Page page = line.page();
        String severity = SlackText.plain(line.severity(), 20);
        String where = line.subject().map(s -> " in " + SlackText.channel(s.channel())).orElse("");
        String summary = line.summary().map(s -> "\n" + SlackText.plain(s, 300)).orElse("");
        String text = ":rotating_light: *You are paged* · *" + severity + "* · tier " + page.tier() + ": "
                + SlackText.plain(page.tierName(), 80) + "\n*" + line.shownName() + "*" + where + summary
                + "\n_" + SlackText.person(page.why(), 500) + "_";
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(text))));
        List<String> facts = new ArrayList<>();
        line.subject().filter(s -> !s.ref().isEmpty()).ifPresent(s -> facts.add("Group `" + SlackText.escape(s.ref().substring(1)) + "`"));
        line.subject().filter(s -> !s.team().isEmpty()).ifPresent(s -> facts.add("team *" + SlackText.plain(s.team(), 40) + "*"));
        line.subject().flatMap(Subjects.Description::runbook).ifPresent(r -> facts.add("runbook " + SlackText.code(r, 80)));
        if (!facts.isEmpty()) {
            blocks.add(context(c -> c.elements(List.of(markdownText(String.join(" · ", facts))))));
        }
        blocks.add(section(s -> s.text(markdownText(standing(line)))));
        if (line.open()) {
            String subject = page.subject();
            blocks.add(actions(a -> a.elements(List.of(
                    button(b -> b.actionId(SlackPager.ACK).value(subject).style("primary").text(plainText("Acknowledge"))),
                    button(b -> b.actionId(SlackPager.ESCALATE).value(subject).text(plainText("Escalate")))))));
            blocks.add(context(c -> c.elements(List.of(markdownText("Acknowledging stops the escalation; Escalate pages the next tier now.")))));
        }
        String fallback = "You are paged: " + severity + " " + SlackText.plain(line.name(), 120)
                + line.summary().map(s -> " — " + SlackText.plain(s, 150)).orElse("")
                + (line.open() ? "" : " (" + settledWord(line.standing()) + ")");
        return SlackMessage.of(fallback, blocks);
    }

    private static SlackMessage gathered(long dmId, List<Line> lines) {
        List<Line> ordered = new ArrayList<>(lines);
        ordered.sort(Comparator.comparingInt(Line::rank).thenComparing(l -> !l.open()));
        long open = lines.stream().filter(Line::open).count();
        boolean allGroups = lines.stream().allMatch(l -> l.page().subject().startsWith(Subject.Kind.ALERT_GROUP.prefix()));
        String noun = allGroups ? "alert groups" : "pages";
        List<String> channels = lines.stream().map(Line::channel).distinct().toList();
        String where = channels.size() == 1 && !channels.getFirst().isEmpty() ? " in " + SlackText.channel(channels.getFirst()) : "";
        String head = ":rotating_light: *" + lines.size() + " " + noun + where + " are paging you*"
                + (open == lines.size() ? "" : " · " + open + " still open");
        StringBuilder list = new StringBuilder();
        for (Line line : ordered.subList(0, Math.min(SHOWN, ordered.size()))) {
            list.append("\n• ").append(shortLine(line));
        }
        if (ordered.size() > SHOWN) {
            long moreOpen = ordered.subList(SHOWN, ordered.size()).stream().filter(Line::open).count();
            list.append("\n…and ").append(ordered.size() - SHOWN).append(" more (").append(moreOpen).append(" open)");
        }
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText(SlackText.fit(head + list, 3000)))));
        if (open > 0) {
            blocks.add(actions(a -> a.elements(List.of(button(b -> b.actionId(ACK_ALL).value(String.valueOf(dmId))
                    .style("primary").text(plainText("Acknowledge all (" + open + " open)")))))));
            blocks.add(context(c -> c.elements(List.of(markdownText("Each escalates on its own; open one to act on it alone. "
                    + "Acknowledge all acknowledges every one still open.")))));
        } else {
            blocks.add(context(c -> c.elements(List.of(markdownText(":white_check_mark: None of them is open any more.")))));
        }
        String fallback = lines.size() + " " + noun + where + " are paging you: " + String.join(", ", ordered.stream().limit(3)
                .map(l -> SlackText.plain(l.severity(), 20) + " " + SlackText.plain(l.name(), 60)).toList())
                + (ordered.size() > 3 ? " …" : "");
        return SlackMessage.of(fallback, blocks);
    }

    /**
     * The thread reply that notifies of pages that joined a DM already sent (an edit does not
     * notify): the pages of {@code lines}, in the order they came; {@code again} when the one
     * page is of a subject the DM already listed.
     */
    static SlackMessage reply(List<Line> lines, int total, boolean again) {
        String text;
        if (total == 1) {
            Line line = lines.getFirst();
            text = ":rotating_light: " + (again ? "Paging you again" : "Also paging you") + ": *" + SlackText.plain(line.severity(), 20) + "* " + line.shownName()
                    + line.summary().map(s -> " — " + SlackText.plain(s, 150)).orElse("")
                    + " (tier " + line.page().tier() + ": " + SlackText.plain(line.page().tierName(), 80) + ")";
        } else {
            StringBuilder list = new StringBuilder(":rotating_light: " + total + " more are paging you:");
            for (Line line : lines) {
                list.append("\n• *").append(SlackText.plain(line.severity(), 20)).append("* ").append(line.shownName())
                        .append(line.summary().map(s -> " — " + SlackText.plain(s, 100)).orElse(""));
            }
            if (total > lines.size()) {
                list.append("\n…and ").append(total - lines.size()).append(" more");
            }
            text = SlackText.fit(list.toString(), 3000);
        }
        return SlackMessage.text(text);
    }

    private static String shortLine(Line line) {
        String summary = line.summary().map(s -> " — " + SlackText.plain(s, 100)).orElse("");
        String state = switch (line.standing().state()) {
            case OPEN -> line.escalatedTo().map(t -> " · :arrow_double_up: escalated to " + SlackText.plain(t, 60)).orElse("");
            case ACKNOWLEDGED -> " · :white_check_mark: acked by " + by(line.standing()) + at(line.standing());
            case SNOOZED -> " · :zzz: snoozed" + line.standing().at().map(u -> " until " + time(u)).orElse("");
            case RESOLVED -> " · :heavy_check_mark: resolved" + at(line.standing());
        };
        return "*" + SlackText.plain(line.severity(), 20) + "* " + line.shownName() + summary + state;
    }

    /** Where the subject stands, who put it there and when. */
    private static String standing(Line line) {
        Subjects.Standing s = line.standing();
        return switch (s.state()) {
            case OPEN -> line.escalatedTo()
                    .map(t -> ":arrow_double_up: *Escalated past you:* " + SlackText.plain(t, 80) + " is paged now")
                    .orElse(":red_circle: *Not acknowledged*");
            case ACKNOWLEDGED -> ":white_check_mark: *Acknowledged* by " + by(s) + at(s);
            case SNOOZED -> ":zzz: *Snoozed* by " + by(s) + s.at().map(u -> " until " + time(u)).orElse("")
                    + "; paging starts again then";
            case RESOLVED -> ":heavy_check_mark: *Resolved* " + (s.by().filter("opsbot"::equals).isPresent() ? "at its source"
                    : "by " + by(s)) + at(s);
        };
    }

    private static String settledWord(Subjects.Standing s) {
        return switch (s.state()) {
            case ACKNOWLEDGED -> "acknowledged";
            case RESOLVED -> "resolved";
            case SNOOZED -> "snoozed";
            case OPEN -> "open";
        };
    }

    private static String by(Subjects.Standing s) {
        return s.by().filter(b -> !b.equals("opsbot")).map(SlackText::user).orElse("opsbot");
    }

    private static String at(Subjects.Standing s) {
        return s.at().map(t -> " at " + time(t)).orElse("");
    }

    /** A time each reader sees in their own zone; UTC where Slack cannot show that. */
    private static String time(Instant at) {
        return SlackText.date(at, "{time}", UTC_TIME.format(at));
    }
}
