package org.opsbot.archfixture.nested;

import org.opsbot.archfixture.nested.inner.Inner;

/** A package that uses its own subpackage, as bot used bot.checks... */
public final class Outer {
    Inner inner;
}
