package org.opsbot.bot.testing;

import org.opsbot.bot.slack.ops.CommandReply;
import org.opsbot.bot.slack.ops.OpsCommand;
import org.opsbot.bot.slack.ops.OpsInvocation;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A command that only counts its runs, to prove a request did or did not reach a handler. */
public final class CountingCommand implements OpsCommand {

    public final AtomicInteger runs = new AtomicInteger();
    private final String name;
    private final Optional<String> permission;

    public CountingCommand(String name, Optional<String> permission) {
        this.name = name;
        this.permission = permission;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String usage() {
        return "";
    }

    @Override
    public String summary() {
        return "counts its runs";
    }

    @Override
    public Optional<String> permission() {
        return permission;
    }

    @Override
    public CommandReply handle(OpsInvocation invocation) {
        runs.incrementAndGet();
        return CommandReply.ephemeral("counted");
    }
}
