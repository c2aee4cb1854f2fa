package org.opsbot.bot.outbox;

import com.slack.api.model.Attachment;
import com.slack.api.model.block.LayoutBlock;

import java.util.List;

/**
 * What a message says: a plain-text fallback (notifications, screen readers, and the dry-run
 * log) and Block Kit blocks built with Bolt's model classes.
 */
public record SlackMessage(String text, List<LayoutBlock> blocks, List<Attachment> attachments) {

    public SlackMessage {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a Slack message needs a text fallback");
        }
        blocks = blocks == null ? List.of() : List.copyOf(blocks);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    public static SlackMessage text(String text) {
        return new SlackMessage(text, List.of(), List.of());
    }

    public static SlackMessage of(String text, List<LayoutBlock> blocks) {
        return new SlackMessage(text, blocks, List.of());
    }
}
