package org.opsbot.bot.maintenance;

import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.maintenance.Maintenance;
import org.opsbot.commands.model.MaintenanceWindow;

/** What maintenance says in Slack: the list, and the announcements in a team's channel. */
final class MaintenanceText {
    private MaintenanceText() {
    }

    static String overview(Maintenance.Overview overview) {
        StringBuilder text = new StringBuilder();
        if (overview.running().isEmpty()) {
            text.append("*No maintenance now.*");
        } else {
            text.append("*In maintenance now*");
            for (MaintenanceWindow w : overview.running()) {
                text.append("\n• *").append(SlackText.escape(w.team())).append("*: ").append(SlackText.escape(w.title()))
                        .append(" until ").append(SlackText.date(w.endsAt())).append(labels(w)).append(" — ")
                        .append(SlackText.plain(w.reason(), 200));
            }
        }
        if (overview.upcoming().isEmpty()) {
            text.append("\n*Next:* none planned.");
        } else {
            text.append("\n*Next*");
            for (Maintenance.Upcoming u : overview.upcoming()) {
                text.append("\n• *").append(SlackText.escape(u.team())).append("*: ").append(SlackText.escape(u.title()))
                        .append(", ").append(SlackText.date(u.from())).append(" until ").append(SlackText.date(u.until()))
                        .append(" — ").append(SlackText.plain(u.reason(), 200));
            }
        }
        return text.toString();
    }

    static String started(MaintenanceWindow w) {
        return ":construction: Maintenance started for *" + SlackText.escape(w.team()) + "*: " + SlackText.escape(w.title())
                + " until " + SlackText.date(w.endsAt()) + labels(w) + ". Its alerts are posted here, but nobody is paged. "
                + (w.windowName().isPresent() ? "" : "Started by " + SlackText.user(w.createdBy()) + ": ")
                + SlackText.plain(w.reason(), 300);
    }

    static String ended(MaintenanceWindow w) {
        return ":white_check_mark: Maintenance ended for *" + SlackText.escape(w.team()) + "*: " + SlackText.escape(w.title())
                + w.endedBy().map(by -> by.equals(Maintenance.REMOVED) ? ", ended as its window was removed from the configuration"
                        : ", ended by " + SlackText.user(by)).orElse("")
                + ". Alerts page again; any still firing escalate now.";
    }

    private static String labels(MaintenanceWindow w) {
        if (w.labels().isEmpty()) {
            return "";
        }
        return " (alerts with " + SlackText.escape(String.join(", ", w.labels().entrySet().stream()
                .map(e -> e.getKey() + "=" + String.join("|", e.getValue())).toList())) + ")";
    }
}
