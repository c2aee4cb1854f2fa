package org.opsbot.bot.oncall;

import com.slack.api.model.block.LayoutBlock;
import org.opsbot.bot.outbox.SlackMessage;
import org.opsbot.bot.slack.text.SlackText;
import org.opsbot.commands.model.CoverRequest;

import java.util.List;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

/** A cover request in the teams' channels: open with its Take it button, then who covers it. */
final class CoverMessages {
    /** Take it, on an open request; its value is the request's id. */
    static final String TAKE = "oncall.take-cover";

    private CoverMessages() {
    }

    /** The outbox key of the request's message in {@code channel}: posted once, found again to update it. */
    static String key(long id, String channel) {
        return "cover:" + id + ":" + channel;
    }

    static SlackMessage open(CoverRequest r) {
        OnCallText text = OnCallText.slack();
        String line = ":sos: " + SlackText.user(r.requestedBy()) + " asks for cover of schedule " + SlackText.code(r.schedule())
                + " from " + text.time(r.from()) + " until " + text.time(r.until())
                + (r.reason().isBlank() ? "" : ": " + SlackText.escape(r.reason())) + ". Any other member of the schedule can take it.";
        List<LayoutBlock> blocks = List.of(
                section(s -> s.text(markdownText(line))),
                actions(a -> a.blockId("cover-" + r.id()).elements(List.of(
                        button(b -> b.actionId(TAKE).text(plainText("Take it")).value(Long.toString(r.id())).style("primary"))))));
        return SlackMessage.of(line, blocks);
    }

    static SlackMessage covered(CoverRequest r, String by) {
        OnCallText text = OnCallText.slack();
        return SlackMessage.text(":white_check_mark: " + SlackText.user(by) + " covers " + text.time(r.from()) + " – "
                + text.time(r.until()) + " for " + SlackText.user(r.requestedBy()) + " (schedule " + SlackText.code(r.schedule()) + ").");
    }
}
