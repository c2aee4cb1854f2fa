package org.opsbot.bot.slack.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** E-mail and phone links: only checked values become markup; anything else stays text. */
class ContactLinksTest {

    @Test
    void anAddressAndANumberBecomeLinks() {
        assertThat(SlackText.email("dba@example.com")).isEqualTo("<mailto:dba@example.com|dba@example.com>");
        assertThat(SlackText.phone("+49 (30) 123-4567")).isEqualTo("<tel:+49301234567|+49 (30) 123-4567>");
    }

    @Test
    void textThatWouldEndTheLinkOrCarryMarkupStaysText() {
        assertThat(SlackText.email("a@b.com|<!here>")).isEqualTo("a@b.com|&lt;!here&gt;");
        assertThat(SlackText.email("<@U0ALICE001>@x.io")).isEqualTo("&lt;@U0ALICE001&gt;@x.io");
        assertThat(SlackText.phone("+1 555|<!channel>")).isEqualTo("+1 555|&lt;!channel&gt;");
        assertThat(SlackText.phone(null)).isEmpty();
    }
}
