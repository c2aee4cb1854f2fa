package org.opsbot.bot.slack.ops;

import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.model.block.element.OverflowMenuElement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A row of controls on a phone: at most five, the rest in one overflow menu whose options name their buttons. */
class OverflowMenuTest {

    private static List<ButtonElement> buttons(int n) {
        return IntStream.range(0, n).mapToObj(i -> button(b -> b.actionId("alert.b" + (char) ('a' + i))
                .text(plainText("Button " + i)).value("7:" + i))).toList();
    }

    @Test
    void whatFitsInFiveStaysAsItIs() {
        assertThat(OverflowMenu.fit("alert.more", buttons(3), buttons(2))).hasSize(5).allMatch(ButtonElement.class::isInstance);
    }

    @Test
    void whatDoesNotFitFoldsIntoOneMenuWhoseOptionsCarryTheButtonsIdAndValue() {
        List<BlockElement> row = OverflowMenu.fit("alert.more", buttons(4), buttons(3));

        assertThat(row).hasSize(5);
        OverflowMenuElement menu = (OverflowMenuElement) row.getLast();
        assertThat(menu.getActionId()).isEqualTo("alert.more");
        assertThat(menu.getOptions()).extracting(OptionObject::getValue).containsExactly("alert.ba 7:0", "alert.bb 7:1", "alert.bc 7:2");
        assertThat(OverflowMenu.Chosen.of("alert.bb 7:1")).contains(new OverflowMenu.Chosen("alert.bb", "7:1"));
        assertThat(OverflowMenu.Chosen.of("no-space")).isEmpty();
    }

    @Test
    void whatCannotBeOneRowIsRefused() {
        assertThatThrownBy(() -> OverflowMenu.fit("alert.more", buttons(2), buttons(6))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OverflowMenu.fit("alert.more", buttons(5), buttons(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OverflowMenu.fit("alert.more", buttons(5), buttons(2))).isInstanceOf(IllegalArgumentException.class);
    }
}
