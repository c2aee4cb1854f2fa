package org.opsbot.bot.incidents;

import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;
import org.opsbot.bot.slack.ops.UsageException;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.incident.IncidentException;
import org.opsbot.commands.incident.Incidents;
import org.opsbot.commands.incident.PostmortemException;
import org.opsbot.commands.incident.Postmortems;
import org.opsbot.commands.model.Incident;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /ops postmortem [incident]}: renders the postmortem from the current timeline before the
 * ack, so a template error is the answer and nothing is posted; then the outbox shares the file
 * ({@code files.getUploadURLExternal}, the bytes, {@code files.completeUploadExternal}) and, once
 * it is up, a short summary below it, however long Slack is away.
 */
final class PostmortemCommand implements OpsCommand {
    private static final Pattern ID = Pattern.compile("#?(\\d{1,15})");

    private final Incidents incidents;
    private final Postmortems postmortems;

    PostmortemCommand(Incidents incidents, Postmortems postmortems) {
        this.incidents = incidents;
        this.postmortems = postmortems;
    }

    @Override
    public String name() {
        return "postmortem";
    }

    @Override
    public String usage() {
        return "[incident]";
    }

    @Override
    public String summary() {
        return "posts the postmortem of an incident, written from its timeline";
    }

    @Override
    public CommandReply handle(OpsInvocation in) throws UsageException {
        if (in.args().size() > 1) {
            throw new UsageException("Give at most the incident's id, e.g. `/ops postmortem 12`.");
        }
        Incident incident;
        Postmortems.Rendered rendered;
        try {
            if (in.args().isEmpty()) {
                incident = incidents.latestOfChannel(in.channelId());
            } else {
                Matcher m = ID.matcher(in.args().getFirst());
                if (!m.matches()) {
                    throw new UsageException(SlackText.code(in.args().getFirst(), 40) + " is not an incident id like `12`.");
                }
                incident = incidents.require(Long.parseLong(m.group(1)));
            }
            rendered = postmortems.render(incident.id());
        } catch (IncidentException e) {
            return CommandReply.ephemeral(":warning: " + SlackText.escape(e.getMessage()));
        } catch (PostmortemException e) {
            return CommandReply.ephemeral(":x: The postmortem template has a problem, so nothing was posted.\n"
                    + SlackText.escape(SlackText.cut(e.getMessage(), 2500)));
        }
        // A file's title is plain text in Slack, like a label.
        long file = in.outbox().shareFile(in.channelId(), rendered.fileName(), SlackText.label("Postmortem: " + incident.title(), 250),
                rendered.markdown(), in.userId());
        in.outbox().reply(file, SlackMessage.text(summary(incident)));
        return CommandReply.ephemeral(":hourglass_flowing_sand: Writing the postmortem of " + IncidentMessages.ref(incident) + "…");
    }

    static String summary(Incident i) {
        return ":page_facing_up: Postmortem of " + IncidentMessages.ref(i) + " (" + SlackText.escape(i.severity()) + ", " + (i.open() ? "still open" : "resolved")
                + "): acknowledged " + i.timeToAcknowledge().map(d -> "after " + Postmortems.duration(d)).orElse("by nobody")
                + " · mitigated " + i.timeToMitigate().map(d -> "after " + Postmortems.duration(d)).orElse("not yet")
                + " · resolved " + i.timeToResolve().map(d -> "after " + Postmortems.duration(d)).orElse("not yet")
                + ". Root cause, impact and follow-ups are yours to fill in.";
    }
}
