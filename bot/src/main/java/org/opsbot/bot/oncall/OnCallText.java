package org.opsbot.bot.oncall;

import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.config.Durations;
import org.opsbot.commands.escalation.OnCallRoster;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A team's roster as lines a person reads: one per tier, in order, with when it is notified,
 * whom it notifies and why a tier would be passed over. The same lines serve Slack (with
 * mentions and {@code <!date>} times) and the terminal (plain ids and times in a zone).
 */
public final class OnCallText {
    private static final DateTimeFormatter TERMINAL = DateTimeFormatter.ofPattern("EEE d MMM HH:mm z", Locale.ENGLISH);

    private final Function<String, String> person;
    private final Function<Instant, String> time;
    private final Function<String, String> words;

    private OnCallText(Function<String, String> person, Function<Instant, String> time, Function<String, String> words) {
        this.person = person;
        this.time = time;
        this.words = words;
    }

    /** Mentions and times every reader sees in their own zone; names from opsbot.yaml escaped. */
    static OnCallText slack() {
        return new OnCallText(SlackText::user,
                at -> SlackText.date(at, "{date_short_pretty} {time}", TERMINAL.format(at.atZone(ZoneId.of("UTC")))),
                SlackText::escape);
    }

    /** Plain user ids and times in {@code zone}, for {@code opsbot oncall}. */
    public static OnCallText terminal(ZoneId zone) {
        return new OnCallText(id -> id, at -> TERMINAL.format(at.atZone(zone)), s -> s);
    }

    public String time(Instant at) {
        return time.apply(at);
    }

    public List<String> tiers(List<OnCallRoster.TierOnCall> roster) {
        List<String> lines = new ArrayList<>();
        for (OnCallRoster.TierOnCall tier : roster) {
            StringBuilder line = new StringBuilder();
            line.append(tier.number()).append(". *").append(words.apply(tier.name())).append("* · ")
                    .append(tier.after().isZero() ? "at once" : "after " + Durations.format(tier.after()));
            if (!tier.tier().severities().isEmpty()) {
                line.append(" · ").append(words.apply(String.join(", ", tier.tier().severities().stream().sorted().toList()))).append(" only");
            }
            if (!tier.tier().match().isEmpty()) {
                line.append(" · alerts labelled ").append(words.apply(tier.tier().match().describe())).append(" only");
            }
            line.append(" → ");
            List<String> names = new ArrayList<>();
            for (OnCallRoster.Person p : tier.people()) {
                String name = person.apply(p.userId());
                if (p.shift().isPresent()) {
                    name += " (" + words.apply(p.via()) + ", until " + time.apply(p.shift().get().until()) + ")";
                } else if (p.via().startsWith("member of")) {
                    name += " (" + words.apply(p.via().substring("member of ".length())) + ")";
                }
                names.add(name);
            }
            names.addAll(tier.unresolved().stream().map(u -> "_" + words.apply(u) + "_").toList());
            line.append(names.isEmpty() ? "_nobody_" : String.join(", ", names));
            tier.notApplicable().ifPresent(reason -> line.append(" — _passed over: ").append(words.apply(reason)).append("_"));
            if (tier.people().isEmpty() && tier.notApplicable().isEmpty()
                    && tier.unresolved().stream().noneMatch(u -> u.contains("not known yet"))) {
                // A gap in its schedule, an empty group: paging this tier would reach no one.
                line.append(" — *reaches nobody*");
                tier.nobodyUntil().ifPresent(until -> line.append(" until ").append(time.apply(until)));
            }
            lines.add(line.toString());
        }
        if (roster.isEmpty()) {
            lines.add("_This team has no escalation tiers: nobody is paged for its alerts._");
        }
        return lines;
    }

    /** Without mrkdwn's bold and italics, for the notification text; {@code <!date^…{date_short}…>} stays whole. */
    public static String plain(String mrkdwn) {
        return mrkdwn.replace("*", "").replaceAll("(^|[\\s(])_|_($|[\\s).,])", "$1$2");
    }
}
