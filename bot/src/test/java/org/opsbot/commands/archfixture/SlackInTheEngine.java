package org.opsbot.commands.archfixture;

import com.slack.api.model.block.LayoutBlock;

/** An engine class (it lives under org.opsbot.commands) that builds Slack blocks. */
public final class SlackInTheEngine {
    LayoutBlock block;
}
