package org.opsbot.bot.outbox;

import org.junit.jupiter.api.Test;
import org.opsbot.commands.store.MutableClock;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** How the outbox spaces posts in one channel; the storm tests in {@code faults} show it against a strict Slack. */
class ChannelPacingTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T03:00:00Z"));
    private final ChannelPacing pacing = new ChannelPacing(clock);

    /** Takes a turn at once and holds the post in flight for {@code flight}. */
    private void post(String channel, boolean threadNote, Duration flight) {
        try (ChannelPacing.Place place = pacing.queue(channel, threadNote)) {
            assertThat(place.turn()).as("a turn for a post to %s now", channel).isZero();
            clock.advance(flight);
        }
    }

    private void useUpTheBurst(String channel) {
        for (int i = 0; i < ChannelPacing.BURST; i++) {
            post(channel, false, Duration.ofMillis(10));
        }
    }

    @Test
    void theNextPostLeavesASecondAfterThePreviousAnswerHoweverLongThatPostTook() {
        useUpTheBurst("#alerts");
        try (ChannelPacing.Place next = pacing.queue("#alerts", false)) {
            clock.advance(Duration.ofMillis(999));
            assertThat(next.turn()).isPositive();
            clock.advance(Duration.ofMillis(1));
            assertThat(next.turn()).isZero();
            clock.advance(Duration.ofMillis(700)); // a slow answer
        }
        try (ChannelPacing.Place after = pacing.queue("#alerts", false)) {
            clock.advance(Duration.ofMillis(999));
            assertThat(after.turn()).as("the slow post's time on the way does not count").isPositive();
            clock.advance(Duration.ofMillis(1));
            assertThat(after.turn()).isZero();
        }
    }

    @Test
    void aPostWokenLateDoesNotShortenTheNextOnesSecond() {
        useUpTheBurst("#alerts");
        try (ChannelPacing.Place late = pacing.queue("#alerts", false)) {
            clock.advance(Duration.ofMillis(1_400));
            assertThat(late.turn()).isZero();
        }
        try (ChannelPacing.Place next = pacing.queue("#alerts", false)) {
            clock.advance(Duration.ofMillis(999));
            assertThat(next.turn()).isPositive();
        }
    }

    @Test
    void onlyOnePostIsOnTheWayToAChannelAtATime() {
        try (ChannelPacing.Place first = pacing.queue("#alerts", false);
             ChannelPacing.Place second = pacing.queue("#alerts", false)) {
            assertThat(first.turn()).isZero();
            assertThat(second.turn()).as("while the first is on the way").isPositive();
        }
    }

    @Test
    void aThreadNoteWaitsWhileATopLevelPostToItsChannelWaits() {
        useUpTheBurst("#alerts");
        try (ChannelPacing.Place parent = pacing.queue("#alerts", false);
             ChannelPacing.Place note = pacing.queue("#alerts", true)) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(note.turn()).as("the note, while the alert waits").isPositive();
            assertThat(parent.turn()).isZero();
        }
        try (ChannelPacing.Place note = pacing.queue("#alerts", true)) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(note.turn()).as("the note, once no alert waits").isZero();
        }
    }

    @Test
    void aChannelsNameAndIdShareOnePace() {
        useUpTheBurst("#alerts");
        pacing.alias("#alerts", "C0ALERTS1");
        try (ChannelPacing.Place byId = pacing.queue("C0ALERTS1", true)) {
            assertThat(byId.turn()).as("a reply addressed by the channel's id").isPositive();
        }
        try (ChannelPacing.Place elsewhere = pacing.queue("#other", false)) {
            assertThat(elsewhere.turn()).as("another channel").isZero();
        }
    }

    @Test
    void slacksRetryAfterPausesTheChannel() {
        pacing.queue("#alerts", false).close();
        pacing.pause("#alerts", Duration.ofSeconds(30));
        try (ChannelPacing.Place place = pacing.queue("#alerts", false)) {
            assertThat(place.turn()).isEqualTo(Duration.ofSeconds(30));
            clock.advance(Duration.ofSeconds(31));
            assertThat(place.turn()).isZero();
        }
    }
}
