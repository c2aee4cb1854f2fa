package org.opsbot.bot.actions;

import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.model.ActionRequest;

/**
 * How an approval request's plan is shown, wherever it is (the request's message, {@code /ops
 * approvals}, the Home tab). A runbook action's plan is what will run, shown as code, exactly. Any
 * other kind's (ad hoc maintenance) is opsbot's own sentence, whose times are shown as Slack dates
 * in the reader's time zone rather than as the instants it stores.
 */
public final class RequestPlans {
    private RequestPlans() {
    }

    /** The plan of {@code r} as mrkdwn, whole. */
    public static String shown(ActionRequest r) {
        return r.isAction() ? SlackText.code(r.plan()) : SlackText.dated(r.plan());
    }

    /** The plan of {@code r} as mrkdwn, at most {@code max} characters of it. */
    public static String shown(ActionRequest r, int max) {
        return r.isAction() ? SlackText.code(r.plan(), max) : SlackText.fit(SlackText.dated(r.plan()), max);
    }
}
