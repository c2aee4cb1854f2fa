package org.opsbot.bot.outbox;

import com.slack.api.model.Attachment;
import com.slack.api.model.block.LayoutBlock;

import java.util.List;

/**
 * What a message says: a plain-text fallback (notifications, screen readers, and the dry-run
 * log) and Block Kit blocks built with Bolt's model classes.
 *
 * @param hereAnnouncement whether the message notifies everyone active in its channel
 *                         ({@code @here}). No text can do that (see
 *                         {@link org.opsbot.bot.slack.text.BroadcastGuard}); only a message the
 *                         code marks so, such as break glass's announcement, does.
 */
public record SlackMessage(String text, List<LayoutBlock> blocks, List<Attachment> attachments, boolean hereAnnouncement) {

    public SlackMessage {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a Slack message needs a text fallback");
        }
        blocks = blocks == null ? List.of() : List.copyOf(blocks);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    public SlackMessage(String text, List<LayoutBlock> blocks, List<Attachment> attachments) {
        this(text, blocks, attachments, false);
    }

    public static SlackMessage text(String text) {
        return new SlackMessage(text, List.of(), List.of());
    }

    public static SlackMessage of(String text, List<LayoutBlock> blocks) {
        return new SlackMessage(text, blocks, List.of());
    }

    /** This message, announced to everyone active in its channel. */
    public SlackMessage announcedHere() {
        return new SlackMessage(text, blocks, attachments, true);
    }
}
