package org.opsbot.commands.model;

/**
 * Someone who opened the bot's App Home.
 *
 * @param publishedAt when their view was last handed to the outbox (epoch millis; null: never)
 * @param viewHash    a hash of that view, to tell whether a new one shows anything else
 */
public record HomeViewer(String userId, long openedAt, Long publishedAt, String viewHash) {
}
