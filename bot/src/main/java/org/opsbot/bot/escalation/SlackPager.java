package org.opsbot.bot.escalation;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.escalation.OnCallRoster;
import org.opsbot.commands.escalation.Pager;
import org.opsbot.commands.model.Walk;
import org.opsbot.commands.model.WalkEvent;
import org.opsbot.commands.model.Subject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;


/**
 * Pages a tier in Slack: each person outside Do Not Disturb gets a direct message with
 * Acknowledge and Escalate buttons (or a line in the DM gathering their pages during a storm:
 * {@link LivingPages}), and the subject's thread says who was paged and who could not be reached.
 * Everything goes through the outbox.
 */
final class SlackPager implements Pager {
    static final String ACK = "escalation.ack";
    static final String ESCALATE = "escalation.escalate";

    private static final java.time.format.DateTimeFormatter UTC_TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC);

    private final Outbox outbox;
    private final Subjects subjects;
    private final DoNotDisturb dnd;
    private final Optional<PagerWebhooks> webhooks;
    private final LivingPages pages;

    SlackPager(Outbox outbox, Subjects subjects, DoNotDisturb dnd, Optional<PagerWebhooks> webhooks, LivingPages pages) {
        this.outbox = outbox;
        this.subjects = subjects;
        this.dnd = dnd;
        this.webhooks = webhooks;
        this.pages = pages;
    }

    @Override
    public Result page(Walk walk, OnCallRoster.TierOnCall tier, String why) {
        Optional<Subject> named = Subject.parse(walk.subject());
        Optional<Subjects.Description> subject = named.flatMap(subjects::find);
        String title = subject.map(Subjects.Description::title).orElse(walk.subject());
        List<String> reached = new ArrayList<>();
        List<String> unreachable = new ArrayList<>(tier.unresolved());
        for (OnCallRoster.Person person : tier.people()) {
            Optional<java.time.Instant> quietUntil = dnd.until(person.userId());
            if (quietUntil.isPresent()) {
                // Said to the engine as plain text with a mention (it keeps it in the walk's
                // history and audit); made mrkdwn where a thread shows it.
                unreachable.add("<@" + person.userId() + "> is in Do Not Disturb until " + UTC_TIME.format(quietUntil.get()));
                continue;
            }
            pages.page(person.userId(), walk, tier, why);
            reached.add(person.userId());
        }
        List<String> paged = List.copyOf(reached);
        if (tier.tier().webhook().isPresent()) {
            // Queued, not sent: the worker sends it. Counted on unless that pager's last call failed.
            String label = "pager webhook " + tier.tier().webhook().get().display();
            if (webhooks.isEmpty()) {
                unreachable.add(label + " is not set up in this process");
            } else {
                PagerWebhooks.Outcome outcome = webhooks.get().page(walk, tier, why, title,
                        subject.flatMap(Subjects.Description::link), paged);
                if (outcome.reached()) {
                    reached.add(label);
                } else {
                    unreachable.add(label + ": " + outcome.detail());
                }
            }
        }
        if (!reached.isEmpty()) {
            // A tier nobody could be reached in is told by tell(UNREACHABLE), with the walk's words.
            subject.flatMap(Subjects.Description::threadParent).ifPresent(parent -> outbox.reply(parent, SlackMessage.text(
                    threadNote(tier, why, reached, unreachable))));
        }
        named.ifPresent(s -> subjects.paged(s, paged));
        return new Result(reached, unreachable);
    }

    /** The subject's walk or the subject itself changed: the page DMs that list it are redrawn. */
    @Override
    public void changed(Walk walk) {
        pages.changed(walk.subject());
    }

    @Override
    public void settled(Walk walk, Settled how) {
        webhooks.ifPresent(w -> w.settled(walk, how));
    }

    @Override
    public void tell(Walk walk, WalkEvent event) {
        String emoji = switch (event.kind()) {
            case UNREACHABLE -> ":warning:";
            case REPEATED -> ":repeat:";
            case ENDED -> ":checkered_flag:";
            case REOPENED -> ":rotating_light:";
            // Told only when the tier counts as reached without a page: its one person knows by their own act.
            case NOTIFIED -> ":mega:";
            default -> null;
        };
        if (emoji == null) {
            return;
        }
        String detail = event.detail();
        // The walk's words: plain text that may name people. A NOTIFIED detail starts with the tier's name.
        String text = emoji + " Escalation: " + SlackText.person(event.kind() == WalkEvent.Kind.NOTIFIED ? detail
                : Character.toLowerCase(detail.charAt(0)) + detail.substring(1)) + ".";
        Subject.parse(walk.subject()).flatMap(subjects::find).flatMap(Subjects.Description::threadParent)
                .ifPresent(parent -> outbox.reply(parent, SlackMessage.text(text)));
    }

    private static String threadNote(OnCallRoster.TierOnCall tier, String why, List<String> reached, List<String> unreachable) {
        StringBuilder note = new StringBuilder(":mega: Tier " + tier.number() + " (" + SlackText.plain(tier.name(), 80) + ")");
        if (!reached.isEmpty()) {
            note.append(" paged ").append(String.join(", ", reached.stream()
                    .map(u -> u.startsWith("pager webhook") ? SlackText.escape(u) : SlackText.user(u)).toList()));
        } else {
            note.append(" could not be reached");
        }
        note.append(" — ").append(SlackText.person(why, 500)).append('.');
        if (!unreachable.isEmpty()) {
            note.append("\nNot reached: ").append(String.join("; ", unreachable.stream().map(SlackText::person).toList())).append('.');
        }
        return note.toString();
    }
}
