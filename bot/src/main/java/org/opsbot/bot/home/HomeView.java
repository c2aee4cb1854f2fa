package org.opsbot.bot.home;

import org.opsbot.commands.maintenance.Maintenance;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import org.opsbot.bot.actions.RequestPlans;
import org.opsbot.bot.alerts.AlertsFeature;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.model.ActionRequest;
import org.opsbot.commands.model.Incident;
import org.opsbot.commands.model.StoredAlertGroup;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.view.Views.view;

/**
 * One person's App Home as Block Kit: their shifts, their teams' open alert groups (each with
 * the Acknowledge button of the group's channel message), the approvals waiting for them and
 * their own, and their incidents. A Home holds at most {@link #MAX_BLOCKS} blocks; each list is
 * cut to its share and says how many more there are.
 */
final class HomeView {
    /** Slack's limit for a Home tab view. */
    static final int MAX_BLOCKS = 100;
    // Each list's share of the 100 blocks; with the headers, dividers and "and N more" lines
    // the whole view stays within the limit however long the lists are.
    static final int GROUPS = 40;
    static final int APPROVALS = 12;
    static final int OWN = 8;
    static final int INCIDENTS = 12;
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);

    private HomeView() {
    }

    static View of(HomeContent c) {
        List<LayoutBlock> blocks = new ArrayList<>();
        ZoneId zone = c.zone().orElse(UTC);
        String teams = c.teams().isEmpty() ? "no team yet"
                : String.join(", ", c.teams().stream().map(t -> SlackText.escape(t.name())).toList());
        blocks.add(header(h -> h.text(plainText("Your on-call"))));
        blocks.add(context(x -> x.elements(List.of(markdownText("Teams: *" + teams + "* · times in "
                + SlackText.escape(zone.getId()) + (c.zone().isEmpty() ? " (your Slack time zone was not at hand)" : "")
                + " · `/ops help` lists every command")))));
        if (c.teams().isEmpty()) {
            blocks.add(section(s -> s.text(markdownText("You belong to no team in opsbot.yaml. You belong to a team when"
                    + " you are in its responders role, on a schedule its tiers use, named in its tiers, or listed under"
                    + " its `members:`."))));
        }

        blocks.add(divider());
        blocks.add(section(s -> s.text(markdownText(shifts(c, zone)))));

        blocks.add(divider());
        blocks.add(header(h -> h.text(plainText("Open alert groups of your teams (" + c.groups().size() + ")"))));
        list(blocks, c.groups(), GROUPS, "No open alert groups.", HomeView::group, "`/ops alerts`");

        blocks.add(divider());
        blocks.add(header(h -> h.text(plainText("Approvals waiting for you (" + c.waiting().size() + ")"))));
        list(blocks, c.waiting(), APPROVALS, "Nothing waits for your approval.", r -> section(s -> s.text(
                markdownText(SlackText.fit(request(r), 2_900)))), "`/ops approvals`");
        if (!c.own().isEmpty()) {
            blocks.add(context(x -> x.elements(List.of(markdownText("*Your requests waiting for approval ("
                    + c.own().size() + ")*")))));
            list(blocks, c.own(), OWN, "", r -> section(s -> s.text(markdownText(SlackText.fit(request(r), 2_900)))),
                    "`/ops approvals`");
        }

        blocks.add(divider());
        blocks.add(header(h -> h.text(plainText("Your open incidents (" + c.incidents().size() + ")"))));
        list(blocks, c.incidents(), INCIDENTS, "No open incidents you command or were paged for.", HomeView::incident,
                "`/ops incident`");

        blocks.add(divider());
        blocks.add(header(h -> h.text(plainText("Maintenance of your teams"))));
        blocks.add(section(s -> s.text(markdownText(maintenance(c, zone)))));

        if (blocks.size() > MAX_BLOCKS) {
            throw new IllegalStateException("the App Home has " + blocks.size() + " blocks; Slack takes " + MAX_BLOCKS);
        }
        return view(v -> v.type("home").blocks(blocks));
    }

    private static <T> void list(List<LayoutBlock> blocks, List<T> items, int shown, String none,
                                 Function<T, LayoutBlock> block, String command) {
        if (items.isEmpty()) {
            if (!none.isEmpty()) {
                blocks.add(context(x -> x.elements(List.of(markdownText(none)))));
            }
            return;
        }
        items.subList(0, Math.min(shown, items.size())).forEach(i -> blocks.add(block.apply(i)));
        if (items.size() > shown) {
            blocks.add(context(x -> x.elements(List.of(markdownText("…and " + (items.size() - shown) + " more: "
                    + command + " lists them.")))));
        }
    }

    private static String shifts(HomeContent c, ZoneId zone) {
        StringBuilder text = new StringBuilder(c.onCallNow() ? ":rotating_light: *You are on call now.*"
                : ":palm_tree: *You are not on call now.*");
        if (c.shifts().isEmpty()) {
            text.append("\nNo shifts of yours in the next 90 days.");
        }
        for (HomeContent.ScheduledShift s : c.shifts()) {
            text.append("\n• ").append(s.covers(c.at()) ? "*now* " : "").append(SlackText.escape(s.schedule())).append(": ")
                    .append(time(s.shift().from(), zone)).append(" – ").append(time(s.shift().until(), zone))
                    .append(s.shift().override().isPresent() ? " (override)" : "");
        }
        text.append("\nThe next two weeks: `/ops schedule` · who each tier would page: `/ops oncall`.");
        return text.toString();
    }

    private static String maintenance(HomeContent c, ZoneId zone) {
        if (c.maintenance().isEmpty()) {
            return "No maintenance running or planned. `/ops maintenance` lists every team's.";
        }
        StringBuilder text = new StringBuilder();
        for (Maintenance.Upcoming w : c.maintenance()) {
            boolean now = !w.from().isAfter(c.at()) && w.until().isAfter(c.at());
            text.append(text.isEmpty() ? "" : "\n").append("• ").append(now ? ":construction: *now* " : "")
                    .append(SlackText.escape(w.team())).append(": ").append(SlackText.plain(w.title(), 80)).append(", ")
                    .append(now ? "until " + time(w.until(), zone) : time(w.from(), zone) + " – " + time(w.until(), zone))
                    .append(w.reason() == null || w.reason().isBlank() ? "" : " · " + SlackText.plain(w.reason(), 120));
        }
        return SlackText.fit(text.toString(), 2_900);
    }

    private static String time(Instant at, ZoneId zone) {
        return WHEN.format(at.atZone(zone));
    }

    private static LayoutBlock group(StoredAlertGroup g) {
        boolean firing = g.lifecycle().ackedBy() == null;
        String text = (firing ? ":rotating_light: " : ":eyes: ") + "*" + SlackText.plain(g.title(), 150) + "*"
                + (g.severity() == null ? "" : " · " + SlackText.plain(g.severity(), 20))
                + " · " + SlackText.plain(g.route().team(), 40) + " · `" + g.id() + "`"
                + "\nsince " + SlackText.date(g.openedAt())
                + (firing ? "" : " · acknowledged by " + SlackText.user(g.lifecycle().ackedBy()))
                + (g.mutes().snoozedUntil() != null ? " · :zzz: until " + SlackText.date(g.mutes().snoozedUntil()) : "")
                + (g.mutes().silenceId() != null ? " · :mute: silenced" : "");
        if (!firing) {
            return section(s -> s.text(markdownText(text)));
        }
        return section(s -> s.text(markdownText(text)).accessory(button(b -> b.actionId(AlertsFeature.ACK_BUTTON)
                .text(plainText("Acknowledge")).style("primary").value(Long.toString(g.id())))));
    }

    private static String request(ActionRequest r) {
        return "*#" + r.id() + " " + SlackText.plain(r.title(), 150) + "* · " + SlackText.code(r.reference())
                + (r.isAction() ? "\nRuns " : "\nStarts ") + RequestPlans.shown(r, 300) + " · asked by " + SlackText.user(r.requester()) + " "
                + SlackText.date(r.createdAt()) + " · " + r.approvers().size() + " of " + r.needed() + " approval(s)";
    }

    private static LayoutBlock incident(Incident i) {
        return section(s -> s.text(markdownText(":fire: *#" + i.id() + " " + SlackText.plain(i.title(), 150) + "* · "
                + SlackText.plain(i.severity(), 20) + i.team().map(t -> " · " + SlackText.plain(t, 40)).orElse("")
                + "\ncommander " + SlackText.user(i.commander()) + " · declared " + SlackText.date(i.declaredAt())
                + (i.ackedAt().isEmpty() ? " · not acknowledged" : ""))));
    }
}
