package org.opsbot.archfixture.nested.inner;

import org.opsbot.archfixture.nested.Outer;

/** ...while the subpackage uses it back, as bot.checks used bot.Validator. */
public final class Inner {
    Outer outer;
}
