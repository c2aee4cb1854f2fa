package org.opsbot.bot.slack.ops;

import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.model.block.element.OverflowMenuElement;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Buttons folded into one overflow menu ("⋯"), so that a row of controls stays short on a phone.
 * Each option stands for a button and carries the button's id and value; the menu's own id is
 * routed with {@link SlackRoutes#overflow}, which hands a chosen option to the handler of the
 * button it stands for, in whichever feature that is, as if the button had been clicked. So a
 * button keeps one id and one handler whether it shows as a button or as a menu option, and
 * the ids in menus are pinned like any other.
 *
 * <p>Slack takes 2 to 5 options, and one confirm dialog for the whole menu: a button that asks
 * for confirmation stays a button.
 */
public final class OverflowMenu {
    /** Controls Slack lays out in one row on a phone; more wrap onto further rows. */
    public static final int MAX_IN_VIEW = 5;
    private static final int MIN_OPTIONS = 2;
    private static final int MAX_OPTIONS = 5;
    // Slack's limits for an option: 75 characters of text, 150 of value.
    private static final int OPTION_TEXT = 75;
    private static final int OPTION_VALUE = 150;

    private OverflowMenu() {
    }

    /**
     * The controls of one actions block: {@code kept} as they are, then {@code folded} as
     * buttons when all fit in {@link #MAX_IN_VIEW}, otherwise in one overflow menu under
     * {@code menuId}. Refuses what cannot be one row: five or more kept besides a menu, or a
     * menu of fewer than two options (Slack's minimum) or more than five.
     */
    public static List<BlockElement> fit(String menuId, List<? extends BlockElement> kept, List<ButtonElement> folded) {
        List<BlockElement> out = new ArrayList<>(kept);
        if (kept.size() + folded.size() <= MAX_IN_VIEW) {
            out.addAll(folded);
            return out;
        }
        if (kept.size() >= MAX_IN_VIEW || folded.size() < MIN_OPTIONS || folded.size() > MAX_OPTIONS) {
            throw new IllegalArgumentException(kept.size() + " controls and " + folded.size()
                    + " in a menu do not fit in one row of " + MAX_IN_VIEW);
        }
        out.add(OverflowMenuElement.builder().actionId(menuId).options(folded.stream().map(OverflowMenu::option).toList()).build());
        return out;
    }

    private static OptionObject option(ButtonElement b) {
        String value = b.getActionId() + " " + (b.getValue() == null ? "" : b.getValue());
        if (value.length() > OPTION_VALUE) {
            throw new IllegalArgumentException("the value of " + b.getActionId() + " is too long for a menu option");
        }
        String text = b.getText().getText();
        return OptionObject.builder().text(PlainTextObject.builder().text(text.length() > OPTION_TEXT ? text.substring(0, OPTION_TEXT - 1) + "…" : text)
                .emoji(true).build()).value(value).build();
    }

    /** The button an option stands for: its id and its value. */
    record Chosen(String id, String value) {
        static Optional<Chosen> of(String optionValue) {
            if (optionValue == null) {
                return Optional.empty();
            }
            int space = optionValue.indexOf(' ');
            return space <= 0 ? Optional.empty()
                    : Optional.of(new Chosen(optionValue.substring(0, space), optionValue.substring(space + 1)));
        }
    }
}
