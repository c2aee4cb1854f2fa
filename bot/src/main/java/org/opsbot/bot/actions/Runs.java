package org.opsbot.bot.actions;

import org.opsbot.bot.outbox.Outbox;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.approval.Approvals;
import org.opsbot.commands.model.ActionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * What happens in Slack as a request moves on: its message is posted once and then only
 * updated in place; notes, the output and the result go into its thread. Called on the
 * handler executor, never before an ack.
 */
final class Runs {
    private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

    private final Approvals approvals;
    private final Outbox outbox;
    private final boolean offerBreakGlass;

    /** @param offerBreakGlass whether someone may break glass, so waiting requests show the button */
    Runs(Approvals approvals, Outbox outbox, boolean offerBreakGlass) {
        this.approvals = approvals;
        this.outbox = outbox;
        this.offerBreakGlass = offerBreakGlass;
    }

    private SlackMessage message(ActionRequest r) {
        return ActionMessages.request(r, offerBreakGlass);
    }

    /**
     * A new request: one without approval (or break glass) is claimed and run at once; one that
     * needs approval is posted with its buttons.
     *
     * @param askedIn the channel the requester typed in, told where the request went
     */
    void started(ActionRequest r, String askedIn) {
        if (r.needed() == 0) {
            Optional<ActionRequest> claimed = approvals.claim(r);
            if (claimed.isEmpty()) {
                LOG.warn("action request {} could not be claimed right after it was made", r.id());
                return;
            }
            ActionRequest running = claimed.get();
            long message = outbox.postOnce(key(running), running.channel(), message(running));
            approvals.attachMessage(running, message);
            if (!askedIn.equals(running.channel())) {
                outbox.ephemeral(askedIn, r.requester(), SlackMessage.text((r.breakGlass()
                        ? "Break glass: running " : "Running ") + SlackText.plain(r.title(), 150) + " now; follow it in "
                        + SlackText.channel(running.channel())));
            }
            run(running, message, r.requester(), false);
            return;
        }
        // Once per request: a procedure whose process died before the request's message was
        // noted asks for it again (Procedures.Listener#actionRequested), and finds this post.
        long message = outbox.postOnce(key(r), r.channel(), message(r));
        approvals.attachMessage(r, message);
        outbox.ephemeral(askedIn, r.requester(), SlackMessage.text("Asked for approval of " + SlackText.plain(r.title(), 150) + " in "
                + SlackText.channel(r.channel()) + " (request #" + r.id() + "). It runs once "
                + (r.needed() == 1 ? "someone" : r.needed() + " people") + " from " + SlackText.escape(r.approverRole().orElse("?"))
                + " approve" + (r.needed() == 1 ? "s" : "") + "."));
    }

    /**
     * A request a schedule made: claimed, posted to its channel and run now, without approval.
     *
     * @return how it ended; empty when it could not be claimed (it did not run)
     */
    Optional<Approvals.RanRequest> bySchedule(ActionRequest r, Optional<String> note) {
        Optional<ActionRequest> claimed = approvals.claim(r);
        if (claimed.isEmpty()) {
            LOG.warn("scheduled action request {} could not be claimed right after it was made", r.id());
            return Optional.empty();
        }
        ActionRequest running = claimed.get();
        long message = outbox.post(running.channel(), message(running));
        approvals.attachMessage(running, message);
        note.ifPresent(n -> outbox.reply(message, ActionMessages.note(n)));
        return Optional.of(run(running, message, r.requester(), false));
    }

    /** After a click: count it in the thread, or run when it completed the quorum. */
    void decided(Approvals.Approval outcome, String clicker, String clickedIn) {
        ActionRequest r = outcome.request();
        switch (outcome) {
            case Approvals.Approval.Refused refused -> {
                outbox.ephemeral(clickedIn, clicker, SlackMessage.text(":no_entry: " + SlackText.person(refused.why())));
                // The click may be what found the request expired, or came from a message left
                // showing its buttons (a crash before its redraw): the message must say it is closed.
                redraw(r);
            }
            case Approvals.Approval.Counted counted -> r.messageId().ifPresent(m -> {
                outbox.update(m, message(r));
                if (counted.have() < counted.need()) {
                    outbox.reply(m, ActionMessages.note(":ballot_box_with_check: " + SlackText.user(clicker) + " approved ("
                            + counted.have() + " of " + counted.need() + ")"));
                }
            });
            case Approvals.Approval.Approved approved -> {
                Optional<Long> message = r.messageId();
                if (message.isEmpty()) {
                    LOG.warn("approved action request {} has no message; running it anyway", r.id());
                }
                message.ifPresent(m -> outbox.reply(m, ActionMessages.note(":white_check_mark: " + SlackText.user(clicker)
                        + " approved; running it now")));
                run(r, message.orElse(null), clicker, true);
            }
            case Approvals.Approval.Rejected rejected -> rejected(rejected.request());
        }
    }

    /** Break glass on a waiting request: said loudly in the channel, then run like an approved one. */
    void brokeGlass(ActionRequest running) {
        String breaker = running.decidedBy().orElse("?");
        // Loud on purpose: everyone in the channel should know an approval was skipped.
        outbox.post(running.channel(), ActionMessages.note(":rotating_light: *BREAK GLASS* — " + SlackText.user(breaker)
                + " runs " + SlackText.plain(running.title(), 150) + " (request #" + running.id() + ") without approval: "
                + SlackText.person(running.decisionNote().orElse(""))).announcedHere());
        Optional<Long> message = running.messageId();
        message.ifPresent(m -> outbox.reply(m, ActionMessages.note(":rotating_light: " + SlackText.user(breaker)
                + " broke the glass; running it now")));
        run(running, message.orElse(null), breaker, true);
    }

    void rejected(ActionRequest r) {
        r.messageId().ifPresent(m -> {
            outbox.update(m, message(r));
            outbox.reply(m, ActionMessages.note(":no_entry: " + r.decidedBy().map(SlackText::user).orElse("?")
                    + " rejected this: " + SlackText.person(r.decisionNote().orElse("")) + "\n" + SlackText.user(r.requester())
                    + ", it will not run."));
        });
    }

    /** A closed request's message drawn again as it is now, for a click that came from an outdated one. */
    void redraw(ActionRequest r) {
        if (r.state().closed()) {
            r.messageId().ifPresent(m -> outbox.update(m, message(r)));
        }
    }

    /** Withdrawn because its procedure was cancelled: the message says by whom and when, without buttons. */
    void withdrawn(ActionRequest r) {
        r.messageId().ifPresent(m -> {
            outbox.update(m, message(r));
            outbox.reply(m, ActionMessages.note(":no_entry_sign: Withdrawn by " + r.decidedBy().map(SlackText::user).orElse("?")
                    + ": " + SlackText.escape(r.decisionNote().orElse("")) + ". " + SlackText.user(r.requester())
                    + ", it will not run."));
        });
    }

    /** The outbox key of a request's one message. */
    private static String key(ActionRequest r) {
        return "action-request:" + r.id();
    }

    /** Expired or interrupted while nobody was looking: the message says so, the thread tells the requester. */
    void closedBySweep(ActionRequest r) {
        r.messageId().ifPresent(m -> {
            outbox.update(m, message(r));
            String note = r.state() == ActionRequest.State.EXPIRED
                    ? ":hourglass: " + SlackText.user(r.requester()) + ", nobody approved this in time, so it will not run."
                    : ":warning: " + SlackText.user(r.requester()) + ", the bot stopped while this ran. It was not run again:"
                    + " check the target's state before asking again.";
            outbox.reply(m, ActionMessages.note(note));
        });
    }

    /** @param showRunning whether the message still shows the request as waiting */
    private Approvals.RanRequest run(ActionRequest running, Long message, String actor, boolean showRunning) {
        if (message != null && showRunning) {
            outbox.update(message, message(running));
        }
        Approvals.RanRequest ran = approvals.run(running, actor);
        if (message != null) {
            outbox.update(message, message(ran.request()));
            outbox.reply(message, ActionMessages.result(ran.request(), ran.result()));
        }
        return ran;
    }
}
