package org.opsbot.bot.slack.ops;

import com.slack.api.model.block.composition.ConfirmationDialogObject;
import org.opsbot.bot.slack.text.SlackText;

import static com.slack.api.model.block.composition.BlockCompositions.plainText;

/**
 * The "Are you sure?" Slack shows before a click that cannot be taken back is sent (Resolve,
 * Silence, Break glass), cut to Slack's limits: title 100 characters, text 300, buttons 30.
 */
public final class ConfirmDialog {
    private ConfirmDialog() {
    }

    /**
     * @param danger whether the confirming button is red: for what weakens a safeguard
     */
    public static ConfirmationDialogObject of(String title, String text, String yes, boolean danger) {
        return ConfirmationDialogObject.builder().title(plainText(SlackText.label(title, 100)))
                .text(plainText(SlackText.label(text, 300))).confirm(plainText(SlackText.label(yes, 30)))
                .deny(plainText("Cancel")).style(danger ? "danger" : "primary").build();
    }
}
